"""Pure analysis of the race: frontiers, gaps, time lag and lead changes (no I/O, no clock).

Time lag (SPEC §3): for a country X and a benchmark, X's frontier at date t is the best
score of X's models released on or before t. A model A (released t_A, score s) is behind X
by t_A - (first date X's frontier reached s); if X's frontier never reached s, A leads X.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

DAYS_PER_MONTH = 30.44
COARSENESS = {"day": 0, "month": 1, "quarter": 2}


def period_end(day: date, precision: str) -> date:
    """The last day of the month or quarter that starts on `day` (`day` itself if exact)."""
    if precision not in ("month", "quarter"):
        return day
    end_month = day.month + (2 if precision == "quarter" else 0)
    return date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])


class Entry(NamedTuple):
    """One model's current score on one benchmark, with what the race needs to know (a
    tuple: /race builds one per score on a benchmark, a thousand at 300,000 scores)."""

    model: str
    country: str
    released: date | None
    value: float
    open_weights: bool = False
    precision: str = "day"  # day | month | quarter: `released` is the period's first day

    @property
    def released_by(self) -> date | None:
        """The last day the release may have happened on."""
        return None if self.released is None else period_end(self.released, self.precision)


@dataclass(frozen=True)
class Step:
    """A point where a frontier improves: from `day` on, `model`'s `value` is the best."""

    day: date
    value: float
    model: str


class LagStatus(StrEnum):
    BEHIND = "behind"  # X reached the score before A was released
    AHEAD = "ahead"  # X reached the score only after A was released
    LEADS = "leads"  # X never reached the score
    UNKNOWN = "unknown"  # a release date needed for the answer is missing


@dataclass(frozen=True)
class Lag:
    """How far `model` is behind country `rival`'s frontier on one benchmark."""

    model: str
    rival: str
    status: LagStatus
    days: int | None = None
    reached_by: str | None = None
    reached_on: date | None = None
    undated: tuple[str, ...] = ()  # models whose missing release date limits the answer
    own: bool = False  # `model` is of `rival` itself: compared with the rest of its country
    least: int | None = None  # signed days (behind > 0) at the least and at the most, when
    most: int | None = None  # a month- or quarter-precision date leaves a range
    precision: str = "day"  # the coarsest precision among the dates the lag reads
    reached_precision: str = "day"

    @property
    def months(self) -> float | None:
        return None if self.days is None else months(self.days)

    @property
    def exact(self) -> bool:
        """Whether every date the lag reads is known to the day."""
        return self.least == self.most


def months(days: int) -> float:
    """Days as months of 30.44 days, one decimal."""
    return round(days / DAYS_PER_MONTH, 1)


def at_least(a: float, b: float, higher_is_better: bool) -> bool:
    """Whether score `a` is as good as `b` or better."""
    return a >= b if higher_is_better else a <= b


def _rank(higher_is_better: bool) -> Callable[[Entry], tuple[float, bool, date, str]]:
    """The order `best` picks by: the best score, then the earlier release (undated last),
    then the name."""
    sign = -1 if higher_is_better else 1
    return lambda e: (sign * e.value, e.released is None, e.released or date.max, e.model)


def best(entries: Iterable[Entry], higher_is_better: bool) -> Entry | None:
    """The best entry; ties go to the earlier release (undated last), then the name."""
    return min(entries, key=_rank(higher_is_better), default=None)


def frontier(entries: Iterable[Entry], higher_is_better: bool) -> list[Step]:
    """The best-so-far steps of dated entries, in release order."""
    dated = sorted(
        (e for e in entries if e.released is not None),
        key=lambda e: (e.released, -e.value if higher_is_better else e.value),
    )
    steps: list[Step] = []
    for entry in dated:
        assert entry.released is not None
        if not steps or (
            entry.value != steps[-1].value
            and at_least(entry.value, steps[-1].value, higher_is_better)
        ):
            if steps and steps[-1].day == entry.released:
                steps.pop()
            steps.append(Step(entry.released, entry.value, entry.model))
    return steps


def first_reached(steps: Sequence[Step], value: float, higher_is_better: bool) -> Step | None:
    """The first frontier step at least as good as `value`."""
    return next((s for s in steps if at_least(s.value, value, higher_is_better)), None)


def lag(entry: Entry, rivals: Iterable[Entry], rival_country: str, higher_is_better: bool) -> Lag:
    """How far `entry` is behind `rival_country`'s frontier (`rivals`: that country's entries)."""
    rivals = [r for r in rivals if r.model != entry.model]
    own = entry.country == rival_country
    undated = tuple(
        sorted(
            r.model
            for r in rivals
            if r.released is None and at_least(r.value, entry.value, higher_is_better)
        )
    )
    if entry.released is None or entry.released_by is None:
        return Lag(entry.model, rival_country, LagStatus.UNKNOWN, undated=(entry.model,), own=own)
    step = first_reached(frontier(rivals, higher_is_better), entry.value, higher_is_better)
    if step is None:
        status = LagStatus.UNKNOWN if undated else LagStatus.LEADS
        return Lag(entry.model, rival_country, status, undated=undated, own=own)
    reaching = [
        r
        for r in rivals
        if r.released is not None and at_least(r.value, entry.value, higher_is_better)
    ]
    first_end = min(r.released_by for r in reaching if r.released_by is not None)
    maybe_first = [r for r in reaching if r.released is not None and r.released <= first_end]
    coarsest = max([entry, *maybe_first], key=lambda e: COARSENESS.get(e.precision, 0))
    reached = next((r.precision for r in reaching if r.model == step.model), "day")
    days = (entry.released - step.day).days
    return Lag(
        entry.model,
        rival_country,
        LagStatus.BEHIND if days >= 0 else LagStatus.AHEAD,
        abs(days),
        step.model,
        step.day,
        undated,
        own,
        (entry.released - first_end).days,
        (entry.released_by - step.day).days,
        coarsest.precision,
        reached,
    )


def best_by_country(entries: Iterable[Entry], higher_is_better: bool) -> dict[str, Entry]:
    """Each country's best entry (as `best` picks it), in one pass."""
    rank = _rank(higher_is_better)
    tops: dict[str, tuple[tuple[float, bool, date, str], Entry]] = {}
    for entry in entries:
        key = rank(entry)
        held = tops.get(entry.country)
        if held is None or key < held[0]:
            tops[entry.country] = (key, entry)
    return {country: entry for country, (_key, entry) in tops.items()}


def leading_country(entries: Iterable[Entry], higher_is_better: bool) -> str | None:
    """The country of the best entry, or None when there is none."""
    top = best(entries, higher_is_better)
    return top.country if top else None


def percent_difference(a: float, b: float) -> float | None:
    """(a - b) as a percentage of b; None when b is zero."""
    return None if b == 0 else (a - b) / abs(b) * 100
