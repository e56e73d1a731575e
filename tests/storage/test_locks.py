"""A session lock's release runs to its end even when the task releasing it is cancelled.

A stop cancels the leadership loop, which may be releasing the lock at that moment (after a
failed check, or when the leadership was lost). The release used to drop its connection
before the unlock and the close had run, so a cancellation there left the lock held and the
connection open until the garbage collector found it: a CI run failed on that warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

from sqlalchemy import text

from storage.engine.db import Database
from storage.engine.locks import SessionLock, holder

KEY = 0x4C4F434B  # "LOCK": no lock the bot takes
PURPOSE = "racewatch lock under test"


async def sessions_named(db: Database, name: str) -> int:
    async with db.read() as conn:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
        return int(await conn.scalar(query, {"name": name}) or 0)


async def test_a_release_cancelled_midway_lets_go_and_closes(postgres: Database) -> None:
    for turns in range(1, 12):  # cancelled at each step of the unlock and the close
        key = KEY + turns
        lock = SessionLock(postgres.url, key, PURPOSE)
        assert await lock.try_take()
        release = asyncio.create_task(lock.release())
        for _ in range(turns):
            await asyncio.sleep(0)
        release.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await release
        gc.collect()  # a connection dropped unclosed warns here, and the warning fails the test
        async with postgres.read() as conn:
            assert await holder(conn, key) is None, f"the lock is still held ({turns} turns)"
        assert await sessions_named(postgres, PURPOSE) == 0, f"a session is left ({turns} turns)"
