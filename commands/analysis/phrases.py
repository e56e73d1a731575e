"""Shared wording: numbers, dates and lags as readers see them in every command."""

from __future__ import annotations

from commands.analysis.frontier import Entry, Lag, LagStatus, percent_difference
from storage.models import release_label
from storage.rows import ModelRow, Standing


def score(value: float) -> str:
    return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def points(value: float) -> str:
    return f"{value:+.1f}"


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
    )


def lag_sentence(lag: Lag) -> str:
    """`GLM-5.2 is 2.1 months behind US (GPT-5.5 reached 74.4 on 2026-04-20)`."""
    unknown = f"release date of {', '.join(lag.undated)} unknown" if lag.undated else ""
    if lag.status is LagStatus.UNKNOWN:
        return f"{lag.model} vs {lag.rival}: lag unknown ({unknown})"
    if lag.status is LagStatus.LEADS:
        return f"{lag.model} leads {lag.rival}: {lag.rival} has never reached its score"
    when = f" on {lag.reached_on.isoformat()}" if lag.reached_on else ""
    caveat = f"; {unknown}" if unknown else ""
    if lag.status is LagStatus.BEHIND:
        return (
            f"{lag.model} is {lag.months} months behind {lag.rival} "
            f"({lag.reached_by} reached that score{when}{caveat})"
        )
    return (
        f"{lag.model} was {lag.months} months ahead of {lag.rival} "
        f"({lag.reached_by} matched it only{when}{caveat})"
    )


def short_source(source: str, limit: int = 60) -> str:
    """A citation's outlet and date (`wallstreetcn (translated), 2026-06-19`), for tables."""
    head = source.split(': "', 1)[0]
    return head if len(head) <= limit else head[: limit - 1] + "…"
