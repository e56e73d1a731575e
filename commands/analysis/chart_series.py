"""The data behind a race chart: per country the best-so-far frontier, the dots and the gap.

Pure (no I/O, no clock, no plotting) so that what the picture shows is tested as data;
`commands.analysis.chart_png` only draws what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from commands.analysis.frontier import (
    Entry,
    Lag,
    LagStatus,
    Step,
    best,
    best_by_country,
    frontier,
    lag,
    months,
)
from commands.analysis.phrases import lag_span, precision_note, score

RIVALS = ("US", "CN")  # the race the bot is about: always shown first when present
MAX_COUNTRIES = 6  # more lines than this stop being readable on a phone
MAX_LABELS = 14  # labelled dots across the chart; the rest stay unlabelled


@dataclass(frozen=True)
class Dot:
    """One model on the chart: where it sits, whether its weights are open, whether it is named."""

    model: str
    day: date
    value: float
    open_weights: bool
    label_rank: int | None = None  # named on the chart if room, lowest rank first

    @property
    def labelled(self) -> bool:
        return self.label_rank is not None


@dataclass(frozen=True)
class CountrySeries:
    """One country's line (frontier steps, extended to `end`) and its models.

    `undated_best` is the country's best model without a release date: it cannot be placed
    in time, so the chart shows its score as a dashed level instead of a dot.
    """

    country: str
    steps: tuple[Step, ...]
    dots: tuple[Dot, ...]
    best: Entry | None
    undated_best: Entry | None = None


@dataclass(frozen=True)
class Gap:
    """The current gap between the leading country's best model and the runner-up's."""

    leader: Entry
    trailer: Entry
    points: float
    lag: Lag


@dataclass(frozen=True)
class ChartSeries:
    """Everything the chart draws, in the order it draws it."""

    benchmark: str
    unit: str
    higher_is_better: bool
    start: date | None
    end: date
    countries: tuple[CountrySeries, ...]
    gap: Gap | None
    undated: tuple[str, ...]  # models left off the chart: release date unknown
    value_range: tuple[float | None, float | None] = (None, None)  # the benchmark's bounds
    credit: str = ""  # where the drawn scores come from, printed under the chart
    as_of: date | None = None  # the newest report drawn

    @property
    def dot_count(self) -> int:
        return sum(len(c.dots) for c in self.countries)


def pick_countries(entries: Sequence[Entry], higher_is_better: bool) -> list[str]:
    """US and CN first, then the others by their best score, at most `MAX_COUNTRIES`."""
    tops = best_by_country(entries, higher_is_better)
    others = sorted(
        (c for c in tops if c not in RIVALS),
        key=lambda c: (-tops[c].value if higher_is_better else tops[c].value, c),
    )
    return ([c for c in RIVALS if c in tops] + others)[:MAX_COUNTRIES]


def clip_steps(steps: Sequence[Step], since: date | None) -> tuple[Step, ...]:
    """The steps from `since` on; the frontier in force at `since` starts the line there."""
    if since is None:
        return tuple(steps)
    before = [s for s in steps if s.day < since]
    after = [s for s in steps if s.day >= since]
    if before and (not after or after[0].day > since):
        after.insert(0, Step(since, before[-1].value, before[-1].model))
    return tuple(after)


def current_gap(tops: dict[str, Entry], entries: Sequence[Entry], higher: bool) -> Gap | None:
    """US against CN when both are there, otherwise the two best countries."""
    pair = [c for c in RIVALS if c in tops]
    if len(pair) < 2:
        ranked = sorted(tops.values(), key=lambda e: -e.value if higher else e.value)
        pair = [e.country for e in ranked[:2]]
    if len(pair) < 2:
        return None
    leader = best((tops[c] for c in pair), higher)
    assert leader is not None
    trailer = tops[pair[1] if leader.country == pair[0] else pair[0]]
    rivals = [e for e in entries if e.country == leader.country]
    how_far = lag(trailer, rivals, leader.country, higher)
    return Gap(leader, trailer, round(abs(leader.value - trailer.value), 4), how_far)


def label_ranks(
    entries: Sequence[Entry], steps: dict[str, tuple[Step, ...]], tops: dict[str, Entry]
) -> dict[str, int]:
    """Which models to name, most important first: each country's best, then the newest
    frontier-setting models; at most `MAX_LABELS`."""
    shown = {e.model for e in entries}
    order = [e.model for e in sorted(tops.values(), key=lambda e: e.country not in RIVALS)]
    setters = sorted(
        (s for line in steps.values() for s in line), key=lambda s: s.day, reverse=True
    )
    order += [s.model for s in setters]
    ranks: dict[str, int] = {}
    for model in order:
        if model in shown and model not in ranks and len(ranks) < MAX_LABELS:
            ranks[model] = len(ranks)
    return ranks


def chart_series(
    benchmark: str,
    entries: Iterable[Entry],
    higher_is_better: bool,
    *,
    today: date,
    unit: str = "points",
    since: date | None = None,
    countries: Sequence[str] = (),
    value_range: tuple[float | None, float | None] = (None, None),
    credit: str = "",
    as_of: date | None = None,
) -> ChartSeries:
    """The series of a race chart on one benchmark, optionally from `since` and for `countries`."""
    everything = list(entries)
    chosen = list(countries) or pick_countries(everything, higher_is_better)
    selected = [e for e in everything if e.country in chosen]
    tops = best_by_country(selected, higher_is_better)
    steps = {
        c: clip_steps(frontier([e for e in selected if e.country == c], higher_is_better), since)
        for c in chosen
    }
    visible = [
        e for e in selected if e.released is not None and (since is None or e.released >= since)
    ]
    ranks = label_ranks(visible, steps, tops)
    lines = []
    for country in chosen:
        dots = tuple(
            Dot(e.model, e.released, e.value, e.open_weights, ranks.get(e.model))
            for e in sorted(visible, key=lambda e: (e.released, e.model))
            if e.country == country and e.released is not None
        )
        undated_best = best(
            (e for e in selected if e.country == country and e.released is None), higher_is_better
        )
        lines.append(CountrySeries(country, steps[country], dots, tops.get(country), undated_best))
    undated = tuple(sorted(e.model for e in selected if e.released is None))
    return ChartSeries(
        benchmark,
        unit,
        higher_is_better,
        since,
        today,
        tuple(lines),
        current_gap(tops, selected, higher_is_better),
        undated,
        value_range,
        credit,
        as_of,
    )


def _tied(gap: Gap) -> tuple[Entry, Entry] | None:
    """The two sides of a tie, US before CN as /race names them; None when one leads."""
    if gap.leader.value != gap.trailer.value:
        return None
    order = {c: i for i, c in enumerate(RIVALS)}
    first, second = sorted(
        (gap.leader, gap.trailer), key=lambda e: (order.get(e.country, 9), e.country)
    )
    return first, second


def _how_far(how: Lag, trail: str, lead: str, short: bool) -> str:
    """How far the trailing country is, as /race says it: `CN is 2.7 months behind`, or a
    range naming its precision when a release date is known only to the month or quarter."""
    assert how.least is not None and how.most is not None
    low, high = sorted((abs(how.least), abs(how.most)))
    if short:
        coarse = "" if how.exact else f" ({how.precision})"
        span = f"{months(low)}" if how.exact else f"{months(low)}-{months(high)}"
        if how.least < 0 <= how.most:
            return f"{trail} {months(-how.least)} ahead to {months(how.most)} months behind{coarse}"
        if how.status is LagStatus.BEHIND:
            return f"{trail} {span} months behind{coarse}"
        return f"{trail} got there {span} months earlier{coarse}"
    note = precision_note(how).removesuffix("; ")
    note = f" ({note})" if note else ""
    if how.least < 0 <= how.most:
        return (
            f"{trail} is between {months(-how.least)} months ahead of and "
            f"{months(how.most)} months behind {lead}{note}"
        )
    if how.status is LagStatus.BEHIND:
        return f"{trail} is {lag_span(how)} behind{note}"
    return f"{trail}'s best came out {lag_span(how)} before {lead} matched it{note}"


def gap_headline(gap: Gap | None, unit: str = "points") -> str:
    """The short form of `describe_gap` that fits one line on the chart."""
    if gap is None:
        return "Only one country has scores here."
    if tie := _tied(gap):
        return f"{tie[0].country} and {tie[1].country} tie at {score(tie[0].value)}"
    lead, trail = gap.leader, gap.trailer
    text = f"{lead.country} leads by {score(gap.points)} {unit}: {lead.model} vs {trail.model}"
    how = gap.lag
    if how.status in (LagStatus.BEHIND, LagStatus.AHEAD) and how.least is not None:
        return f"{text}; {_how_far(how, trail.country, lead.country, short=True)}"
    if how.status is LagStatus.UNKNOWN:
        return f"{text}; lag unknown (undated release)"
    return text


def describe_gap(gap: Gap | None, unit: str = "points") -> str:
    """One sentence for the chart and the reply: who leads, by how much, how far behind."""
    if gap is None:
        return "Only one country has scores here: no gap to show."
    if tie := _tied(gap):
        a, b = tie
        return f"{a.country} and {b.country} tie at {score(a.value)} ({a.model}, {b.model})."
    lead, trail = gap.leader, gap.trailer
    text = (
        f"{lead.country} leads: {lead.model} {score(lead.value)} vs {trail.model} "
        f"{score(trail.value)} ({score(gap.points)} {unit})"
    )
    how = gap.lag
    if how.status in (LagStatus.BEHIND, LagStatus.AHEAD) and how.least is not None:
        return f"{text}; {_how_far(how, trail.country, lead.country, short=False)}."
    if how.status is LagStatus.UNKNOWN:
        return f"{text}; lag unknown (release date of {', '.join(how.undated)} unknown)."
    return f"{text}."
