"""Shared wording: numbers, dates and lags as readers see them in every command."""

from __future__ import annotations

from commands.analysis.frontier import Entry, Lag, LagStatus, months, percent_difference
from storage.figures import figure
from storage.models import release_label
from storage.rows import ModelRow, Standing

PRECISION_WORDS = {"month": "to the month", "quarter": "to the quarter"}


def score(value: float) -> str:
    """A score or a difference of scores: one decimal at least, two at most (storage.figures)."""
    return figure(value)


def points(value: float) -> str:
    return ("+" if value >= 0 else "-") + figure(abs(value))


def percent(a: float, b: float) -> str:
    diff = percent_difference(a, b)
    return "n/a" if diff is None else f"{diff:+.1f}%"


def released(model: ModelRow | Standing) -> str:
    return release_label(model.released, model.release_precision)


def release_sentence(model: ModelRow) -> str:
    if model.released is None:
        return f"release date of {model.name} unknown"
    return f"{model.name} released {released(model)}"


def entry(standing: Standing) -> Entry:
    return Entry(
        standing.model,
        standing.country,
        standing.released,
        standing.value,
        standing.weights == "open",
        standing.release_precision or "day",
    )


def rival_name(lag: Lag) -> str:
    """`US`, or `the rest of CN` when the model is itself of CN."""
    return f"the rest of {lag.rival}" if lag.own else lag.rival


def lag_span(lag: Lag) -> str:
    """`2.1 months`, or `1.5 to 4.5 months` when a date is known only to the month/quarter."""
    assert lag.least is not None and lag.most is not None
    if lag.exact:
        return f"{months(abs(lag.least))} months"
    low, high = sorted((abs(lag.least), abs(lag.most)))
    return f"{months(low)} to {months(high)} months"


def precision_note(lag: Lag) -> str:
    word = PRECISION_WORDS.get(lag.precision)
    return "" if lag.exact or word is None else f"release dates known only {word}; "


def lag_sentence(lag: Lag) -> str:
    """`GLM-5.2 is 2.1 months behind US (GPT-5.5 reached that score on 2026-04-20)`."""
    unknown = f"release date of {', '.join(lag.undated)} unknown" if lag.undated else ""
    rival = rival_name(lag)
    if lag.status is LagStatus.UNKNOWN:
        return f"{lag.model} vs {rival}: lag unknown ({unknown})"
    if lag.status is LagStatus.LEADS:
        return f"{lag.model} leads {rival}: {rival} has never reached its score"
    on = release_label(lag.reached_on, lag.reached_precision) if lag.reached_on else ""
    when = (" in " if lag.reached_precision in PRECISION_WORDS else " on ") + on if on else ""
    caveat = f"; {unknown}" if unknown else ""
    note = precision_note(lag)
    assert lag.least is not None and lag.most is not None
    if lag.least < 0 <= lag.most:
        return (
            f"{lag.model} is between {months(-lag.least)} months ahead of and "
            f"{months(lag.most)} months behind {rival} ({note}{lag.reached_by} reached that "
            f"score{when}{caveat})"
        )
    if lag.status is LagStatus.BEHIND:
        return (
            f"{lag.model} is {lag_span(lag)} behind {rival} "
            f"({note}{lag.reached_by} reached that score{when}{caveat})"
        )
    return (
        f"{lag.model} was {lag_span(lag)} ahead of {rival} "
        f"({note}{lag.reached_by} matched it only{when}{caveat})"
    )


def lag_cell(lag: Lag) -> str:
    """The lag in a table cell: `2.1 mo`, `1.5-4.5 mo (quarter)`, `0.6 mo ahead`."""
    undated = f"; {', '.join(lag.undated)} undated" if lag.undated else ""
    if lag.status is LagStatus.LEADS:
        return "never reached"
    if lag.status is LagStatus.UNKNOWN:
        return f"unknown ({', '.join(lag.undated)} undated)"
    assert lag.least is not None and lag.most is not None
    coarse = "" if lag.exact else f" ({lag.precision})"
    if lag.least < 0 <= lag.most:
        return f"{months(-lag.least)} ahead to {months(lag.most)} mo{coarse}{undated}"
    if lag.exact:
        span = f"{months(abs(lag.least))} mo"
    else:
        low, high = sorted((abs(lag.least), abs(lag.most)))
        span = f"{months(low)}-{months(high)} mo"
    ahead = " ahead" if lag.status is LagStatus.AHEAD else ""
    return f"{span}{ahead}{coarse}{undated}"


def short_source(source: str, limit: int = 60) -> str:
    """A citation's outlet and date (`wallstreetcn (translated), 2026-06-19`), for tables."""
    head = source.split(': "', 1)[0]
    return head if len(head) <= limit else head[: limit - 1] + "…"
