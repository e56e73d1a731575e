"""Reads on the hot path: a Core select compiled once and run in one driver call.

SQLAlchemy's async adapter spends four thread hops on a query over aiosqlite (cursor,
execute, fetch, close); the commands readers type most need one. On SQLite a `Query` runs
its compiled SQL through aiosqlite's `execute_fetchall`; elsewhere it is a plain
`conn.execute`. Rows come back as plain tuples, so readers convert dates with `to_date`.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Select

from storage.engine.aio import AsyncConnection

NO_LIMIT = 2**31 - 1  # fits every SQL integer type


class Query:
    """A select with named bind parameters, compiled once per dialect."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._sqlite: tuple[str, tuple[str, ...], dict[str, Any]] | None = None

    async def all(self, conn: AsyncConnection, **params: Any) -> list[tuple[Any, ...]]:
        if conn.dialect.name != "sqlite":
            return [tuple(row) for row in await conn.execute(self.statement, params)]
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=conn.dialect)
            self._sqlite = (compiled.string, tuple(compiled.positiontup or ()), compiled.params)
        sql, order, constants = self._sqlite
        values = constants | params
        # The connection was just checked out and an aiosqlite one is never invalidated, so
        # its driver connection is at hand without get_raw_connection()'s greenlet hop.
        driver: Any = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
        return list(await driver.execute_fetchall(sql, [values[name] for name in order]))

    async def first(self, conn: AsyncConnection, **params: Any) -> tuple[Any, ...] | None:
        rows = await self.all(conn, **params)
        return rows[0] if rows else None


async def run_together(
    conn: AsyncConnection, *calls: tuple[Query, dict[str, Any]]
) -> list[list[tuple[Any, ...]]]:
    """Independent queries with one wait: on SQLite they queue back to back in the driver's
    thread, which would otherwise fall asleep between them and take its time to wake;
    elsewhere one after another, since a connection runs one query at a time.
    """
    if conn.dialect.name == "sqlite":
        return list(await asyncio.gather(*(query.all(conn, **params) for query, params in calls)))
    return [await query.all(conn, **params) for query, params in calls]


def to_date(value: Any) -> date | None:
    """A date from SQLite's ISO text or a driver's date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
