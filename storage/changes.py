"""An audited write: every row change is kept (before and after) and events are appended."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, Date, Table, delete, insert, select, update

from storage.engine import schema
from storage.engine.aio import AsyncConnection

EventHook = Callable[["Change", int], Awaitable[None]]
"""Runs inside the transaction that appended events (with the first one's id). Storage calls
none of its own: the handlers are installed at start, in `commands/alerts/handlers.py`."""
TABLES: dict[str, Table] = dict(schema.metadata.tables)
FULL_AUDIT = 20_000  # audited rows up to which a change keeps every row's values
DELETE_CHUNK = 500  # ids per DELETE ... WHERE id IN (...): under every driver's limit


def id_runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Ids as runs of consecutive ids, (first, last) each: a bulk insert's ids are one run."""
    if isinstance(ids, range) and ids.step == 1:
        return [(ids.start, ids.stop - 1)] if ids else []
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def rows_changed(changes: Sequence[Mapping[str, Any]]) -> int:
    """How many rows an audit entry's changes cover (a run of inserted ids counts each)."""
    return sum(c["last"] - c["first"] + 1 if "op" in c else 1 for c in changes)


def _deleted(table: Table, row: Any) -> dict[str, Any]:
    """The audit record of a row about to be deleted: its values before, none after."""
    return {"table": table.name, "id": row.id, "before": to_json(dict(row._mapping)), "after": None}


def to_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as JSON-safe values (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def from_json(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of `to_json` for one table's row."""
    out = dict(data)
    for column in table.columns:
        value = out.get(column.name)
        if isinstance(value, str) and isinstance(column.type, Date):
            out[column.name] = date.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, schema.UTCDateTime):
            out[column.name] = datetime.fromisoformat(value)
    return out


def _new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class Change:
    """The writes of one transaction, recorded for the audit log and for undo."""

    def __init__(
        self,
        conn: AsyncConnection,
        actor: str,
        action: str,
        at: datetime,
        hooks: Sequence[EventHook] = (),
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.action = action
        self.at = at
        self.rows: list[dict[str, Any]] = []
        self.event_ids: list[int] = []
        self.undoes: int | None = None  # the audit entry this change reverts, if any
        self._runs: dict[str, dict[str, Any]] = {}  # each table's latest run of inserted ids
        self._hooks = hooks

    async def insert(self, table: Table, values: Mapping[str, Any]) -> int:
        result = await self.conn.execute(insert(table).values(**values))
        row_id = _new_id(result)
        self.rows.append(
            {
                "table": table.name,
                "id": row_id,
                "before": None,
                "after": to_json({"id": row_id, **values}),
            }
        )
        return row_id

    async def update(self, table: Table, row_id: int, values: Mapping[str, Any]) -> None:
        before = (await self.conn.execute(select(table).where(table.c.id == row_id))).one()
        await self.conn.execute(update(table).where(table.c.id == row_id).values(**values))
        old = dict(before._mapping)
        self.rows.append(
            {
                "table": table.name,
                "id": row_id,
                "before": to_json(old),
                "after": to_json({**old, **values}),
            }
        )

    async def delete(self, table: Table, row_id: int) -> None:
        before = (await self.conn.execute(select(table).where(table.c.id == row_id))).one()
        await self.conn.execute(delete(table).where(table.c.id == row_id))
        self.rows.append(_deleted(table, before))

    def inserted(self, table: Table, ids: Sequence[int]) -> None:
        """Audit rows a bulk insert wrote as runs of ids: {"table", "op", "first", "last"}.

        Undo needs only the ids; the values are in the table and the import's events. An
        entry of a 100,000-row import is then a few bytes, not 10 MB of JSON.
        """
        for first, last in id_runs(ids):
            run = self._runs.get(table.name)
            if run is not None and run["last"] + 1 == first:
                run["last"] = last  # the next chunk of the same import: one run
                continue
            run = self._runs[table.name] = {
                "table": table.name,
                "op": "insert",
                "first": first,
                "last": last,
            }
            self.rows.append(run)

    async def delete_many(self, table: Table, ids: Sequence[int]) -> None:
        """Delete rows by id a chunk at a time (an undone import may be 10^5 rows), audited
        like `delete`; past `FULL_AUDIT` rows the audit keeps ids only, as a bulk import does."""
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = list(ids[start : start + DELETE_CHUNK])
            before: dict[int, dict[str, Any]] = {}
            if len(self.rows) + len(chunk) <= FULL_AUDIT:
                rows = await self.conn.execute(select(table).where(table.c.id.in_(chunk)))
                before = {row.id: to_json(dict(row._mapping)) for row in rows}
            await self.conn.execute(delete(table).where(table.c.id.in_(chunk)))
            self.rows.extend(
                {"table": table.name, "id": i, "before": before.get(i), "after": None}
                for i in chunk
            )

    async def delete_run(self, table: Table, first: int, last: int) -> None:
        """Delete the rows with ids first..last (an undone bulk insert) in one statement;
        audited like `delete_many`, as a run of ids once past `FULL_AUDIT` rows."""
        where = table.c.id.between(first, last)
        if len(self.rows) + last - first + 1 <= FULL_AUDIT:
            rows = await self.conn.execute(select(table).where(where))
            self.rows.extend(_deleted(table, row) for row in rows)
        else:
            self.rows.append({"table": table.name, "op": "delete", "first": first, "last": last})
        await self.conn.execute(delete(table).where(where))

    async def event(
        self,
        kind: str,
        summary: str,
        *,
        model: str | None = None,
        organization: str | None = None,
        country: str | None = None,
        benchmark: str | None = None,
        batch: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> int:
        """Append an event (history: never undone); the event handlers react in this same
        transaction."""
        result = await self.conn.execute(
            insert(schema.events).values(
                kind=kind,
                at=self.at,
                summary=summary,
                model=model,
                organization=organization,
                country=country,
                benchmark=benchmark,
                batch=batch,
                payload=to_json(payload or {}),
            )
        )
        event_id = _new_id(result)
        await self.appended([event_id])
        return event_id

    async def appended(self, event_ids: Sequence[int]) -> None:
        """Events now written in this transaction (by `event`, or a bulk writer's pages): the
        event handlers run once, with the first, and read the rest of its batch from there."""
        if not event_ids:
            return
        self.event_ids.extend(event_ids)
        for hook in self._hooks:
            await hook(self, min(event_ids))

    async def finish(self) -> int | None:
        """Write the audit entry for everything changed; nothing changed writes nothing."""
        if not self.rows:
            return None
        runs = [list(run) for run in id_runs(sorted(self.event_ids))]  # what an undo takes back
        result = await self.conn.execute(
            insert(schema.audit).values(
                at=self.at,
                actor=self.actor,
                action=self.action,
                changes=self.rows,
                event_runs=runs or None,
            )
        )
        entry_id = _new_id(result)
        if self.undoes is not None:
            await self.conn.execute(
                update(schema.audit)
                .where(schema.audit.c.id == self.undoes)
                .values(undone_by=entry_id)
            )
        return entry_id
