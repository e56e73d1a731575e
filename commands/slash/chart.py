"""/chart: a PNG of the race on one benchmark (best-so-far frontier per country over time)."""

from __future__ import annotations

import asyncio
import re

from commands.analysis import phrases
from commands.analysis.chart_png import render_png  # matplotlib itself loads on first render
from commands.analysis.chart_series import ChartSeries, chart_series, describe_gap
from commands.analysis.frontier import Entry
from commands.analysis.standings import benchmark_entries
from commands.core.errors import UserError
from commands.core.lookup import resolve_benchmark
from commands.core.options import parse_country
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Request
from commands.core.reply import Image, Reply
from commands.feeds.credit import LICENSED, credit_lines
from storage.engine.db import Database
from storage.listings import provenance
from storage.rows import BenchmarkRow


def parse_countries(text: str) -> tuple[str, ...]:
    """`US,CN` or `US CN` -> ("US", "CN"); each an ISO code."""
    codes = [parse_country(word, "countries") for word in re.split(r"[\s,;]+", text) if word]
    return tuple(dict.fromkeys(codes))


def image_name(benchmark: str) -> str:
    """A file name safe on every platform: `race-FrontierSWE.png`."""
    return f"race-{re.sub(r'[^A-Za-z0-9._-]+', '-', benchmark).strip('-') or 'chart'}.png"


def summary(series: ChartSeries) -> str:
    """The reply text: the gap first, then what the picture holds."""
    countries = [c for c in series.countries if c.dots or c.steps]
    lines = [describe_gap(series.gap, series.unit)]
    counted = ", ".join(f"{c.country} {len(c.dots)}" for c in countries)
    lines.append(f"Models shown: {series.dot_count} ({counted}); hollow dots are open weights.")
    if series.undated:
        shown = ", ".join(series.undated[:5]) + (" ..." if len(series.undated) > 5 else "")
        lines.append(f"Not on the chart, release date unknown: {shown}")
    return "\n".join(lines)


def credit(sources: list[str]) -> str:
    """The CC BY credit of licensed data drawn (`credit_lines`); else the most cited outlets."""
    if licensed := credit_lines(sources):
        others = sum(not any(mark in s for mark, _ in LICENSED) for s in sources)
        more = f" and {others} other source{'s' if others > 1 else ''}" if others else ""
        return "; ".join(licensed) + more
    named = list(dict.fromkeys(phrases.short_source(s, 40) for s in sources))
    more = f" and {len(named) - 2} more" if len(named) > 2 else ""
    return "Sources: " + "; ".join(named[:2]) + more if named else ""


async def race_entries(db: Database, benchmark: BenchmarkRow) -> list[Entry]:
    """The entries /race reads (`standings.benchmark_entries`): one tie order, and the
    release dates' precision, so the captions give the same ranges /race does."""
    async with db.read() as conn:
        return await benchmark_entries(conn, benchmark)


@REGISTRY.command(
    "chart",
    description="A picture of the race on one benchmark: each country's best score over time",
    options=(
        Option(
            "benchmark",
            "Which benchmark to draw",
            required=True,
            autocomplete=Autocomplete.BENCHMARK,
        ),
        Option(
            "since", "Start the chart at this date (2025-01, 2025-Q3, 2025-06-15)", OptionType.DATE
        ),
        Option("countries", "Only these countries, e.g. US,CN (default: US, CN and the others)"),
    ),
    examples=("/chart FrontierSWE", "/chart FrontierSWE since:2026-01 countries:US,CN"),
    slow=True,
)
async def chart(request: Request, db: Database) -> Reply:
    """Draw the chart off the event loop: rendering takes a few hundred milliseconds."""
    async with db.read() as conn:
        benchmark = await resolve_benchmark(conn, request.get("benchmark"))
    countries = parse_countries(request.get("countries", ""))
    since = request.get("since")
    entries = await race_entries(db, benchmark)
    if not entries:
        raise UserError(f"{benchmark.name} has no scores yet: nothing to draw.")
    async with db.read() as conn:
        sources, as_of = await provenance(conn, benchmark.id)
    series = chart_series(
        benchmark.name,
        entries,
        benchmark.higher_is_better,
        today=request.now.date(),
        unit=benchmark.unit,
        since=since.day if since else None,
        countries=countries,
        value_range=(benchmark.min_value, benchmark.max_value),
        credit=credit(sources),
        as_of=as_of,
    )
    if series.dot_count == 0 and not any(c.steps for c in series.countries):
        raise UserError(f"No {benchmark.name} scores match those countries and dates.")
    png = await asyncio.to_thread(render_png, series)
    alt = f"Chart of {benchmark.name}: best score so far per country over time. " + describe_gap(
        series.gap, series.unit
    )
    return Reply(
        title=f"{benchmark.name}: the race",
        body=summary(series),
        image=Image(image_name(benchmark.name), png, alt),
    )
