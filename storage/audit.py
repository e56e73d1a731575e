"""The audit log: who changed what, when, and how to take it back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select

from storage.changes import TABLES, Change, from_json, rows_changed
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.models import scores_follow

a = schema.audit
PARENTS_FIRST = schema.metadata.sorted_tables


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    changes: list[dict[str, Any]]
    undone_by: int | None
    event_runs: list[list[int]]  # the events its write appended, as runs of ids

    @property
    def row_count(self) -> int:
        return rows_changed(self.changes)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        row.id, row.at, row.actor, row.action, row.changes, row.undone_by, row.event_runs or []
    )


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


def _span(change: dict[str, Any]) -> tuple[int, int]:
    """The ids an audited change covers: one row's id, or a run of ids (first, last)."""
    return (change["first"], change["last"]) if "op" in change else (change["id"], change["id"])


class _Touched:
    """The rows one audit entry changed, by table: single ids and runs of ids."""

    def __init__(self, changes: list[dict[str, Any]]) -> None:
        self.ids: dict[str, set[int]] = defaultdict(set)
        self.runs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for c in changes:
            if "op" in c:
                self.runs[c["table"]].append(_span(c))
            else:
                self.ids[c["table"]].add(c["id"])

    def by(self, change: dict[str, Any]) -> bool:
        """Whether `change` (of a later entry) touches one of these rows."""
        first, last = _span(change)
        table = change["table"]
        if any(a <= last and first <= b for a, b in self.runs.get(table, ())):
            return True
        ids = self.ids.get(table, set())
        if last - first < len(ids):
            return any(i in ids for i in range(first, last + 1))
        return any(first <= i <= last for i in ids)


async def blocking_entry(conn: AsyncConnection, entry: AuditEntry) -> AuditEntry | None:
    """A later, still standing change to one of the same rows (undo that first).

    An undo does not count: it cancels an entry that came after this one (one before it
    that touched these rows could not have been undone while this one stood).
    """
    touched = _Touched(entry.changes)
    standing = a.c.undone_by.is_(None) & ~a.c.action.startswith("undo")
    later = await conn.execute(select(a).where(a.c.id > entry.id, standing).order_by(a.c.id))
    for row in later:
        if any(touched.by(c) for c in row.changes):
            return _entry(row)
    return None


async def revert(change: Change, entry: AuditEntry) -> None:
    """Apply an entry's row changes backwards; the revert is itself audited.

    Rows inserted one by one are deleted in chunks; a bulk import's runs of ids are deleted
    a run per statement, children before parents (its chunks interleave the tables).
    """
    change.undoes = entry.id
    rows = [c for c in entry.changes if "op" not in c]
    for (name, inserted), run in groupby(
        reversed(rows), key=lambda c: (c["table"], c["before"] is None)
    ):
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
    runs = [c for c in entry.changes if c.get("op") == "insert"]  # an undo is never undone
    for c in sorted(runs, key=lambda c: -PARENTS_FIRST.index(TABLES[c["table"]])):
        await change.delete_run(TABLES[c["table"]], c["first"], c["last"])
    # A score written after this entry carries its model's facts of then: put back the
    # model's old facts and such scores must follow them too.
    await scores_follow(change, _models_touched(rows))


def _models_touched(rows: list[dict[str, Any]]) -> set[int]:
    """The models whose rows, or whose scores' rows, an entry changed."""
    ids: set[int] = set()
    for row in rows:
        if row["table"] == "models":
            ids.add(row["id"])
        elif row["table"] == "scores":
            ids |= {v["model_id"] for v in (row["before"], row["after"]) if v and "model_id" in v}
    return ids
