"""The outbox: a row per message owed to a channel, written with its events, sent once.

Instant alerts: the `enqueue` event hook runs inside the transaction that appends an event,
so events and their delivery rows commit together. The events of one transaction share one
row (a score and the lead change it causes are one alert), except a forecast resolving,
which is an alert of its own; a bulk import's events share one row per subscription
(`batch:<id>`), so an import of thousands says it in one message.
Digests: `storage.outbox.digests.plan_digest` adds one row per channel and period.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, update

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.events import EventRow, batch_pages, get_event
from storage.outbox.wakeup import owed
from storage.subscriptions import (
    Subscription,
    instant_subscriptions,
    mismatch,
    s,
    subscriptions_by_ids,
)

d = schema.deliveries


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    key: str
    kind: str  # events | batch | digest | revert (a correction of an undone alert)
    event_ids: tuple[int, ...]
    batch: str | None
    cursor_from: int | None
    cursor_to: int | None
    period_end: datetime | None
    status: str  # pending | sending | sent | paused | failed | skipped
    attempts: int
    not_before: datetime | None
    last_error: str | None
    message_ref: str | None
    created_at: datetime
    sent_at: datetime | None
    reply_to: str | None = None  # kind revert: the message it corrects


def as_delivery(row: Any) -> Delivery:
    """A row of the outbox as a `Delivery`."""
    return Delivery(
        row.id,
        row.subscription_id,
        row.key,
        row.kind,
        tuple(row.event_ids or ()),
        row.batch,
        row.cursor_from,
        row.cursor_to,
        row.period_end,
        row.status,
        row.attempts,
        row.not_before,
        row.last_error,
        row.message_ref,
        row.created_at,
        row.sent_at,
        row.reply_to,
    )


def insert_ignoring_duplicates(conn: AsyncConnection) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the connection's dialect (imported here: a
    SQLite process need not load PostgreSQL's, nor the other way round)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(d).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(d).on_conflict_do_nothing()


async def enqueue(change: Change, event_id: int) -> None:
    """The event hook: owe each matching instant subscription a message, in this transaction."""
    conn = change.conn
    event = await get_event(conn, event_id)
    subs = await instant_subscriptions(conn)
    if event is None or not subs:
        return
    if event.batch is not None:
        key, kind = f"batch:{event.batch}", "batch"
    elif event.kind == "resolved":  # a forecast resolving is an alert of its own
        key, kind = f"resolved:{event_id}", "events"
    else:
        key, kind = f"change:{change.event_ids[0]}", "events"
    wanted = await _wanted(conn, subs, event)
    if not wanted:
        return
    await owed(conn)  # the commit wakes the workers (LISTEN/NOTIFY, or this process's)
    found = await conn.execute(
        select(d.c.id, d.c.subscription_id, d.c.event_ids).where(
            d.c.key == key, d.c.subscription_id.in_(wanted)
        )
    )
    existing = {row.subscription_id: row for row in found}
    if kind == "events" and existing:
        appended = [
            {"row_id": row.id, "ids": [*row.event_ids, event_id]} for row in existing.values()
        ]
        await conn.execute(
            update(d).where(d.c.id == bindparam("row_id")).values(event_ids=bindparam("ids")),
            appended,
        )
    new = [
        {
            "subscription_id": sub_id,
            "key": key,
            "kind": kind,
            "event_ids": [event_id] if kind == "events" else [],
            "batch": event.batch,
            "status": "pending",
            "attempts": 0,
            "created_at": change.at,
        }
        for sub_id in wanted
        if sub_id not in existing
    ]
    if new:
        await conn.execute(insert_ignoring_duplicates(conn), new)


async def _wanted(conn: AsyncConnection, subs: list[Subscription], event: EventRow) -> list[int]:
    """The subscriptions the event is for; for an import, those some event of its batch is
    for, read a page at a time until every subscription is decided."""
    pages = batch_pages(conn, event.batch, from_id=event.id) if event.batch else _one(event)
    undecided, matched = list(subs), set()
    async for page in pages:
        matched |= {sub.id for sub in undecided if any(mismatch(sub, e) is None for e in page)}
        undecided = [sub for sub in undecided if sub.id not in matched]
        if not undecided:
            break
    return [sub.id for sub in subs if sub.id in matched]


async def _one(event: EventRow) -> AsyncIterator[list[EventRow]]:
    yield [event]


def _due(now: datetime, table: Any = d) -> Any:
    """Pending rows whose time has come, and rows whose sender's lease ran out (a crash)."""
    c = table.c
    return or_(
        and_(c.status == "pending", or_(c.not_before.is_(None), c.not_before <= now)),
        and_(c.status == "sending", c.lease_until < now),
    )


async def claim(
    conn: AsyncConnection,
    *,
    platforms: Sequence[str],
    worker: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[tuple[Delivery, Subscription]]:
    """Take up to `limit` due rows for these platforms; safe with several workers.

    Run it in a write transaction: SQLite serializes those; on PostgreSQL the chosen rows
    are locked and rows another worker holds are skipped (one UPDATE ... RETURNING: a
    round trip for choosing, taking and reading them).
    """
    owed = d.alias("owed")
    chosen = (
        select(owed.c.id)
        .join(s, s.c.id == owed.c.subscription_id)
        .where(_due(now, owed), s.c.platform.in_(list(platforms)), s.c.paused_reason.is_(None))
        .order_by(owed.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=owed)
        .cte("chosen")
        .prefix_with("MATERIALIZED")  # chosen once (an IN subquery may be run again)
    )
    rows = await conn.execute(
        update(d)
        .where(d.c.id.in_(select(chosen.c.id)), _due(now))
        .values(
            status="sending",
            lease_until=lease_until,
            claimed_by=worker,
            attempts=d.c.attempts + 1,
        )
        .returning(*d.c)
    )
    taken = sorted((as_delivery(row) for row in rows), key=lambda x: x.id)
    if not taken:
        return []
    subs = await subscriptions_by_ids(conn, {x.subscription_id for x in taken})
    return [(x, subs[x.subscription_id]) for x in taken if x.subscription_id in subs]


def _mine(delivery_id: int, worker: str) -> Any:
    return and_(d.c.id == delivery_id, d.c.claimed_by == worker, d.c.status == "sending")


async def mark_sent(
    conn: AsyncConnection, worker: str, sent: Sequence[tuple[int, datetime, str | None]]
) -> set[int]:
    """Record many sends in one statement: (row id, when, the platform's message id) each;
    returns the ids recorded (a row missing lost its lease to another worker)."""
    if not sent:
        return set()
    ids = [delivery_id for delivery_id, _, _ in sent]
    result = await conn.execute(
        update(d)
        .where(d.c.id.in_(ids), d.c.claimed_by == worker, d.c.status == "sending")
        .values(
            status="sent",
            sent_at=case({i: at for i, at, _ in sent}, value=d.c.id),
            message_ref=case({i: ref for i, _, ref in sent}, value=d.c.id),
            lease_until=None,
        )
        .returning(d.c.id)
    )
    return {int(row.id) for row in result}


async def retry_later(
    conn: AsyncConnection, delivery_id: int, worker: str, not_before: datetime, error: str
) -> None:
    await conn.execute(
        update(d)
        .where(_mine(delivery_id, worker))
        .values(status="pending", not_before=not_before, last_error=error, lease_until=None)
    )


async def mark_failed(conn: AsyncConnection, delivery_id: int, worker: str, error: str) -> None:
    """Give up on one message (the platform refused it for good); it stays in the log."""
    await conn.execute(
        update(d)
        .where(_mine(delivery_id, worker))
        .values(status="failed", last_error=error, lease_until=None)
    )


async def hold_paused(conn: AsyncConnection, sub_id: int, reason: str) -> None:
    """Every unsent row of a paused subscription: kept in the log as paused, not sent."""
    await conn.execute(
        update(d)
        .where(d.c.subscription_id == sub_id, d.c.status.in_(("pending", "sending")))
        .values(status="paused", last_error=reason, lease_until=None)
    )


async def release(conn: AsyncConnection, worker: str, keep: Collection[int] = ()) -> None:
    """A worker stopping cleanly hands its unfinished rows back at once (to the others),
    but for `keep`: rows it sent and could not record, left to their lease running out."""
    await owed(conn)
    await conn.execute(
        update(d)
        .where(d.c.claimed_by == worker, d.c.status == "sending", d.c.id.not_in(list(keep)))
        .values(status="pending", lease_until=None)
    )


async def holders(conn: AsyncConnection) -> list[str]:
    """The workers that hold rows being sent right now (leased, maybe to a dead process)."""
    rows = await conn.execute(
        select(d.c.claimed_by)
        .where(d.c.status == "sending", d.c.claimed_by.is_not(None))
        .distinct()
    )
    return sorted(str(row.claimed_by) for row in rows)


async def get_delivery(conn: AsyncConnection, delivery_id: int) -> Delivery | None:
    row = (await conn.execute(select(d).where(d.c.id == delivery_id))).first()
    return None if row is None else as_delivery(row)


async def count_by_status(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(select(d.c.status, func.count()).group_by(d.c.status))
    return {status: int(n) for status, n in rows}


async def mark_skipped(conn: AsyncConnection, delivery_id: int, worker: str, reason: str) -> None:
    """Nothing is left to say (the channel's filters changed since): logged, not posted."""
    await conn.execute(
        update(d)
        .where(_mine(delivery_id, worker))
        .values(status="skipped", last_error=reason, lease_until=None)
    )


async def outstanding(conn: AsyncConnection, platforms: Sequence[str]) -> list[datetime | None]:
    """When each row still owed on these platforms can next be tried (None: now)."""
    query = (
        select(d.c.status, d.c.not_before, d.c.lease_until)
        .join(s, s.c.id == d.c.subscription_id)
        .where(
            d.c.status.in_(("pending", "sending")),
            s.c.platform.in_(list(platforms)),
            s.c.paused_reason.is_(None),
        )
    )
    return [
        row.lease_until if row.status == "sending" else row.not_before
        for row in await conn.execute(query)
    ]
