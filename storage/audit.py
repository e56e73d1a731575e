"""The audit log: who changed what, when, and how to take it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.changes import TABLES, Change, from_json

a = schema.audit


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    changes: list[dict[str, Any]]
    undone_by: int | None


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(row.id, row.at, row.actor, row.action, row.changes, row.undone_by)


async def recent(conn: AsyncConnection, limit: int = 20) -> list[AuditEntry]:
    rows = await conn.execute(select(a).order_by(a.c.id.desc()).limit(limit))
    return [_entry(r) for r in rows]


async def get_entry(conn: AsyncConnection, entry_id: int) -> AuditEntry | None:
    row = (await conn.execute(select(a).where(a.c.id == entry_id))).first()
    return None if row is None else _entry(row)


async def latest_undoable(conn: AsyncConnection, actor: str) -> AuditEntry | None:
    """The actor's most recent change that is not undone and is not itself an undo."""
    query = (
        select(a)
        .where(a.c.actor == actor, a.c.undone_by.is_(None), ~a.c.action.startswith("undo"))
        .order_by(a.c.id.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _entry(row)


async def blocking_entry(conn: AsyncConnection, entry: AuditEntry) -> AuditEntry | None:
    """A later, still standing change to one of the same rows (undo that first)."""
    touched = {(c["table"], c["id"]) for c in entry.changes}
    later = await conn.execute(
        select(a).where(a.c.id > entry.id, a.c.undone_by.is_(None)).order_by(a.c.id)
    )
    for row in later:
        if any((c["table"], c["id"]) in touched for c in row.changes):
            return _entry(row)
    return None


async def revert(change: Change, entry: AuditEntry) -> None:
    """Apply an entry's row changes backwards; the revert is itself audited.

    A run of inserts into one table (an import's rows) is deleted in chunks, not row by row.
    """
    change.undoes = entry.id
    runs = groupby(reversed(entry.changes), key=lambda c: (c["table"], c["before"] is None))
    for (name, inserted), run in runs:
        table = TABLES[name]
        if inserted:
            await change.delete_many(table, [row["id"] for row in run])
            continue
        for row in run:
            if row["after"] is None:
                await change.insert(table, from_json(table, row["before"]))
            else:
                values = from_json(table, row["before"])
                values.pop("id", None)
                await change.update(table, row["id"], values)
