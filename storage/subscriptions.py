"""Subscriptions: what a channel follows, how it wants it, and whether an event matches it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.events import EventRow
from storage.names import normalize

s = schema.subscriptions

# Each event kind, by the topic a channel follows it by: plain data, since topics filter
# events in SQL. How each kind and topic is said is `commands/alerts/kinds.py`
# (tests/alerts/test_kinds.py fails when the two disagree).
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "releases": ("release",),
    "scores": ("score",),
    "forecasts": ("forecast", "resolved"),
    "leads": ("lead",),
    "access": ("access",),
    "news": ("news",),
}
TOPICS = tuple(TOPIC_KINDS)
FILTER_FIELDS = {
    "model": "model",
    "org": "organization",
    "country": "country",
    "benchmark": "benchmark",
}


def topic_of(kind: str) -> str:
    """The topic an event kind belongs to (`resolved` -> `forecasts`)."""
    return next((t for t, kinds in TOPIC_KINDS.items() if kind in kinds), kind)


def kinds_of(topics: Iterable[str]) -> list[str]:
    return [kind for topic in topics for kind in TOPIC_KINDS.get(topic, ())]


@dataclass(frozen=True)
class Filter:
    """`org:"Zhipu AI"` keeps only events about it; `-org:"Zhipu AI"` drops them."""

    key: str  # model | org | country | benchmark
    value: str
    exclude: bool = False

    def __str__(self) -> str:
        value = '"' + self.value.replace('"', "'") + '"' if " " in self.value else self.value
        return f"{'-' if self.exclude else ''}{self.key}:{value}"

    def matches(self, event: EventRow) -> bool:
        wanted = normalize(self.value)
        return any(normalize(value) == wanted for value in values_of(event, self.key))

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "exclude": self.exclude}


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    workspace_id: str
    channel_id: str
    topics: tuple[str, ...]
    filters: tuple[Filter, ...]
    instant: bool
    format: str
    digest: str | None
    digest_time: str
    timezone: str
    weekday: int | None
    post_empty: bool
    digest_since: datetime | None
    digest_through: datetime | None
    digest_cursor: int
    paused_reason: str | None
    paused_at: datetime | None
    created_by: str
    created_at: datetime
    mention: str | None = None  # a Discord role or Slack user group id, pinged on lead changes

    @property
    def kinds(self) -> list[str]:
        return kinds_of(self.topics)


def mismatch(sub: Subscription, event: EventRow) -> str | None:
    """Why an event is not for this subscription, or None when it is (topics, then filters)."""
    topic = topic_of(event.kind)
    if topic not in sub.topics:
        return f"it is about {topic} and this channel follows {', '.join(sub.topics)}"
    for rule in sub.filters:
        if rule.exclude and rule.matches(event):
            return f"the filter {rule} excludes it"
    wanted: dict[str, list[Filter]] = {}
    for rule in sub.filters:
        if not rule.exclude:
            wanted.setdefault(rule.key, []).append(rule)
    for key, rules in wanted.items():
        if not any(rule.matches(event) for rule in rules):
            said = " or ".join(str(rule) for rule in rules)
            return f"the filter {said} does not match it (its {key}: {_field(event, key)})"
    return None


def values_of(event: EventRow, key: str) -> list[str]:
    """What a filter key can match in an event: a lead change is about both countries."""
    found = [getattr(event, FILTER_FIELDS[key])]
    if key == "country" and event.kind == "lead":
        found += [event.payload.get("from"), event.payload.get("to")]
    return list(dict.fromkeys(str(value) for value in found if value is not None))


def _field(event: EventRow, key: str) -> str:
    return " and ".join(values_of(event, key)) or "none"


def _row(row: Any) -> Subscription:
    filters = tuple(Filter(f["key"], f["value"], bool(f.get("exclude"))) for f in row.filters)
    return Subscription(
        row.id,
        row.platform,
        row.workspace_id,
        row.channel_id,
        tuple(row.topics),
        filters,
        row.instant,
        row.format,
        row.digest,
        row.digest_time,
        row.timezone,
        row.weekday,
        row.post_empty,
        row.digest_since,
        row.digest_through,
        row.digest_cursor,
        row.paused_reason,
        row.paused_at,
        row.created_by,
        row.created_at,
        row.mention,
    )


async def get_subscription(
    conn: AsyncConnection, platform: str, workspace_id: str, channel_id: str
) -> Subscription | None:
    """The subscription of one channel (a channel id alone never reaches another workspace)."""
    query = select(s).where(
        s.c.platform == platform, s.c.workspace_id == workspace_id, s.c.channel_id == channel_id
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _row(row)


async def subscription_by_id(conn: AsyncConnection, sub_id: int) -> Subscription | None:
    row = (await conn.execute(select(s).where(s.c.id == sub_id))).first()
    return None if row is None else _row(row)


async def subscriptions_by_ids(
    conn: AsyncConnection, ids: Iterable[int]
) -> dict[int, Subscription]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {r.id: _row(r) for r in await conn.execute(select(s).where(s.c.id.in_(wanted)))}


async def workspace_subscriptions(
    conn: AsyncConnection, platform: str, workspace_id: str
) -> list[Subscription]:
    query = (
        select(s)
        .where(s.c.platform == platform, s.c.workspace_id == workspace_id)
        .order_by(s.c.channel_id)
    )
    return [_row(r) for r in await conn.execute(query)]


async def instant_subscriptions(conn: AsyncConnection) -> list[Subscription]:
    """Active subscriptions that want each event as it happens."""
    query = select(s).where(s.c.instant.is_(True), s.c.paused_reason.is_(None)).order_by(s.c.id)
    return [_row(r) for r in await conn.execute(query)]


async def digest_subscriptions(conn: AsyncConnection) -> list[Subscription]:
    """Active subscriptions with a digest schedule."""
    query = select(s).where(s.c.digest.is_not(None), s.c.paused_reason.is_(None)).order_by(s.c.id)
    return [_row(r) for r in await conn.execute(query)]


async def save_subscription(
    change: Change, existing: Subscription | None, values: Mapping[str, Any]
) -> int:
    """Create or change a channel's subscription (audited); saving it again resumes it."""
    values = {**values, "paused_reason": None, "paused_at": None}
    if existing is None:
        return await change.insert(
            s, {"created_by": change.actor, "created_at": change.at, **values}
        )
    await change.update(s, existing.id, values)
    return existing.id


async def remove_subscription(change: Change, sub: Subscription) -> None:
    """Delete it with its outbox rows (the database cascades), audited."""
    await change.delete(s, sub.id)


async def pause_subscription(change: Change, sub_id: int, reason: str) -> bool:
    """Stop delivering to a channel that is gone or forbids the bot; False if already paused."""
    current = await subscription_by_id(change.conn, sub_id)
    if current is None or current.paused_reason is not None:
        return False
    await change.update(s, sub_id, {"paused_reason": reason, "paused_at": change.at})
    return True


async def mark_digest_planned(conn: AsyncConnection, sub_id: int, through: datetime) -> None:
    """Remember the latest digest period planned (operational: not audited)."""
    await conn.execute(update(s).where(s.c.id == sub_id).values(digest_through=through))


async def schedule_signature(conn: AsyncConnection) -> tuple[tuple[Any, ...], ...]:
    """What the scheduler's jobs depend on; when it changes, the jobs are derived again."""
    query = select(
        s.c.id, s.c.digest, s.c.digest_time, s.c.timezone, s.c.weekday, s.c.paused_reason
    ).order_by(s.c.id)
    return tuple(tuple(r) for r in await conn.execute(query))
