"""The database handle: an async engine from a URL, read connections and audited writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.changes import Change, EventHook

DEFAULT_URL = "sqlite:///racewatch.db"


def async_url(url: str) -> str:
    """Map a plain database URL to its async driver: aiosqlite or asyncpg."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            f"{url!r} is not a database URL: use sqlite:///PATH or postgresql://USER@HOST/DB"
        ) from None
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}.get(
        parsed.drivername, parsed.drivername
    )
    if driver not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys; BEGIN IMMEDIATE for writes so writers queue."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=10000",
            "foreign_keys=ON",
            "synchronous=NORMAL",
            "cache_size=-65536",
            "mmap_size=268435456",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("write", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        # reads run in autocommit: each statement sees the latest committed data


class Database:
    """One engine for the process; every write goes through `write()` and is audited."""

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = url
        driver_url = async_url(url)
        self.is_sqlite = driver_url.startswith("sqlite")
        # SQLite reads run in autocommit and writes end in commit or rollback, so the pool's
        # reset-on-return rollback is one wasted thread hop per read there.
        reset = {"pool_reset_on_return": None} if self.is_sqlite else {}
        self.engine = create_async_engine(driver_url, **reset)
        self.event_hooks: list[EventHook] = []
        if self.is_sqlite:
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            _tune_sqlite(self.engine)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        if not self.is_sqlite:
            async with self.engine.connect() as conn:
                yield conn
            return
        conn = await self.engine.connect()
        try:
            yield conn
        finally:
            if conn.in_transaction():  # a rollback is I/O: let SQLAlchemy see it through
                await conn.__aexit__(None, None, None)
            else:
                # No transaction and no reset rollback on SQLite: closing does no I/O, so
                # nothing for a cancellation to cut short and no need for the shielded close
                # of the context manager, which costs a task and two turns of the event loop.
                await conn.close()

    @asynccontextmanager
    async def write(self, actor: str, action: str, at: datetime) -> AsyncIterator[Change]:
        """A transaction whose row changes go to the audit log and whose events to the hooks."""
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(write=True)
            async with conn.begin():
                change = Change(conn, actor, action, at, self.event_hooks)
                yield change
                await change.finish()

    def on_event(self, hook: Callable[[Change, int], Awaitable[None]]) -> None:
        """Run `hook` inside the transaction of every event appended (the outbox uses it)."""
        self.event_hooks.append(hook)

    async def close(self) -> None:
        await self.engine.dispose()
