"""A read cancelled in the middle of a query ends cancelled, so the worker that ran it stops.

A stop cancels the background workers; when the cancellation hit a query, closing the
connection ran the outbox waker's rollback hook on the connection SQLAlchemy had just
invalidated, which raised PendingRollbackError in place of the cancellation. The feed
poller's loop took that for a failed round and went on, so `racewatch run` outlived SIGTERM.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.engine.db import Database
from storage.outbox.wakeup import wake_on_commit

SLOW = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) "
    "SELECT count(*) FROM n"
)


async def test_a_read_cancelled_mid_query_ends_cancelled(db: Database) -> None:
    started = asyncio.Event()

    async def long_read() -> None:
        async with db.read() as conn:
            started.set()
            await conn.execute(SLOW)

    async with wake_on_commit(db, lambda: None):
        task = asyncio.create_task(long_read())
        await started.wait()
        await asyncio.sleep(0.05)  # let the query reach SQLite's thread
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.read() as conn:  # the pool still hands out a working connection
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
