"""The race on one benchmark as /race and digests both say it: its entries, and who leads
between the US and China in one sentence."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from commands.analysis import frontier as race
from commands.analysis import phrases
from storage.rows import BenchmarkRow
from storage.scores import standings

FOCUS = ("US", "CN")


async def benchmark_entries(conn: AsyncConnection, bench: BenchmarkRow) -> list[race.Entry]:
    """Each model's best score on the benchmark, as the lag rule reads them."""
    rows = await standings(conn, bench.id, higher_is_better=bench.higher_is_better)
    return [phrases.entry(r) for r in rows]


def headline(bench: BenchmarkRow, entries: list[race.Entry]) -> tuple[str, str] | None:
    """Who leads between the US and China on one benchmark, and the sentence saying so."""
    hib = bench.higher_is_better
    bests = race.best_by_country(entries, hib)
    if not all(c in bests for c in FOCUS):
        return None
    us, cn = bests["US"], bests["CN"]
    if us.value == cn.value:
        return "tie", f"{bench.name}: US and CN tie at {phrases.score(us.value)}."
    lead, trail = (us, cn) if race.at_least(us.value, cn.value, hib) else (cn, us)
    rivals = [e for e in entries if e.country == lead.country]
    lag = race.lag(trail, rivals, lead.country, hib)
    return lead.country, (
        f"{bench.name}: {lead.country} leads {trail.country} by "
        f"{phrases.score(abs(us.value - cn.value))} points "
        f"({lead.model} {phrases.score(lead.value)} vs {trail.model} "
        f"{phrases.score(trail.value)}); {phrases.lag_sentence(lag)}."
    )
