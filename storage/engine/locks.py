"""PostgreSQL session state on a connection of its own: advisory locks, LISTEN.

A session-level advisory lock or a LISTEN belongs to the connection that took it. Taken on
a pooled connection it goes back to the pool with that connection, where any later
checkout holds it without knowing (and the pool's own reset does not let go of it), so
each lives on a connection opened for it alone, outside the pool, and closed to let go.
TCP keepalives make the server notice within seconds a client whose machine vanished
(a process that dies is noticed at once: its kernel closes the socket).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine.aio import AsyncConnection, run_to_completion

SCHEDULER_LOCK = 0x52414345  # "RACE": the scheduler leader's lock
PREPARE_LOCK = 0x52414346  # migrating and seeding a database: one process at a time
KEEPALIVES = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}
CONNECT_SECONDS = 10.0


async def dedicated(url: str, purpose: str) -> Any:
    """A new asyncpg connection outside the pool, named `purpose` in pg_stat_activity."""
    import asyncpg  # the PostgreSQL extra; only a PostgreSQL deployment gets here

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    settings = {"application_name": purpose[:63], **KEEPALIVES}
    return await asyncpg.connect(dsn, server_settings=settings, timeout=CONNECT_SECONDS)


async def close_quietly(conn: Any) -> None:
    """Close, or cut if the server does not answer: either way the session ends."""
    if conn is None or conn.is_closed():
        return
    try:
        await conn.close(timeout=2)
    except Exception:  # a broken connection: cut it
        conn.terminate()


@contextlib.asynccontextmanager
async def one_at_a_time(url: str, key: int, purpose: str) -> AsyncIterator[None]:
    """Wait for the lock `key`, hold it through the block, then let it go."""
    conn = await dedicated(url, purpose)
    try:
        await conn.execute(f"SELECT pg_advisory_lock({int(key)})")
        yield
    finally:
        await _unlock_and_close(conn)


async def holder(conn: AsyncConnection, key: int) -> str | None:
    """The name (application_name) of the session holding lock `key` in this database, if
    any (advisory locks are per database: another database's holder is not ours)."""
    query = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = :key "
        "AND l.objsubid = 1 AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    name = await conn.scalar(query, {"key": key})
    return None if name is None else str(name)


class SessionLock:
    """An advisory lock held by a connection of its own, so held exactly while this process
    lives and keeps that connection; `release` (or the process's death) lets it go."""

    def __init__(self, url: str, key: int, purpose: str) -> None:
        self.url, self.key, self.purpose = url, key, purpose
        self._conn: Any = None

    async def try_take(self) -> bool:
        """Take the lock if no session holds it (connecting first when needed)."""
        if self._conn is None or self._conn.is_closed():
            self._conn = await dedicated(self.url, self.purpose)
        return bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))

    async def held(self, seconds: float) -> bool:
        """The server still counts the lock as ours (False when it does not answer in time)."""
        if self._conn is None or self._conn.is_closed():
            return False
        query = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND classid = 0 AND objid = $1 AND objsubid = 1"
        )
        import asyncpg

        try:
            async with asyncio.timeout(seconds):
                return bool(await self._conn.fetchval(query, self.key))
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False

    async def release(self) -> None:
        """Let go, and end the session (which lets go too if the unlock did not get through)."""
        conn, self._conn = self._conn, None
        await _unlock_and_close(conn)


async def _unlock_and_close(conn: Any) -> None:
    """Unlock first: a closed session's locks go only once its server process has ended,
    a moment later; the unlock's answer says they are gone now. Both run to their end (at
    most a few seconds) even when the caller is cancelled meanwhile, as a stop does: cut
    short, the lock would stay held and the connection open until garbage collection."""
    if conn is not None:
        await run_to_completion(_let_go(conn))


async def _let_go(conn: Any) -> None:
    with contextlib.suppress(Exception):
        async with asyncio.timeout(2):
            await conn.execute("SELECT pg_advisory_unlock_all()")
    with contextlib.suppress(Exception):
        await close_quietly(conn)
