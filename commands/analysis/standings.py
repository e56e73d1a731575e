"""The race on one benchmark as /race and digests both say it: its entries, and who leads
between the US and China in one sentence."""

from __future__ import annotations

from datetime import date

from commands.analysis import frontier as race
from commands.analysis import phrases
from commands.analysis.country_gap import lead_since
from storage.engine.aio import AsyncConnection
from storage.rows import BenchmarkRow, Standing
from storage.scores import standings

FOCUS = ("US", "CN")


async def benchmark_entries(
    conn: AsyncConnection, bench: BenchmarkRow, as_of: date | None = None
) -> list[race.Entry]:
    """Each model's best score on the benchmark, as the lag rule reads them; `as_of` keeps
    the models in the race on that day (`known_on`)."""
    rows = await standings(conn, bench.id, higher_is_better=bench.higher_is_better)
    return [phrases.entry(r) for r in rows if as_of is None or known_on(r, as_of)]


def known_on(row: Standing, day: date) -> bool:
    """In the race on `day`: a model released by then (its score as measured since, which is
    how benchmark hubs report old models), or an undated one reported by then."""
    return row.released <= day if row.released is not None else row.reported_on <= day


def headline(
    bench: BenchmarkRow, entries: list[race.Entry], today: date | None = None
) -> tuple[str, str] | None:
    """Who leads between the US and China on one benchmark, and the sentence saying so, from
    the leader's side, with how long it has led when `today` is given."""
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
    since = lead_since(entries, lead.country, trail.country, hib) if today else None
    held = (
        f", since {since.isoformat()} ({race.months((today - since).days):.1f} months)"
        if since and today
        else ""
    )
    return lead.country, (
        f"{bench.name}: {lead.country} leads {trail.country} by "
        f"{phrases.score(abs(us.value - cn.value))} points{held} "
        f"({lead.model} {phrases.score(lead.value)} vs {trail.model} "
        f"{phrases.score(trail.value)}); {phrases.lag_sentence(lag)}."
    )
