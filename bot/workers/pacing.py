"""Pacing sends under a platform's global rate limit, as the platform itself counts them:
within one process (`Pacer`), or across every process of a bot on PostgreSQL (`SharedPacer`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Protocol

from storage import pace
from storage.engine.db import Database

log = logging.getLogger(__name__)

ACTOR = "racewatch:pace"
WINDOW = 1.0  # seconds a place stays taken after its request's answer
HOLD = 60.0  # seconds a place stays taken without an answer (its process may have died)
POLL = 0.25  # seconds between looks at the shared places while every one is taken
GATHER = 0.005  # seconds a round waits for more sends to start or end


class Pacer:
    """At most `rate` sends in any one-second window, as the platform counts them.

    A send holds its place from the moment it starts until one second after its answer:
    the platform saw it arrive somewhere in between, so however the network or a busy
    event loop bunches requests up, no one-second window at the platform's end holds more
    than `rate` of them (counting at the start only is not enough: measured, it drew
    global 429s from a fake enforcing Discord's 50/s).
    """

    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit = max(int(rate), 1)
        self.monotonic = monotonic
        self._running = 0
        self._ended: deque[float] = deque()
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()  # first come, first served

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one place in the window for the duration of a send (and a second after)."""
        await self._acquire()
        try:
            yield
        finally:
            self._running -= 1
            self._ended.append(self.monotonic())
            self._changed.set()

    async def _acquire(self) -> None:
        async with self._lock:
            while True:
                now = self.monotonic()
                while self._ended and now - self._ended[0] >= 1.0:
                    self._ended.popleft()
                if self._running + len(self._ended) < self.limit:
                    self._running += 1
                    return
                wait = self._ended[0] + 1.0 - now if self._ended else None
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), wait)


class Pacing(Protocol):
    """What the delivery worker asks of a pacer: a place for each send."""

    limit: int

    def slot(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class SharedPacer:
    """At most `rate` sends in any one-second window across every process of one bot, as
    `Pacer` is within one process: the places live in PostgreSQL (`storage.pace`).

    One task per process takes places for all of its waiting sends and gives back those
    answered in one transaction, so sends that wait together cost one round trip. A place
    a dead process held comes free after `HOLD` seconds.
    """

    def __init__(self, db: Database, bucket: str, rate: float, holder: str) -> None:
        self.db, self.bucket, self.holder = db, bucket, holder
        self.limit = max(int(rate), 1)
        self._waiters: deque[asyncio.Future[int]] = deque()
        self._answered: list[int] = []  # free a second from now
        self._unused: list[int] = []  # taken for a send that never went: free now
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._opened = False
        self._failing = False  # said once per outage

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the bot's places for the duration of a send (and a second after)."""
        place = await self._acquire()
        try:
            yield
        finally:
            self._answered.append(place)
            self._kick.set()

    async def _acquire(self) -> int:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="pace")
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self._kick.set()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._unused.append(future.result())
                self._kick.set()
            raise

    async def _run(self) -> None:
        """Until nothing waits and nothing is left to give back."""
        while True:
            await asyncio.sleep(GATHER)  # sends that start or end together share a round
            self._kick.clear()
            self._waiters = deque(f for f in self._waiters if not f.done())
            if not (self._waiters or self._answered or self._unused):
                return
            wait = await self._round()
            if self._waiters or self._answered or self._unused:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), min(wait, POLL))

    async def _round(self) -> float:
        """Give back, take for the waiters; returns how long until a place may come free."""
        ask = pace.Exchange(self._answered, self._unused, len(self._waiters), WINDOW, HOLD)
        self._answered, self._unused = [], []
        try:
            async with self.db.write(ACTOR, "pace", datetime.now(UTC)) as change:
                conn = change.conn
                if not self._opened:
                    await pace.open_places(conn, self.bucket, self.limit, self.holder, WINDOW)
                places = await pace.exchange(conn, self.bucket, self.holder, self.limit, ask)
                short = len(places) < ask.want
                wait = await pace.next_free(conn, self.bucket, self.limit) if short else 0.0
        except Exception as error:  # the sends wait; the database may be back in a moment
            if not self._failing:
                log.warning("pace: the shared places are out of reach (%s); sends wait", error)
            self._failing = True
            self._answered += ask.answered
            self._unused += ask.unused
            return POLL
        self._opened, self._failing = True, False
        for place in places:
            while self._waiters and self._waiters[0].done():
                self._waiters.popleft()
            if self._waiters:
                self._waiters.popleft().set_result(place)
            else:
                self._unused.append(place)
        return wait


def pacer_for(db: Database, sender: object, rate: float, holder: str) -> Pacing:
    """A sender whose platform limits the whole bot (its `pace_bucket`) shares its pace with
    every process on PostgreSQL; else (SQLite: one process) the pace is this process's."""
    bucket = getattr(sender, "pace_bucket", None)
    if bucket is None or db.is_sqlite:
        return Pacer(rate)
    return SharedPacer(db, str(bucket), rate, holder)
