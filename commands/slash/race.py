"""/race [benchmark]: per benchmark, each country's best model, the gap and the lag in months."""

from __future__ import annotations

from commands.analysis import frontier as race
from commands.analysis import phrases
from commands.analysis.standings import benchmark_entries, headline
from commands.core.lookup import resolve_benchmark
from commands.core.registry import REGISTRY, Autocomplete, Option, Request
from commands.core.reply import Reply, Table
from storage.benchmarks import all_benchmarks
from storage.engine.db import Database
from storage.rows import BenchmarkRow


def _country_rows(bench: BenchmarkRow, entries: list[race.Entry]) -> list[tuple[str, ...]]:
    """One row per country, best first: its best model, points behind the leader, lag."""
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
            behind, lag_text = ("tie" if tied else "leads"), ""
        else:
            behind = phrases.score(abs(leader.value - top.value))
            lag = race.lag(top, rivals, leader.country, hib)
            lag_text = phrases.lag_cell(lag)
        rows.append(
            (bench.name, top.country, top.model, phrases.score(top.value), behind, lag_text)
        )
    return rows


@REGISTRY.command(
    "race",
    description="The headline: each country's best model per benchmark, gap and lag",
    options=(Option("benchmark", "Only this benchmark", autocomplete=Autocomplete.BENCHMARK),),
    examples=("/race", "/race FrontierSWE"),
)
async def race_command(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        if name := request.get("benchmark"):
            benches = [await resolve_benchmark(conn, name)]
        else:
            benches = await all_benchmarks(conn)
        per_bench = [(b, await benchmark_entries(conn, b)) for b in benches]
    per_bench = [(b, e) for b, e in per_bench if e]
    if not per_bench:
        return Reply(title="The race", body="No scores yet.")
    rows = [row for b, e in per_bench for row in _country_rows(b, e)]
    headlines = [found for b, e in per_bench if (found := headline(b, e))]
    us_leads = sum(leader == "US" for leader, _ in headlines)
    summary = (
        f"US leads CN on {us_leads} of {len(headlines)} benchmarks both have." if headlines else ""
    )
    table = Table(("Benchmark", "Country", "Best model", "Score", "Behind", "Lag"), tuple(rows))
    return Reply(
        title="The race: US vs China" if headlines else "The race",
        body=summary,
        table=table,
        extra=tuple(line for _, line in headlines),
        footer="Lag: months since the leading country first reached that score (days / 30.44).",
    )
