"""Events: everything that happened, read back for alerts, digests and `/subscriptions why`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.engine import schema
from storage.engine.aio import AsyncConnection

e, st = schema.events, schema.import_staging


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str  # one of storage.subscriptions.TOPIC_KINDS (release, score, lead, ...)
    at: datetime
    summary: str
    model: str | None = None
    organization: str | None = None
    country: str | None = None
    benchmark: str | None = None
    batch: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    undone: bool = False  # taken back with its write: said in no digest or alert from then


def _row(row: Any) -> EventRow:
    return EventRow(
        row.id,
        row.kind,
        row.at,
        row.summary,
        row.model,
        row.organization,
        row.country,
        row.benchmark,
        row.batch,
        dict(row.payload or {}),
        bool(row.undone),
    )


async def get_event(conn: AsyncConnection, event_id: int) -> EventRow | None:
    row = (await conn.execute(select(e).where(e.c.id == event_id))).first()
    return None if row is None else _row(row)


async def events_by_id(conn: AsyncConnection, ids: Iterable[int]) -> list[EventRow]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = await conn.execute(select(e).where(e.c.id.in_(wanted)).order_by(e.c.id))
    return [_row(r) for r in rows]


async def batch_events(
    conn: AsyncConnection,
    batch: str,
    *,
    from_id: int = 0,
    kinds: Iterable[str] | None = None,
    limit: int | None = None,
    undone: bool = False,
) -> list[EventRow]:
    """The events of one bulk import (ids from `from_id` on), oldest first; not undone
    (only undone ones with `undone`: what a correction takes back)."""
    query = (
        select(e)
        .where(e.c.batch == batch, e.c.id >= from_id, e.c.undone.is_(undone))
        .order_by(e.c.id)
    )
    if kinds is not None:
        query = query.where(e.c.kind.in_(list(kinds)))
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in await conn.execute(query)]


async def batch_pages(
    conn: AsyncConnection,
    batch: str,
    *,
    from_id: int = 0,
    size: int = 1_000,
    undone: bool = False,
) -> AsyncIterator[list[EventRow]]:
    """A bulk import's events a page at a time, oldest first: an import may have 10^5 of
    them, and a reader that stops early reads no more (no cursor stays open between pages)."""
    while True:
        page = await batch_events(conn, batch, from_id=from_id, limit=size, undone=undone)
        if page:
            yield page
        if len(page) < size:
            return
        from_id = page[-1].id + 1


async def events_between(
    conn: AsyncConnection, after_id: int, upto_id: int, kinds: Iterable[str] | None = None
) -> list[EventRow]:
    """Events with `after_id < id <= upto_id` (a digest's span), oldest first; an undone
    one is left out (a digest says what is so)."""
    query = (
        select(e)
        .where(e.c.id > after_id, e.c.id <= upto_id, e.c.undone.is_(False))
        .order_by(e.c.id)
    )
    if kinds is not None:
        query = query.where(e.c.kind.in_(list(kinds)))
    return [_row(r) for r in await conn.execute(query)]


async def last_event_id(conn: AsyncConnection) -> int:
    """The newest event's id (0 when there is none): where a new digest span ends."""
    # below the events of an import still being written: a span ending past them would skip
    # them once they appear (storage.bulk.staging)
    staged = select(func.min(st.c.first_id)).where(st.c.table_name == "events").scalar_subquery()
    newest = select(func.coalesce(func.max(e.c.id), 0)).where(e.c.id < func.coalesce(staged, 2**62))
    return int((await conn.execute(newest)).scalar_one())
