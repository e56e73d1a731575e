"""Forecasts resolve themselves: hit when their condition holds, missed when the window ends.

`check_conditions` is an event handler (`commands.alerts.handlers`: it runs inside the
write that added a score or a forecast); `resolve_missed` runs from the scheduler at each
window's end and on start.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from commands.alerts.kinds import KINDS
from commands.analysis import phrases
from commands.analysis.conditions import (
    Condition,
    CountryBest,
    ModelScore,
    Number,
    Outcome,
    Standings,
    Term,
    evaluate,
    parse_condition,
)
from commands.analysis.frontier import Entry
from commands.core.lookup import resolve_benchmark, resolve_model
from storage.benchmarks import find_benchmark
from storage.changes import Change
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.events import get_event
from storage.forecasts import list_forecasts, resolve_forecast
from storage.names import normalize
from storage.rows import ForecastRow
from storage.scores import standings

CHECKED_ON = frozenset(kind.name for kind in KINDS if kind.checks_forecasts)
ACTOR = "racewatch:forecasts"


async def canonical_condition(conn: AsyncConnection, text: str) -> str:
    """A condition as typed, with its names resolved (refused with suggestions if unknown)."""
    condition = parse_condition(text)
    sides: list[Term] = []
    for term in condition.terms:
        if isinstance(term, CountryBest | ModelScore) and term.benchmark is not None:
            term = replace(term, benchmark=(await resolve_benchmark(conn, term.benchmark)).name)
        if isinstance(term, ModelScore):
            term = replace(term, model=(await resolve_model(conn, term.model)).name)
        sides.append(term)
    return str(Condition(sides[0], condition.op, sides[1]))


async def _standings(conn: AsyncConnection, condition: Condition) -> Standings:
    found: dict[str, tuple[bool, list[Entry]]] = {}
    for term in condition.terms:
        if isinstance(term, Number) or term.benchmark is None or term.benchmark in found:
            continue
        bench = await find_benchmark(conn, term.benchmark)
        if bench is None:
            continue
        rows = await standings(conn, bench.id, higher_is_better=bench.higher_is_better)
        found[term.benchmark] = (bench.higher_is_better, [phrases.entry(r) for r in rows])
    return found


async def check(conn: AsyncConnection, forecast: ForecastRow) -> Outcome | None:
    """Evaluate a forecast's condition against current scores (None: it has no condition)."""
    if not forecast.condition:
        return None
    condition = parse_condition(forecast.condition)
    return evaluate(condition, await _standings(conn, condition))


def concerns(condition: str, benchmark: str | None) -> bool:
    """Whether a score on `benchmark` can change the condition's outcome (an import of
    thousands of scores checks each forecast only against the scores it is about)."""
    if benchmark is None:
        return True
    return any(
        isinstance(term, CountryBest | ModelScore)
        and term.benchmark is not None
        and normalize(term.benchmark) == normalize(benchmark)
        for term in parse_condition(condition).terms
    )


async def check_conditions(change: Change, event_id: int) -> None:
    """The event handler: a new score (or forecast) may meet an open forecast's condition."""
    event = await get_event(change.conn, event_id)
    if event is None or event.kind not in CHECKED_ON:
        return
    today = change.at.date()
    for forecast in await list_forecasts(change.conn, "open"):
        if event.kind == "forecast" and event.payload.get("forecast_id") != forecast.id:
            continue
        if not forecast.condition or today > forecast.window_to:
            continue
        if event.kind != "forecast" and not concerns(forecast.condition, event.benchmark):
            continue
        outcome = await check(change.conn, forecast)
        if outcome is not None and outcome.holds:
            await resolve_forecast(change, forecast, "hit", f"condition met: {outcome.explanation}")


async def resolve_missed(db: Database, now: datetime) -> list[int]:
    """Close every open forecast with a condition whose window has ended; returns their ids."""
    async with db.read() as conn:
        ended = [
            f
            for f in await list_forecasts(conn, "open")
            if f.condition and f.window_to < now.date()
        ]
    if not ended:
        return []
    closed: list[int] = []
    async with db.write(ACTOR, "forecast windows ended", now) as change:
        for forecast in await list_forecasts(change.conn, "open"):
            if forecast.id not in {f.id for f in ended}:
                continue
            outcome = await check(change.conn, forecast)
            assert outcome is not None
            if outcome.holds:
                await resolve_forecast(
                    change, forecast, "hit", f"condition met: {outcome.explanation}"
                )
            else:
                note = f"window ended {forecast.window_to.isoformat()}; {outcome.explanation}"
                await resolve_forecast(change, forecast, "missed", note)
            closed.append(forecast.id)
    return closed
