"""Digest rows of the outbox: one per channel and period, merged after downtime.

A digest covers the events after the span of the channel's previous digest (sent, being
sent or skipped as empty) up to the newest event when it is planned. A period that comes
due while the previous digest is still unsent extends that one: a channel that missed
several digests gets one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from storage.engine.aio import AsyncConnection
from storage.events import events_between, last_event_id
from storage.outbox.deliveries import d, insert_ignoring_duplicates
from storage.outbox.wakeup import owed
from storage.subscriptions import Subscription, mark_digest_planned, mismatch

COVERED = ("sent", "skipped", "sending")


async def plan_digest(
    conn: AsyncConnection, sub: Subscription, period_end: datetime, now: datetime
) -> str:
    """Owe a channel its digest for a period: "planned", "merged" into one unsent, or "skipped"."""
    upto = await last_event_id(conn)
    unsent = (
        await conn.execute(
            select(d.c.id)
            .where(d.c.subscription_id == sub.id, d.c.kind == "digest", d.c.status == "pending")
            .order_by(d.c.id.desc())
            .limit(1)
        )
    ).first()
    key = f"digest:{period_end.isoformat()}"
    if unsent is not None:
        await conn.execute(
            update(d)
            .where(d.c.id == unsent.id)
            .values(cursor_to=upto, period_end=period_end, key=key)
        )
        outcome = "merged"
    else:
        start = await digest_start(conn, sub)
        events = await events_between(conn, start, upto, sub.kinds)
        news = any(mismatch(sub, e) is None for e in events)
        outcome = "planned" if news or sub.post_empty else "skipped"
        await conn.execute(
            insert_ignoring_duplicates(conn).values(
                subscription_id=sub.id,
                key=key,
                kind="digest",
                event_ids=[],
                cursor_from=start,
                cursor_to=upto,
                period_end=period_end,
                status="pending" if outcome == "planned" else "skipped",
                attempts=0,
                last_error=None if outcome == "planned" else "nothing new: not posted",
                created_at=now,
            )
        )
    if outcome != "skipped":
        await owed(conn)  # the commit wakes the workers
    await mark_digest_planned(conn, sub.id, period_end)
    return outcome


async def digest_start(conn: AsyncConnection, sub: Subscription) -> int:
    """The last event the channel's previous digest covered (where the next one begins)."""
    query = select(func.max(d.c.cursor_to)).where(
        d.c.subscription_id == sub.id, d.c.kind == "digest", d.c.status.in_(COVERED)
    )
    covered = (await conn.execute(query)).scalar()
    return max(int(covered or 0), sub.digest_cursor)
