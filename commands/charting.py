"""Draw a `ChartSeries` as a PNG readable on a phone in Discord's dark theme and in Slack.

matplotlib is imported on first use (not at start-up) and used through its object API with
the Agg canvas, so nothing needs a display and no global pyplot state is shared.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from commands.chart_series import ChartSeries, CountrySeries, describe_gap

WIDTH, HEIGHT, DPI = 12.0, 6.75, 100  # 1200 x 675 pixels: 16:9, sharp in a chat preview
BACKGROUND = "#1e1f22"  # Discord's dark theme; Slack's dark theme is nearly the same
PANEL = "#26282c"
INK = "#f2f3f5"
MUTED = "#a4a8b0"
GRID = "#3a3d44"
COLOURS = {"US": "#4da3ff", "CN": "#ff5a5f"}
LABEL_SIZE = 13
OTHER_COLOURS = ("#ffc53d", "#4fd18b", "#c792ea", "#3fd0d4", "#ff9f43", "#e0e0e0")


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


def _place_labels(ax: Any, series: ChartSeries, colours: dict[str, str], avoid: list[Any]) -> None:
    """Name the ranked dots, most important first, skipping any label that would overlap."""
    from matplotlib.dates import date2num
    from matplotlib.transforms import Bbox

    ax.get_xlim(), ax.get_ylim()  # apply pending autoscaling before mapping data to pixels
    box = ax.get_window_extent()
    taken: list[Any] = list(avoid)
    ranked = sorted(
        (
            (d, line.country)
            for line in series.countries
            for d in line.dots
            if d.label_rank is not None
        ),
        key=lambda pair: pair[0].label_rank or 0,
    )
    for dot, country in ranked:
        x, y = ax.transData.transform((date2num(dot.day), dot.value))  # type: ignore[no-untyped-call]
        width = len(dot.model) * LABEL_SIZE * 0.66 * DPI / 72
        height = LABEL_SIZE * 1.25 * DPI / 72
        right = x + 8 + width <= box.x1
        x0 = x + 8 if right else x - 8 - width
        for y0 in (y + 4, y - 4 - height):
            candidate = Bbox.from_bounds(x0, y0, width, height)
            inside = box.y0 <= y0 and y0 + height <= box.y1 and x0 >= box.x0
            if inside and not any(candidate.overlaps(t) for t in taken):
                taken.append(candidate)
                ax.annotate(
                    dot.model,
                    (dot.day, dot.value),
                    xytext=(8 if right else -8, 4 if y0 > y else -4),
                    textcoords="offset pixels",
                    ha="left" if right else "right",
                    va="bottom" if y0 > y else "top",
                    fontsize=LABEL_SIZE,
                    color=colours[country],
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


def _legend(ax: Any, colours: dict[str, str]) -> Any:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, linewidth=3.0, label=name) for name, c in colours.items()]
    handles.append(
        Line2D([], [], linestyle="", marker="o", markersize=9, color=MUTED, label="closed weights")
    )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=9,
            markerfacecolor="none",
            markeredgecolor=MUTED,
            markeredgewidth=2.0,
            label="open weights",
        )
    )
    return ax.legend(
        handles=handles,
        loc="upper left",
        fontsize=13,
        frameon=True,
        facecolor=BACKGROUND,
        edgecolor=GRID,
        labelcolor=INK,
        ncols=2,
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
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0.075, 0.12, 0.9, 0.72))
    _style(ax, series)
    colours: dict[str, str] = {}
    others: list[str] = []
    crowded = series.dot_count > 150
    for line in series.countries:
        colours[line.country] = country_colour(line.country, others)
        _draw_country(ax, line, colours[line.country], series.end, crowded)
    if limits := _x_limits(series):
        ax.set_xlim(date2num(limits[0]), date2num(limits[1]))  # type: ignore[no-untyped-call]
    legend = _legend(ax, colours)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    _place_labels(ax, series, colours, [legend.get_window_extent(renderer)])
    figure.text(
        0.075, 0.93, f"{series.benchmark}: the race", color=INK, fontsize=24, fontweight="bold"
    )
    figure.text(0.075, 0.875, describe_gap(series.gap, series.unit), color=INK, fontsize=15)
    note = "Line: best score so far per country. Dot: one model."
    if series.undated:
        note += f" Not shown (release date unknown): {len(series.undated)}."
    figure.text(0.075, 0.035, note, color=MUTED, fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": 4})
    return buffer.getvalue()
