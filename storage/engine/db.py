"""The database handle: an async engine from a URL, read connections and audited writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storage.changes import Change, EventHook
from storage.engine.aio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///racewatch.db"
SYNCHRONOUS = "NORMAL"  # a commit reaches the disk at the next checkpoint (WAL mode)
WAL_AUTOCHECKPOINT = 1000  # SQLite's default: WAL pages after which a commit copies them back


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
            f"synchronous={SYNCHRONOUS}",
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
        self.checkpoints: set[asyncio.Task[None]] = set()
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
    async def write(
        self, actor: str, action: str, at: datetime, *, bulk: bool = False
    ) -> AsyncIterator[Change]:
        """A transaction whose row changes go to the audit log and whose events to the hooks.

        `bulk` (a file import) on SQLite: see `_bulk_commit`."""
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(write=True)
            commit: AbstractAsyncContextManager[object] = (
                self._bulk_commit(conn) if bulk and self.is_sqlite else nullcontext()
            )
            async with commit, conn.begin():
                change = Change(conn, actor, action, at, self.event_hooks)
                yield change
                await change.finish()

    @asynccontextmanager
    async def _bulk_commit(self, conn: AsyncConnection) -> AsyncIterator[None]:
        """A big transaction's commit syncs the WAL and leaves copying it to a checkpoint
        after: on disk when the caller hears back, without waiting for the copy.

        Ordinary commits (synchronous=NORMAL) reach the disk at the next checkpoint, which
        SQLite runs inside the commit that fills the WAL: for a 100,000-row import that is
        70 MB copied and synced before the reply (0.5 s); syncing the WAL alone is 0.2 s.
        The copy then runs in the background, beside readers and writers (a PASSIVE one).
        """
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None

        async def pragmas(*settings: str) -> None:
            for setting in settings:
                await driver.execute(f"PRAGMA {setting}")

        async def restore() -> None:
            try:
                await pragmas(
                    f"synchronous={SYNCHRONOUS}", f"wal_autocheckpoint={WAL_AUTOCHECKPOINT}"
                )
            except (ValueError, sqlite3.Error):  # closed by a cancelled call: nothing to restore
                log.debug("bulk commit settings not restored: the connection is gone")

        try:
            await pragmas("synchronous=FULL", "wal_autocheckpoint=0")
            yield
        finally:
            # a cancellation must not return the connection to the pool half set: the
            # restore runs to its end even when the import is cancelled during it
            restoring = asyncio.ensure_future(restore())
            try:
                await asyncio.shield(restoring)
            except asyncio.CancelledError:
                await restoring
                raise
            task = asyncio.create_task(self._checkpoint())
            self.checkpoints.add(task)
            task.add_done_callback(self.checkpoints.discard)

    async def _checkpoint(self) -> None:
        try:
            async with self.read() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except SQLAlchemyError:  # maintenance: the next commit that fills the WAL retries it
            log.warning("checkpoint after a bulk commit failed", exc_info=True)

    def on_event(self, hook: Callable[[Change, int], Awaitable[None]]) -> None:
        """Run `hook` inside the transaction of every event appended (the outbox uses it)."""
        self.event_hooks.append(hook)

    async def settle(self) -> None:
        """Wait for the checkpoints running behind bulk commits."""
        await asyncio.gather(*self.checkpoints)

    async def close(self) -> None:
        await self.settle()
        await self.engine.dispose()
