"""The delivery log: what the outbox says about a channel, for /subscriptions and its `why`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select

from storage.engine.aio import AsyncConnection
from storage.events import EventRow
from storage.outbox.deliveries import Delivery, as_delivery, d


async def latest_deliveries(conn: AsyncConnection, sub_ids: Iterable[int]) -> dict[int, Delivery]:
    """Each subscription's most recent outbox row (its delivery log's last line)."""
    ids = list(sub_ids)
    if not ids:
        return {}
    newest = (
        select(func.max(d.c.id))
        .where(d.c.subscription_id.in_(ids), d.c.status != "skipped")
        .group_by(d.c.subscription_id)
    )
    rows = await conn.execute(select(d).where(d.c.id.in_(newest)))
    return {row.subscription_id: as_delivery(row) for row in rows}


async def deliveries_of_event(
    conn: AsyncConnection, sub_id: int, event: EventRow
) -> list[Delivery]:
    """The rows of one subscription that carry an event: its alert, import summary or digest."""
    query = select(d).where(
        d.c.subscription_id == sub_id,
        or_(
            and_(d.c.kind == "events", d.c.created_at == event.at),
            and_(d.c.kind == "batch", d.c.batch == event.batch),
            and_(d.c.kind == "digest", d.c.cursor_from < event.id, d.c.cursor_to >= event.id),
        ),
    )
    found = [as_delivery(r) for r in await conn.execute(query.order_by(d.c.id))]
    return [x for x in found if x.kind != "events" or event.id in x.event_ids]
