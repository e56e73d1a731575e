"""Draw a `ChartSeries` as a PNG readable on a phone in Discord's dark theme and in Slack.

matplotlib is imported on first use (not at start-up) and used through its object API with
the Agg canvas, so nothing needs a display and no global pyplot state is shared.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, NamedTuple

from commands.analysis.chart_series import ChartSeries, CountrySeries, gap_headline
from commands.analysis.phrases import score

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
            f"{u.model} {score(u.value)} (no release date)",
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


def _place_labels(ax: Any, wishes: list[_Wish]) -> None:
    """Write each label beside its point where its drawn box overlaps no label placed before
    and stays inside the plot; labels that fit nowhere are left out."""
    renderer = ax.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    taken: list[Any] = []
    for wish in wishes:
        for dx, dy in ((8, 4), (8, -4), (-8, 4), (-8, -4)):
            if wish.leftwards and dx > 0:
                continue
            label = _annotate(ax, wish, dx, dy)
            extent = label.get_window_extent(renderer)
            inside = (
                box.x0 <= extent.x0
                and extent.x1 <= box.x1
                and box.y0 <= extent.y0
                and extent.y1 <= box.y1
            )
            if inside and not any(extent.overlaps(t) for t in taken):
                taken.append(extent)
                break
            label.remove()


def _annotate(ax: Any, wish: _Wish, dx: int, dy: int) -> Any:
    return ax.annotate(
        wish.text,
        (wish.x, wish.y),
        xytext=(dx, dy),
        textcoords="offset pixels",
        ha="left" if dx > 0 else "right",
        va="bottom" if dy > 0 else "top",
        fontsize=LABEL_SIZE,
        color=wish.colour,
        fontweight="bold",
        zorder=5,
        bbox={"boxstyle": "round,pad=0.12", "facecolor": PANEL, "edgecolor": "none", "alpha": 0.85},
    )


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
        bbox_to_anchor=(0.5, 0.04),
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
    locator = AutoDateLocator(minticks=3, maxticks=9)  # type: ignore[no-untyped-call]
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


def _y_limits(ax: Any, series: ChartSeries) -> None:
    """The benchmark's declared range, or from zero on an open-ended scale of positive scores:
    a 0.7-point gap must not look like a 13-point one."""
    low, high = series.value_range
    values = [d.value for c in series.countries for d in c.dots]
    values += [u.value for c in series.countries if (u := c.undated_best) is not None]
    bottom, top = sorted(ax.get_ylim())
    if low is None and values and min(values) >= 0:
        low = 0.0
    low = bottom if low is None else low
    high = top if high is None else high
    ax.set_ylim(high, low) if not series.higher_is_better else ax.set_ylim(low, high)


def credit_line(series: ChartSeries) -> str:
    """Source credit, the data's date and the bot's name, printed on every image."""
    parts = [series.credit] if series.credit else []
    if series.as_of is not None:
        parts.append(f"data as of {series.as_of.isoformat()}")
    parts.append("Racewatch")
    return " · ".join(parts)


def draw(series: ChartSeries) -> Any:
    """The chart as a matplotlib Figure (1200 x 675 at 100 dpi), drawn on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)  # attaches itself to the figure: no pyplot state
    ax = figure.add_axes((0.075, 0.19, 0.9, 0.65))
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
    _y_limits(ax, series)
    _legend(figure, colours, any(c.undated_best for c in series.countries))
    _place_labels(ax, _label_wishes(ax, series, colours))
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
    figure.text(0.985, 0.015, credit_line(series), color=MUTED, fontsize=11, ha="right")
    return figure


def render_png(series: ChartSeries) -> bytes:
    """The chart as PNG bytes (1200 x 675)."""
    buffer = io.BytesIO()
    draw(series).savefig(
        buffer, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": 4}
    )
    return buffer.getvalue()
