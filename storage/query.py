"""Reads on the hot path: a Core select compiled once and run in one driver call.

SQLAlchemy's async adapter spends four thread hops on a query over aiosqlite (cursor,
execute, fetch, close); the commands readers type most need one. On SQLite a `Query` runs
its compiled SQL through aiosqlite's `execute_fetchall`; elsewhere it is a plain
`conn.execute`. Rows come back as plain tuples, so readers convert dates with `to_date`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.ext.asyncio import AsyncConnection

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
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        return list(await driver.execute_fetchall(sql, [values[name] for name in order]))

    async def first(self, conn: AsyncConnection, **params: Any) -> tuple[Any, ...] | None:
        rows = await self.all(conn, **params)
        return rows[0] if rows else None


def to_date(value: Any) -> date | None:
    """A date from SQLite's ISO text or a driver's date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
