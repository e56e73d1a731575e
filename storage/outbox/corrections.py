"""Undo reaches the outbox: the events of an undone change are not sent, and a channel that
already got one of its alerts is owed a correction, a reply to that alert.

`/admin undo` calls `settle_undone` in its own transaction: the events the undone entry
appended are flagged `undone` (history keeps them; digests, previews and import summaries
read past them), owed alerts that said nothing else are settled as not sent, and each sent
alert that carried an undone event of a kind worth correcting owes its channel a `revert`
row, which remembers the alert's message to reply to.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import schema
from storage.outbox.deliveries import d, insert_ignoring_duplicates
from storage.outbox.wakeup import owed as wake

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
    """Owed alerts of only undone events are not sent; sent alerts of undone events of
    `corrected_kinds` owe their channel a correction. Returns (dropped, corrections owed).

    The outbox rows of a change were written in its transaction, so they carry its time,
    `entry_at`; the corrections are owed from `now`."""
    undone = set(event_ids)
    if not undone:
        return 0, 0
    batches = set(
        (
            await conn.execute(select(e.c.batch).where(e.c.id.in_(sorted(undone))).distinct())
        ).scalars()
    ) - {None}
    rows = (
        await conn.execute(
            select(d).where(d.c.created_at == entry_at, d.c.kind.in_(("events", "batch")))
        )
    ).all()
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
    kinds = dict(
        (await conn.execute(select(e.c.id, e.c.kind).where(e.c.id.in_(sorted(undone))))).all()
    )
    owed = []
    for r in rows:
        said = [i for i in r.event_ids or () if kinds.get(i) in corrected_kinds]
        if r.status == "sent" and r.kind == "events" and said:
            owed.append(
                {
                    "subscription_id": r.subscription_id,
                    "key": f"revert:{r.id}",
                    "kind": "revert",
                    "event_ids": said,
                    "reply_to": r.message_ref,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                }
            )
    if owed:
        await conn.execute(insert_ignoring_duplicates(conn), owed)
        await wake(conn)
    return len(dropped), len(owed)
