"""Undo reaches the outbox: the events of an undone change are not sent, and a channel that
already got one of its alerts, a digest that listed them or the summary of an undone import
is owed one correction, a reply to that message.

`/admin undo` calls `settle_undone` in its own transaction: the events the undone entry
appended are flagged `undone` (history keeps them; digests, previews and import summaries
read past them), owed alerts that said nothing else are settled as not sent, and each
channel whose posted alert or digest carried an undone event of a kind worth correcting, or
whose posted import summary (or digest line) an undone import makes wrong, owes one `revert`
row (key `revert:<first undone event>`, so once a channel per undo), which remembers the
message to reply to (preferring the instant alert over the digest). An alert on its way
when the undo lands is neither owed nor sent then: its record (`correct_late_sends`) owes
the correction instead.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.events import events_by_id
from storage.outbox.deliveries import d, insert_ignoring_duplicates
from storage.outbox.wakeup import owed as wake
from storage.subscriptions import mismatch, subscriptions_by_ids

e = schema.events
UNSENT = ("pending",)  # owed, not taken by a sender yet


async def undo_events(conn: AsyncConnection, runs: Sequence[Sequence[int]]) -> list[int]:
    """Flag the events an undone write appended (its audit entry's runs of ids) as undone;
    their ids, oldest first."""
    ids: list[int] = []
    for first, last in runs:
        where = e.c.id.between(first, last)
        ids += (await conn.execute(select(e.c.id).where(where).order_by(e.c.id))).scalars()
        await conn.execute(update(e).where(where).values(undone=True))
    return ids


async def settle_undone(
    conn: AsyncConnection,
    event_ids: Collection[int],
    *,
    entry_at: datetime,
    now: datetime,
    corrected_kinds: Collection[str],
    reason: str,
) -> tuple[int, int]:
    """Owed alerts of only undone events are not sent; posted messages that said undone
    events of `corrected_kinds` (alerts, digests) or an undone import (its summary, a digest
    line) owe their channel one correction, a reply to the first of them. Returns (dropped,
    corrections owed).

    The outbox rows of a change were written in its transaction, so they carry its time,
    `entry_at`; the corrections are owed from `now`."""
    undone = set(event_ids)
    if not undone:
        return 0, 0
    ordered = sorted(undone)
    found = await conn.execute(select(e.c.id, e.c.kind, e.c.batch).where(e.c.id.in_(ordered)))
    kinds: dict[int, str] = {}
    batches: set[str] = set()
    for row in found:
        kinds[row.id] = row.kind
        if row.batch is not None:
            batches.add(row.batch)
    # Locked (PostgreSQL) so that a send recorded meanwhile either comes first, and is
    # corrected here, or waits and then sees its events undone (`correct_late_sends`).
    rows = (
        await conn.execute(
            select(d)
            .where(d.c.created_at == entry_at, d.c.kind.in_(("events", "batch")))
            .with_for_update()
        )
    ).all()
    dropped = await _drop_unsent(conn, rows, undone, batches, reason)
    said = {i for i, kind in kinds.items() if kind in corrected_kinds}
    owed: dict[int, dict[str, Any]] = {}  # one correction a channel, per undo
    for r in rows:
        if r.status == "sent" and r.kind == "events" and said.intersection(r.event_ids or ()):
            owed.setdefault(r.subscription_id, _revert(r, sorted(said & set(r.event_ids))))
        elif r.status == "sent" and r.kind == "batch" and r.batch in batches:
            owed.setdefault(r.subscription_id, _revert(r, [], r.batch))
    batch = min(batches, default=None)  # an undo takes back one write: one import at most
    for r, listed in await _posted_digests(conn, ordered, said, batch):
        owed.setdefault(r.subscription_id, _revert(r, listed, batch))
    for correction in owed.values():
        correction.update(key=f"revert:{ordered[0]}", created_at=now)
    if owed:
        await conn.execute(insert_ignoring_duplicates(conn), list(owed.values()))
        await wake(conn)
    return len(dropped), len(owed)


async def correct_late_sends(
    conn: AsyncConnection, sent: Collection[int], *, corrected_kinds: Collection[str], now: datetime
) -> int:
    """Alerts recorded as sent whose change was undone while they were on their way (composed
    before the undo, answered after it: the undo found them neither owed nor sent) owe the
    correction the undo would have owed them. Call it after marking them sent, in the same
    transaction: the undo locks the rows it reads, so each row is seen by one of the two.
    Returns the corrections owed (a digest composed before an undo is not corrected here)."""
    if not sent:
        return 0
    query = select(d).where(d.c.id.in_(sorted(sent)), d.c.kind.in_(("events", "batch")))
    rows = (await conn.execute(query)).all()
    carried = sorted({i for r in rows if r.kind == "events" for i in r.event_ids or ()})
    said: set[int] = set()
    if carried:
        undone = select(e.c.id).where(
            e.c.id.in_(carried), e.c.undone, e.c.kind.in_(list(corrected_kinds))
        )
        said = set((await conn.execute(undone)).scalars())
    batches = sorted({r.batch for r in rows if r.kind == "batch" and r.batch is not None})
    first_of: dict[str, int] = {}  # an undone import's first event: its undo's key
    if batches:
        found = select(e.c.batch, func.min(e.c.id)).where(e.c.batch.in_(batches), e.c.undone)
        first_of = {b: int(i) for b, i in await conn.execute(found.group_by(e.c.batch))}
    owed = []
    for r in rows:
        if r.kind == "events" and (listed := sorted(said.intersection(r.event_ids or ()))):
            owed.append({**_revert(r, listed), "key": f"revert:{_first_event(r.key, listed)}"})
        elif r.kind == "batch" and r.batch in first_of:
            owed.append({**_revert(r, [], r.batch), "key": f"revert:{first_of[r.batch]}"})
    for correction in owed:
        correction["created_at"] = now
    if owed:
        await conn.execute(insert_ignoring_duplicates(conn), owed)
        await wake(conn)
    return len(owed)


def _first_event(key: str, listed: list[int]) -> int:
    """The first event of the change an alert told (`change:<id>`): the key its undo gives
    its corrections, so a channel hears of one undo once."""
    kind, _, first = key.partition(":")
    return int(first) if kind == "change" and first.isdigit() else listed[0]


async def _drop_unsent(
    conn: AsyncConnection, rows: Sequence[Any], undone: set[int], batches: set[str], reason: str
) -> list[int]:
    """Owed alerts that said only undone events (or an undone import) are not sent."""
    dropped = [
        r.id
        for r in rows
        if r.status in UNSENT
        and (set(r.event_ids or ()) <= undone if r.kind == "events" else r.batch in batches)
    ]
    if dropped:
        await conn.execute(
            update(d)
            .where(d.c.id.in_(dropped))
            .values(status="skipped", last_error=reason, lease_until=None)
        )
    return dropped


def _revert(posted: Any, event_ids: list[int], batch: str | None = None) -> dict[str, Any]:
    """A correction of a posted message: what it takes back, as a reply to that message."""
    digest = posted.kind == "digest"
    return {
        "subscription_id": posted.subscription_id,
        "kind": "revert",
        "event_ids": event_ids,
        "batch": batch,
        "cursor_from": posted.cursor_from if digest else None,
        "cursor_to": posted.cursor_to if digest else None,
        "reply_to": posted.message_ref,
        "status": "pending",
        "attempts": 0,
    }


async def _posted_digests(
    conn: AsyncConnection, undone: list[int], said: set[int], batch: str | None
) -> list[tuple[Any, list[int]]]:
    """Posted digests whose span holds undone events, each with those it listed (of the
    corrected kinds, matching the channel); for an import, whether the channel's digest
    listed it is settled when the correction is composed (an import may have 10^5 events)."""
    query = select(d).where(
        d.c.kind == "digest",
        d.c.status == "sent",
        d.c.cursor_from < undone[-1],
        d.c.cursor_to >= undone[0],
    )
    rows = (await conn.execute(query)).all()
    if not rows or batch is not None:
        return [(r, []) for r in rows]
    subs = await subscriptions_by_ids(conn, {r.subscription_id for r in rows})
    events = {ev.id: ev for ev in await events_by_id(conn, sorted(said))}
    found = []
    for r in rows:
        sub = subs.get(r.subscription_id)
        listed = [
            i
            for i in undone
            if r.cursor_from < i <= r.cursor_to
            and i in events
            and sub is not None
            and mismatch(sub, events[i]) is None
        ]
        if listed:
            found.append((r, listed))
    return found
