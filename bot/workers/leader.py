"""One scheduler for all processes: the leader holds a PostgreSQL advisory lock.

Every process runs a `Leadership`; the one that takes the lock runs the scheduler (digests,
forecast deadlines), the others try again every `retry` seconds. The lock lives on a
connection of its own (`storage.engine.locks.SessionLock`): when the leader dies, the
server ends its session and frees the lock, and another process takes over at its next
try. The leader checks every `retry` seconds that the server still counts the lock as its
own, and steps down (cutting that connection) when it cannot tell. On SQLite there is one
process: it leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from bot.workers.claimant import worker_name
from storage.engine.db import Database
from storage.engine.locks import SCHEDULER_LOCK, SessionLock, holder

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
CHECK_SECONDS = 5.0
"""How long the server may take to answer: a leader cut off from it steps down after this,
before the server's TCP keepalives (11 s) free the lock for another."""
LEADER_PREFIX = "racewatch leader "  # application_name of the lock's session: who leads


async def current_leader(db: Database) -> str | None:
    """The worker name (`host:ns:pid`) of the process that leads now, if one does."""
    async with db.read() as conn:
        name = await holder(conn, SCHEDULER_LOCK)
    return name.removeprefix(LEADER_PREFIX) if name and name.startswith(LEADER_PREFIX) else None


class Scheduler(Protocol):
    async def start(self) -> None: ...

    def shutdown(self) -> None: ...

    @property
    def running(self) -> bool: ...


class Leadership:
    """Runs a new scheduler from `make()` while this process holds the lock."""

    def __init__(
        self,
        db: Database,
        make: Callable[[], Scheduler],
        *,
        retry: float = RETRY_SECONDS,
        key: int = SCHEDULER_LOCK,
        name: str | None = None,
    ) -> None:
        self.db, self.make, self.retry = db, make, retry
        self.name = name or worker_name()
        self.lock = SessionLock(db.url, key, LEADER_PREFIX + self.name)
        self.scheduler: Scheduler | None = None
        self.tries = 0  # attempts at the lock (a standby's are visible in tests and logs)
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    @property
    def running(self) -> bool:
        """For readiness: the leader's scheduler runs, or this process stands by."""
        if self.scheduler is not None:
            return self.scheduler.running
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.db.is_sqlite:
            await self._lead()
            return
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop the scheduler, then let the lock go (ending its session)."""
        self._follow()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.lock.release()

    async def _lead(self) -> None:
        self.scheduler = self.make()
        await self.scheduler.start()

    def _follow(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None

    async def _run(self) -> None:
        while True:
            self.tries += 1
            try:
                async with asyncio.timeout(CHECK_SECONDS):
                    taken = await self.lock.try_take()
                if taken:
                    await self._hold()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database is away: connect again next time
                log.warning("scheduler: leadership check failed: %s", error)
                await self.lock.release()
            if self.leading:
                log.warning("scheduler: lost the leadership; another process may take it")
                self._follow()
                await self.lock.release()  # if the server still counts it ours, now it does not
            await asyncio.sleep(self.retry)

    async def _hold(self) -> None:
        """Lead until the server no longer answers that the lock is ours."""
        log.info("scheduler: this process leads (%s)", self.name)
        await self._lead()
        while await self.lock.held(CHECK_SECONDS):  # noqa: ASYNC110 (the server is asked)
            await asyncio.sleep(self.retry)
