"""Validated writes shared by /admin and file import: the rules a curator's data must meet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from commands.analysis import frontier as race
from commands.analysis import phrases
from commands.core.errors import UserError
from storage.changes import Change
from storage.rows import BenchmarkRow, ModelRow
from storage.scores import add_score, standings

LEADERS_CHECKED = 10


@dataclass(frozen=True)
class ScoreOutcome:
    """What recording a score did: added, updated or unchanged; and any lead change."""

    status: str
    lead_change: tuple[str, str] | None = None  # (from country, to country)


def check_score(bench: BenchmarkRow, value: float) -> None:
    """Refuse a value outside the benchmark's valid range."""
    low, high = bench.min_value, bench.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        span = (
            f"from {low:g} to {high:g}"
            if low is not None and high is not None
            else (f"from {low:g} up" if low is not None else f"up to {high:g}")
        )
        raise UserError(
            f"{bench.name} scores run {span} ({bench.unit}); {value:g} is outside. "
            f"Check the value, e.g. /admin score add MODEL {bench.name} 74.4 source:URL"
        )


def check_report_date(reported_on: date, today: date) -> None:
    if reported_on > today:
        raise UserError(
            f"date {reported_on.isoformat()} is in the future; give the day the score was reported."
        )


async def leading_country(change: Change, bench: BenchmarkRow) -> str | None:
    top = await standings(
        change.conn, bench.id, higher_is_better=bench.higher_is_better, limit=LEADERS_CHECKED
    )
    return race.leading_country([phrases.entry(s) for s in top], bench.higher_is_better)


async def record_score(
    change: Change,
    model: ModelRow,
    bench: BenchmarkRow,
    value: float,
    *,
    reported_on: date,
    source: str,
    stderr: float | None = None,
    batch: str | None = None,
) -> ScoreOutcome:
    """Check and record a score; a change of the leading country is an event of its own."""
    check_score(bench, value)
    check_report_date(reported_on, change.at.date())
    if stderr is not None and stderr < 0:
        raise UserError("stderr cannot be negative.")
    before = await leading_country(change, bench)
    status = await add_score(
        change,
        model_id=model.id,
        benchmark_id=bench.id,
        value=value,
        reported_on=reported_on,
        source=source,
        added_by=change.actor,
        stderr=stderr,
        batch=batch,
    )
    after = await leading_country(change, bench)
    if before is not None and after is not None and after != before:
        await change.event(
            "lead",
            f"Lead change on {bench.name}: {after} overtakes {before} "
            f"with {model.name} at {phrases.score(value)}",
            model=model.name,
            organization=model.organization,
            country=after,
            benchmark=bench.name,
            batch=batch,
            payload={"from": before, "to": after, "value": value},
        )
        return ScoreOutcome(status, (before, after))
    return ScoreOutcome(status)
