"""A commit that owes deliveries wakes the workers at once, instead of at their next poll.

Whatever writes outbox rows calls `owed` in its transaction. On PostgreSQL that sends
`NOTIFY racewatch_outbox` (delivered at commit, to every process that listens, and only
if it commits), heard on a connection of its own that LISTENs and is opened again when it
drops; on SQLite, which has no such thing, the process that committed wakes its own
worker (other processes poll).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from sqlalchemy import event, text

from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.engine.locks import close_quietly, dedicated

log = logging.getLogger(__name__)

CHANNEL = "racewatch_outbox"
OWED = "racewatch.owes_delivery"
RETRY_SECONDS = 2.0  # between attempts to LISTEN again (the workers poll meanwhile)
CHECK_SECONDS = 5.0  # how often a quiet LISTEN connection is checked


async def owed(conn: AsyncConnection) -> None:
    """Say, inside a write transaction, that it owes deliveries (once per transaction: the
    mark is the transaction itself, so one left on a pooled connection means nothing)."""
    sync = conn.sync_connection
    transaction = sync.get_transaction() if sync is not None else None
    if transaction is None or conn.info.get(OWED) is transaction:
        return
    conn.info[OWED] = transaction
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Waker:
    """Calls `wake` when a transaction that owes deliveries commits, from `start` to `stop`:
    this process's own commits on SQLite, every process's on PostgreSQL (LISTEN)."""

    def __init__(self, db: Database, wake: Callable[[], None]) -> None:
        self.db, self.wake = db, wake
        self._listener: asyncio.Task[None] | None = None
        self._hooks: contextlib.ExitStack | None = None

    async def start(self) -> None:
        if self.db.is_sqlite:
            self._hooks = contextlib.ExitStack()
            self._hooks.enter_context(_own_commits(self.db, self.wake))
        else:
            self._listener = asyncio.create_task(_listen(self.db.url, self.wake), name="listen")

    async def stop(self) -> None:
        if self._hooks is not None:
            self._hooks.close()
            self._hooks = None
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None


@contextlib.asynccontextmanager
async def wake_on_commit(db: Database, wake: Callable[[], None]) -> AsyncIterator[None]:
    """A `Waker` for the duration of the block."""
    waker = Waker(db, wake)
    await waker.start()
    try:
        yield
    finally:
        await waker.stop()


@contextlib.contextmanager
def _own_commits(db: Database, wake: Callable[[], None]) -> Iterator[None]:
    loop = asyncio.get_running_loop()

    def committed(conn: Any) -> None:
        if conn.info.pop(OWED, None) is conn.get_transaction():
            loop.call_soon(wake)  # SQLite serializes writers: the claim waits for this commit

    def rolled_back(conn: Any) -> None:
        if not conn.invalidated:  # a query cut short by a cancel: the connection is dropped
            conn.info.pop(OWED, None)

    engine = db.engine.sync_engine
    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        yield
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)


async def _listen(url: str, wake: Callable[[], None]) -> None:
    """LISTEN again whenever the connection breaks (the worker polls meanwhile)."""
    while True:
        try:
            await _listen_once(url, wake)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("outbox: LISTEN %s lost (%s); polling until it is back", CHANNEL, error)
        await asyncio.sleep(RETRY_SECONDS)


async def _listen_once(url: str, wake: Callable[[], None]) -> None:
    """Hold one connection that LISTENs until it breaks; wake on each notification (and
    once when listening starts: a commit may have come while no one listened)."""
    lost = asyncio.Event()
    conn = await dedicated(url, "racewatch outbox listener")
    try:
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(CHANNEL, lambda *_args: wake())
        wake()
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), CHECK_SECONDS)
            if not lost.is_set():  # a half-open connection tells nothing: ask it
                await asyncio.wait_for(conn.fetchval("SELECT 1"), CHECK_SECONDS)
        raise ConnectionError("the server closed the connection")
    finally:
        await close_quietly(conn)
