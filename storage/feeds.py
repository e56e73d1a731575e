"""Feeds, the items they listed and the proposals awaiting a curator: SQL and nothing else.

A feed's configuration changes through audited writes (`Change`); its sync bookkeeping
(ETag, last sync, status) and the items it has seen are plain rows, written without an
audit entry: they are the poller's memory, not the race's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, or_, select, update

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection

f, items, p = schema.feeds, schema.feed_items, schema.proposals
INSERT_CHUNK = 500  # item keys per INSERT: under every driver's parameter limit
BULK_CHUNK = 5_000  # rows per executemany: bounded memory, few round trips


@dataclass(frozen=True)
class FeedRow:
    """A configured feed and where its polling stands."""

    id: int
    name: str
    kind: str
    url: str
    trust: str
    every_s: int
    status: str
    last_error: str | None
    failures: int
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    last_sync_at: datetime | None
    last_change_at: datetime | None
    next_run_at: datetime | None


@dataclass(frozen=True)
class ProposalRow:
    """Something a feed proposes, with the evidence a curator judges it by."""

    id: int
    feed_id: int | None
    feed_name: str
    item_key: str
    kind: str
    subject: str
    model_id: int | None
    payload: Mapping[str, Any]
    evidence: str
    status: str
    created_at: datetime
    decided_by: str | None


FEED_COLUMNS = [f.c[name] for name in FeedRow.__dataclass_fields__]
PROPOSAL_COLUMNS = [p.c[name] for name in ProposalRow.__dataclass_fields__]


def _feed(row: Any) -> FeedRow:
    return FeedRow(*row)


async def add_feed(change: Change, values: Mapping[str, Any]) -> int:
    """Configure a feed (audited, so `/admin undo` removes it again)."""
    return await change.insert(f, {"status": "new", "failures": 0, **values})


async def remove_feed(change: Change, feed_id: int) -> None:
    """Remove a feed (audited) and forget its items; its proposals stay, named by the feed."""
    await change.conn.execute(delete(items).where(items.c.feed_id == feed_id))
    await change.delete(f, feed_id)


async def get_feed(conn: AsyncConnection, name: str) -> FeedRow | None:
    row = (await conn.execute(select(*FEED_COLUMNS).where(f.c.name == name))).first()
    return None if row is None else _feed(row)


async def list_feeds(conn: AsyncConnection) -> list[FeedRow]:
    return [_feed(row) for row in await conn.execute(select(*FEED_COLUMNS).order_by(f.c.name))]


async def due_feeds(conn: AsyncConnection, now: datetime) -> list[FeedRow]:
    """Feeds whose next poll is due (never polled counts as due), soonest first."""
    query = (
        select(*FEED_COLUMNS)
        .where(or_(f.c.next_run_at.is_(None), f.c.next_run_at <= now))
        .order_by(f.c.next_run_at, f.c.id)
    )
    return [_feed(row) for row in await conn.execute(query)]


async def record_poll(conn: AsyncConnection, feed_id: int, values: Mapping[str, Any]) -> None:
    """The outcome of one poll: status, validators, times (bookkeeping, not audited)."""
    await conn.execute(update(f).where(f.c.id == feed_id).values(**values))


async def defaults_configured(conn: AsyncConnection, action: str) -> bool:
    """Whether the audit log holds that change (the default feeds, configured once)."""
    a = schema.audit
    query = select(a.c.id).where(a.c.action == action).limit(1)
    return (await conn.execute(query)).first() is not None


async def item_counts(conn: AsyncConnection) -> dict[int, int]:
    """How many items each feed has seen."""
    query = select(items.c.feed_id, func.count()).group_by(items.c.feed_id)
    return {feed_id: int(count) for feed_id, count in await conn.execute(query)}


async def insert_rows(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (all with the same keys) in one driver call a chunk.

    The columns' own bind processors convert the values (JSON, UTC times), so the rows are
    stored as SQLAlchemy stores them, without its per-row parameter handling: a first sync
    queues thousands of proposals, and that handling was a fifth of its time."""
    if not rows:
        return
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    names = list(compiled.positiontup or ())
    steps = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    values = [
        tuple(
            value if step is None or value is None else step(value)
            for step, value in zip(steps, (row[name] for name in names), strict=True)
        )
        for row in rows
    ]
    for start in range(0, len(values), BULK_CHUNK):
        await conn.exec_driver_sql(compiled.string, values[start : start + BULK_CHUNK])


async def seen_keys(conn: AsyncConnection, feed_id: int) -> set[str]:
    query = select(items.c.key).where(items.c.feed_id == feed_id)
    return set((await conn.execute(query)).scalars())


async def remember_items(
    conn: AsyncConnection, feed_id: int, keys: Iterable[str], at: datetime
) -> None:
    """Mark item keys as seen by a feed (they never count as new again)."""
    await insert_rows(conn, items, [{"feed_id": feed_id, "key": k, "seen_at": at} for k in keys])


async def add_proposal(conn: AsyncConnection, values: Mapping[str, Any]) -> int:
    """Queue a proposal for review (the queue itself is not audited; decisions are)."""
    result = await conn.execute(insert(p).values(status="pending", **values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def proposed_keys(conn: AsyncConnection, keys: Iterable[str]) -> set[str]:
    """Which of these item keys were ever proposed, whatever became of it (rejected ones too)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), INSERT_CHUNK):
        chunk = wanted[start : start + INSERT_CHUNK]
        found |= set(
            (await conn.execute(select(p.c.item_key).where(p.c.item_key.in_(chunk)))).scalars()
        )
    return found


async def pending_by_subject(conn: AsyncConnection, keys: Iterable[str]) -> list[ProposalRow]:
    """Pending model proposals whose normalized subject is one of `keys`."""
    wanted = list(dict.fromkeys(keys))
    found: list[ProposalRow] = []
    for start in range(0, len(wanted), INSERT_CHUNK):
        query = select(*PROPOSAL_COLUMNS).where(
            p.c.subject_key.in_(wanted[start : start + INSERT_CHUNK]),
            p.c.status == "pending",
            p.c.kind.in_(("model", "release")),
        )
        found += [ProposalRow(*row) for row in await conn.execute(query)]
    return found


async def get_proposal(
    conn: AsyncConnection, proposal_id: int, *, lock: bool = False
) -> ProposalRow | None:
    """One proposal; `lock` holds its row to the end of the transaction (PostgreSQL), so two
    curators deciding at once (a double click) decide once: the second sees the first's."""
    query = select(*PROPOSAL_COLUMNS).where(p.c.id == proposal_id)
    row = (await conn.execute(query.with_for_update() if lock else query)).first()
    return None if row is None else ProposalRow(*row)


async def pending_proposals(conn: AsyncConnection, limit: int | None = None) -> list[ProposalRow]:
    query = select(*PROPOSAL_COLUMNS).where(p.c.status == "pending").order_by(p.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [ProposalRow(*row) for row in await conn.execute(query)]


async def count_pending(conn: AsyncConnection) -> int:
    query = select(func.count()).select_from(p).where(p.c.status == "pending")
    return int((await conn.execute(query)).scalar_one())


async def decide(
    change: Change, proposal_id: int, status: str, values: Mapping[str, Any] | None = None
) -> None:
    """Approve or reject a proposal (audited: undoing the decision puts it back in the queue)."""
    await change.update(
        p,
        proposal_id,
        {"status": status, "decided_by": change.actor, "decided_at": change.at, **(values or {})},
    )


async def enrich_proposal(
    conn: AsyncConnection, proposal_id: int, payload: Mapping[str, Any]
) -> None:
    """A pending proposal learns more (another feed's spelling and link): bookkeeping."""
    await conn.execute(update(p).where(p.c.id == proposal_id).values(payload=dict(payload)))
