"""Draw a `ChartSeries` as a PNG readable on a phone in Discord's dark theme and in Slack.

matplotlib is imported on first use (not at start-up) and used through its object API with
the Agg canvas, so nothing needs a display and no global pyplot state is shared.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, NamedTuple

from commands.analysis.chart_series import ChartSeries, CountrySeries, gap_headline

WIDTH, HEIGHT, DPI = 12.0, 6.75, 100  # 1200 x 675 pixels: 16:9, sharp in a chat preview
BACKGROUND = "#1e1f22"  # Discord's dark theme; Slack's dark theme is nearly the same
PANEL = "#26282c"
INK = "#f2f3f5"
MUTED = "#a4a8b0"
GRID = "#3a3d44"
COLOURS = {"US": "#4da3ff", "CN": "#ff5a5f"}
LABEL_SIZE = 13
OTHER_COLOURS = ("#ffc53d", "#4fd18b", "#c792ea", "#3fd0d4", "#ff9f43", "#e0e0e0")


class _Wish(NamedTuple):
    """A label we would like to write at (x, y) in data coordinates."""

    text: str
    x: float
    y: float
    colour: str
    leftwards: bool


def country_colour(country: str, others_seen: list[str]) -> str:
    """US blue, CN red, then a fixed sequence of other high-contrast colours."""
    if country in COLOURS:
        return COLOURS[country]
    if country not in others_seen:
        others_seen.append(country)
    return OTHER_COLOURS[others_seen.index(country) % len(OTHER_COLOURS)]


def _step_xy(line: CountrySeries, end: date) -> tuple[list[date], list[float]]:
    """The frontier as a staircase ending at `end` (today)."""
    xs: list[date] = []
    ys: list[float] = []
    for step in line.steps:
        xs.append(step.day)
        ys.append(step.value)
    if xs:
        xs.append(max(end, xs[-1]))
        ys.append(ys[-1])
    return xs, ys


def _draw_country(ax: Any, line: CountrySeries, colour: str, end: date, crowded: bool) -> None:
    xs, ys = _step_xy(line, end)
    if xs:
        ax.step(xs, ys, where="post", color=colour, linewidth=3.2, zorder=3)
    if line.undated_best is not None:
        ax.axhline(
            line.undated_best.value,
            color=colour,
            linestyle=(0, (6, 4)),
            linewidth=2.0,
            alpha=0.9,
            zorder=2,
        )
    size, alpha = (38, 0.65) if crowded else (80, 1.0)
    for is_open in (False, True):
        dots = [d for d in line.dots if d.open_weights is is_open]
        if not dots:
            continue
        sizes = [size * 1.8 if d.labelled else size for d in dots]
        ax.scatter(
            [d.day for d in dots],
            [d.value for d in dots],
            s=sizes,
            alpha=alpha,
            facecolors=BACKGROUND if is_open else colour,
            edgecolors=colour if is_open else BACKGROUND,
            linewidths=2.2 if is_open else 0.8,
            zorder=4,
        )


def _label_wishes(ax: Any, series: ChartSeries, colours: dict[str, str]) -> list[_Wish]:
    """Labels in priority order: undated levels first, then ranked dots."""
    from matplotlib.dates import date2num

    right_edge = ax.get_xlim()[1]
    wishes = [
        _Wish(
            f"{u.model} {u.value:g} (no release date)",
            right_edge,
            u.value,
            colours[c.country],
            True,
        )
        for c in series.countries
        if (u := c.undated_best) is not None
    ]
    ranked = sorted(
        ((d, c.country) for c in series.countries for d in c.dots if d.label_rank is not None),
        key=lambda pair: pair[0].label_rank or 0,
    )
    wishes += [
        _Wish(d.model, date2num(d.day), d.value, colours[country], False)  # type: ignore[no-untyped-call]
        for d, country in ranked
    ]
    return wishes


def _place_labels(ax: Any, wishes: list[_Wish], avoid: list[Any]) -> None:
    """Write each label beside its point, skipping any that would overlap one already placed."""
    from matplotlib.transforms import Bbox

    box = ax.get_window_extent()
    taken: list[Any] = list(avoid)
    for wish in wishes:
        x, y = ax.transData.transform((wish.x, wish.y))
        width = len(wish.text) * LABEL_SIZE * 0.66 * DPI / 72
        height = LABEL_SIZE * 1.25 * DPI / 72
        right = not wish.leftwards and x + 8 + width <= box.x1
        x0 = x + 8 if right else x - 8 - width
        for y0 in (y + 4, y - 4 - height):
            candidate = Bbox.from_bounds(x0, y0, width, height)
            inside = box.y0 <= y0 and y0 + height <= box.y1 and x0 >= box.x0
            if inside and not any(candidate.overlaps(t) for t in taken):
                taken.append(candidate)
                ax.annotate(
                    wish.text,
                    (wish.x, wish.y),
                    xytext=(8 if right else -8, 4 if y0 > y else -4),
                    textcoords="offset pixels",
                    ha="left" if right else "right",
                    va="bottom" if y0 > y else "top",
                    fontsize=LABEL_SIZE,
                    color=wish.colour,
                    fontweight="bold",
                    zorder=5,
                    bbox={
                        "boxstyle": "round,pad=0.12",
                        "facecolor": PANEL,
                        "edgecolor": "none",
                        "alpha": 0.85,
                    },
                )
                break


def _legend(figure: Any, colours: dict[str, str], undated: bool) -> None:
    """One row under the chart: a line per country, then what the marks mean."""
    from matplotlib.lines import Line2D

    dot: dict[str, Any] = {"linestyle": "", "marker": "o", "markersize": 10}
    handles = [Line2D([], [], color=c, linewidth=3.5, label=name) for name, c in colours.items()]
    handles.append(Line2D([], [], color=MUTED, label="closed weights", **dot))
    handles.append(
        Line2D(
            [],
            [],
            markerfacecolor="none",
            markeredgecolor=MUTED,
            markeredgewidth=2.2,
            label="open weights",
            **dot,
        )
    )
    if undated:
        handles.append(
            Line2D(
                [], [], color=MUTED, linestyle=(0, (6, 4)), linewidth=2.0, label="no release date"
            )
        )
    figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        fontsize=14,
        frameon=False,
        labelcolor=INK,
        ncols=len(handles),
        handlelength=1.6,
        columnspacing=1.4,
    )


def _style(ax: Any, series: ChartSeries) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    ax.set_facecolor(PANEL)
    for spine in ax.spines.values():
        spine.set_color(GRID)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.tick_params(colors=INK, labelsize=14)
    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    direction = "higher is better" if series.higher_is_better else "lower is better"
    ax.set_ylabel(f"{series.unit} ({direction})", color=MUTED, fontsize=14)
    if not series.higher_is_better:
        ax.invert_yaxis()


def _x_limits(series: ChartSeries) -> tuple[date, date] | None:
    days = [d.day for c in series.countries for d in c.dots]
    days += [s.day for c in series.countries for s in c.steps]
    if not days:
        return None
    start = series.start or min(days)
    end = max(series.end, max(days))
    pad = timedelta(days=max(7, (end - start).days // 25))
    return start - pad, end + pad


def render_png(series: ChartSeries) -> bytes:
    """The chart as PNG bytes (1200 x 675)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)  # attaches itself to the figure: no pyplot state
    ax = figure.add_axes((0.075, 0.17, 0.9, 0.67))
    _style(ax, series)
    ax.margins(y=0.12)
    colours: dict[str, str] = {}
    others: list[str] = []
    crowded = series.dot_count > 150
    for line in series.countries:
        colours[line.country] = country_colour(line.country, others)
        _draw_country(ax, line, colours[line.country], series.end, crowded)
    if limits := _x_limits(series):
        ax.set_xlim(date2num(limits[0]), date2num(limits[1]))  # type: ignore[no-untyped-call]
    _legend(figure, colours, any(c.undated_best for c in series.countries))
    ax.get_xlim(), ax.get_ylim()  # apply pending autoscaling before mapping data to pixels
    _place_labels(ax, _label_wishes(ax, series, colours), [])
    figure.text(
        0.075,
        0.93,
        f"{series.benchmark}: best score so far, by country",
        color=INK,
        fontsize=24,
        fontweight="bold",
    )
    headline = gap_headline(series.gap, series.unit)
    figure.text(0.075, 0.875, headline, color=INK, fontsize=15 if len(headline) <= 100 else 12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": 4})
    return buffer.getvalue()
