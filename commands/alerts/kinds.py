"""Event kinds and topics, each declared once: everything alerts, digests and /subscribe say
about them is read from here.

A kind's topic (what a channel follows it by) is storage's plain data,
`storage.subscriptions.TOPIC_KINDS`, since storage filters events by topic in SQL; the
wording is here. Adding a kind is one line there and one `Kind` here (plus a `Topic` if it
starts a topic); `tests/alerts/test_kinds.py` fails until every part is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commands.analysis import phrases
from commands.core.reply import Field
from storage.events import EventRow
from storage.subscriptions import topic_of


@dataclass(frozen=True)
class Kind:
    """One event kind as alerts say it; `KINDS` lists them most important first."""

    name: str  # as storage writes it in events.kind
    nouns: tuple[str, str]  # one, many: "1 lead change", "3 lead changes"
    title: Callable[[EventRow], str]  # an alert's title when this event leads it
    details: Callable[[EventRow], tuple[Field, ...]]  # the full format's fields
    checks_forecasts: bool  # may meet an open forecast's condition
    corrected: bool = False  # a channel that got its alert hears "Reverted: ..." on an undo

    @property
    def topic(self) -> str:
        return topic_of(self.name)

    def noun(self, count: int) -> str:
        return self.nouns[0] if count == 1 else self.nouns[1]


@dataclass(frozen=True)
class Topic:
    """One topic as /subscribe reads it and a digest heads its section."""

    name: str  # as storage keeps it in a subscription's topics
    heading: str  # a digest section's title
    synonyms: tuple[str, ...] = ()  # words /subscribe takes for it besides its name

    @property
    def words(self) -> tuple[str, ...]:
        """Every word for it: its name, the name without a final s, and its synonyms."""
        return (self.name, self.name.rstrip("s"), *self.synonyms)


def _who(event: EventRow) -> tuple[Field, ...]:
    """Who an event is about: the organization and its country."""
    pairs = (("Organization", event.organization), ("Country", event.country))
    return tuple(Field(label, value) for label, value in pairs if value)


def _lead(event: EventRow) -> tuple[Field, ...]:
    p = event.payload
    return (
        Field("From", str(p.get("from", "?"))),
        Field("To", str(p.get("to", "?"))),
        *_who(event),
    )


def _score(event: EventRow) -> tuple[Field, ...]:
    p = event.payload
    if "value" not in p:
        return _who(event)
    return (
        Field("Score", phrases.score(float(p["value"]))),
        Field("Reported", str(p.get("reported_on", "?"))),
        Field("Source", phrases.short_source(str(p.get("source", "")))),
        *_who(event),
    )


def _resolved(event: EventRow) -> tuple[Field, ...]:
    return (Field("Outcome", str(event.payload.get("status", "?"))),)


def _access(event: EventRow) -> tuple[Field, ...]:
    return (Field("Access", str(event.payload.get("access", "?"))), *_who(event))


def _release(event: EventRow) -> tuple[Field, ...]:
    weights = event.payload.get("weights")
    return ((Field("Weights", str(weights)),) if weights else ()) + _who(event)


def _none(event: EventRow) -> tuple[Field, ...]:
    return ()


KINDS: tuple[Kind, ...] = (
    Kind(
        "lead",
        ("lead change", "lead changes"),
        lambda e: f"Lead change on {e.benchmark or ''}",
        _lead,
        checks_forecasts=True,
        corrected=True,
    ),
    Kind(
        "resolved",
        ("forecast resolved", "forecasts resolved"),
        lambda e: "Forecast resolved",
        _resolved,
        checks_forecasts=False,
    ),
    Kind(
        "release",
        ("model", "models"),
        lambda e: f"New model: {e.model or ''}",
        _release,
        checks_forecasts=False,
    ),
    Kind(
        "access",
        ("access change", "access changes"),
        lambda e: f"Access change: {e.model or ''}",
        _access,
        checks_forecasts=False,
    ),
    Kind(
        "score",
        ("score", "scores"),
        lambda e: f"New score: {e.model or ''} on {e.benchmark or ''}",
        _score,
        checks_forecasts=True,
        corrected=True,
    ),
    Kind(
        "forecast",
        ("forecast", "forecasts"),
        lambda e: "New forecast",
        _none,
        checks_forecasts=True,
    ),
    Kind("news", ("news item", "news items"), lambda e: "News", _none, checks_forecasts=False),
)
"""Most important first: the first of a write's events titles its alert."""

TOPIC_WORDING: tuple[Topic, ...] = (
    Topic("leads", "Lead changes", ("lead-changes",)),
    Topic("forecasts", "Forecasts", ("resolved", "resolutions")),
    Topic("releases", "Releases", ("models",)),
    Topic("scores", "Scores"),
    Topic("access", "Access"),
    Topic("news", "News"),
)
"""In the order a digest shows them (a subscription lists topics in storage's order)."""

BY_NAME = {kind.name: kind for kind in KINDS}
TOPIC_BY_NAME = {topic.name: topic for topic in TOPIC_WORDING}


def rank(kind: str) -> int:
    """A kind's importance, 0 first; a kind not declared comes last."""
    found = BY_NAME.get(kind)
    return KINDS.index(found) if found else len(KINDS)


def title_of(event: EventRow) -> str:
    """The title of an alert that this event leads."""
    kind = BY_NAME.get(event.kind)
    return kind.title(event) if kind else event.kind.title()


def details(event: EventRow) -> tuple[Field, ...]:
    """The full format's fields: what the event's payload says beyond its summary."""
    kind = BY_NAME.get(event.kind)
    return kind.details(event) if kind else ()
