"""/race [benchmark]: per benchmark, each country's best model, the gap and the lag in months."""

from __future__ import annotations

from datetime import date, timedelta

from commands.analysis import frontier as race
from commands.analysis import phrases
from commands.analysis.country_gap import country_gap, gap_line
from commands.analysis.standings import FOCUS, benchmark_entries, headline
from commands.core.lookup import resolve_benchmark
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Request
from commands.core.reply import Reply, Table, clip, footnotes
from storage.benchmarks import all_benchmarks
from storage.engine.db import Database
from storage.rows import BenchmarkRow

LAG_WIDTH = 8  # a longer lag cell (a range, a caveat) becomes a numbered note under the table


def _country_rows(bench: BenchmarkRow, entries: list[race.Entry]) -> list[tuple[str, ...]]:
    """One row per country, best first: its best model, its score, and its lag behind the
    leader (`leads` or `tie` for the leading side)."""
    hib = bench.higher_is_better
    bests = sorted(
        race.best_by_country(entries, hib).values(), key=lambda e: -e.value if hib else e.value
    )
    leader = bests[0]
    rivals = [e for e in entries if e.country == leader.country]
    tied = sum(e.value == leader.value for e in bests) > 1
    rows: list[tuple[str, ...]] = []
    for top in bests:
        if top.value == leader.value:  # a tie is a tie: no lag, as /gap says
            lag_text = "tie" if tied else "leads"
        else:
            lag = race.lag(top, rivals, leader.country, hib)
            lag_text = phrases.lag_cell(lag)
            if lag.status is race.LagStatus.AHEAD:  # it trails now; it was ahead when released
                lag_text = f"was {lag_text}"
        rows.append((bench.name, top.country, top.model, phrases.score(top.value), lag_text))
    return rows


def phone_table(side: str, rows: list[tuple[str, ...]]) -> tuple[Table, tuple[str, ...]]:
    """The table within `PHONE_WIDTH`: names clipped, long lag cells as numbered notes."""
    long = [row[4] for row in rows if len(row[4]) > LAG_WIDTH]
    refs, notes = footnotes(long)
    by_text = dict(zip(long, refs, strict=True))
    named = 20 - max(len(side), *(len(row[1]) for row in rows))  # Side 4 wide: models 16
    cells = tuple(
        (clip(bench, 14), who, clip(model, named), score, by_text.get(lag, lag))
        for bench, who, model, score, lag in rows
    )
    return Table(("Benchmark", side, "Best model", "Score", "Lag"), cells), notes


CAMPS = ("closed", "open")  # `/race open`: open weights against the rest


def as_camps(entries: list[race.Entry]) -> list[race.Entry]:
    """Entries with their camp for a country: open weights, or closed (or not said)."""
    return [e._replace(country="open" if e.open_weights else "closed") for e in entries]


def summary(per_bench: list[tuple[BenchmarkRow, list[race.Entry]]], day: date, camps: bool) -> str:
    """The one line /race opens with: the median lag now and a year before `day`."""
    lead, trail = ("closed", "open") if camps else ("US", "CN")
    names = ("Open-weights models", "closed ones") if camps else None
    cut = day - timedelta(days=365)

    def then(entries: list[race.Entry]) -> list[race.Entry]:
        return [e for e in entries if e.released is None or e.released <= cut]

    now = country_gap([(b.higher_is_better, e) for b, e in per_bench], lead, trail)
    before = country_gap([(b.higher_is_better, then(e)) for b, e in per_bench], lead, trail)
    return gap_line(now, before, names)


def leads_line(headlines: list[tuple[str, str]]) -> str:
    """`US leads CN on 2 of 3 benchmarks both have; CN on 1.` from the side that leads more."""
    counts = {side: sum(leader == side for leader, _ in headlines) for side in FOCUS}
    first, second = sorted(FOCUS, key=lambda side: -counts[side])
    ties = sum(leader == "tie" for leader, _ in headlines)
    text = f"{first} leads {second} on {counts[first]} of {len(headlines)} benchmarks both have"
    text += f"; {second} on {counts[second]}" if counts[second] else ""
    return text + (f"; tied on {ties}." if ties else ".")


@REGISTRY.command(
    "race",
    description="The headline: how far behind China is, and each country's best per benchmark",
    options=(
        Option("benchmark", "Only this benchmark", autocomplete=Autocomplete.BENCHMARK),
        Option("as_of", "The race as the data knew it on this date", type=OptionType.DATE),
        Option("open", "Open-weights models against closed ones", type=OptionType.BOOLEAN),
    ),
    examples=("/race", "/race FrontierSWE", "/race as_of:2025-06-01", "/race open"),
)
async def race_command(request: Request, db: Database) -> Reply:
    as_of = request.get("as_of")
    day = as_of.last_day if as_of else request.now.date()
    camps = bool(request.get("open"))
    async with db.read() as conn:
        if name := request.get("benchmark"):
            benches = [await resolve_benchmark(conn, name)]
        else:
            benches = await all_benchmarks(conn)
        per_bench = [(b, await benchmark_entries(conn, b, day if as_of else None)) for b in benches]
    per_bench = [(b, as_camps(e) if camps else e) for b, e in per_bench if e]
    when = f" as of {as_of}" if as_of else ""
    if not per_bench:
        return Reply(title=f"The race{when}", body="No scores yet.")
    rows = [row for b, e in per_bench for row in _country_rows(b, e)]
    lines = [summary(per_bench, day, camps)]
    headlines = [] if camps else [found for b, e in per_bench if (found := headline(b, e, day))]
    if headlines:
        lines.append(leads_line(headlines))
    table, notes = phone_table("Camp" if camps else "Side", rows)
    title = (
        "Open weights vs closed"
        if camps
        else ("The race: US vs China" if headlines else "The race")
    )
    return Reply(
        title=title + when,
        body="\n".join(lines),
        table=table,
        extra=notes + tuple(line for _, line in headlines),
        footer="Lag: months since the leading side first reached that score (days / 30.44).",
    )
