"""Pacing sends under a platform's global rate limit, as the platform itself counts them:
within one process (`Pacer`), or across every process of a bot on PostgreSQL (`SharedPacer`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from storage import pace
from storage.engine.db import Database

log = logging.getLogger(__name__)

WINDOW = 1.0  # seconds a place stays taken after its request's answer
HOLD = 60.0  # seconds from its start a place stays taken unanswered (its process may be dead)
POLL = 0.25  # seconds between looks at the shared places at most, while sends wait
GATHER = 0.005  # seconds a round waits for more sends to start or end
AHEAD = 0.5  # seconds before it comes free that a place may be taken for a waiting send
GIVE_LAG = 0.2  # seconds after its answer that a place goes back at the latest
NOTICE = 0.1  # seconds before the last lined-up send starts that waiters get their places
CLOSING = 5.0  # seconds a stop waits for the last places to go back (else HOLD frees them)


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

    async def close(self) -> None:
        """Nothing to give back: the places are this process's."""

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

    async def close(self) -> None:
        """Once no send is under way: give back what is held and end any background work."""


class SharedPacer:
    """At most `rate` sends in any one-second window across every process of one bot, as
    `Pacer` is within one process: the places live in PostgreSQL (`storage.pace`).

    One task per process gives back the places its sends are done with and takes places
    for its waiting sends, all in one statement a round. It takes places that come free
    within `AHEAD` seconds too, and each send waits out its place's time on this process's
    clock: a place is used the moment it comes free, not at the next look. Answered places
    go back within `GIVE_LAG` of their answer, stamped free a second after it (not a second
    after the give-back), in rounds shared with the waiters'. Starts are 1/limit s apart
    across processes, so a few waiting sends keep up with many places (`storage.pace`).
    A place a dead process held comes free `HOLD` seconds after its start.
    """

    def __init__(self, db: Database, bucket: str, rate: float, holder: str) -> None:
        self.db, self.bucket, self.holder = db, bucket, holder
        self.limit = max(int(rate), 1)
        self._waiters: deque[asyncio.Future[tuple[int, float]]] = deque()
        self._back: list[tuple[int, float]] = []  # (place, when it may be used again)
        self._look = 0.0  # no place within reach comes free before this: don't ask sooner
        self._lined = 0.0  # when the last send this process has a place for starts
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
            self._give_back(place, time.monotonic() + WINDOW)

    async def close(self) -> None:
        """Give back the places of ended sends now (a stop calls this once no send is under
        way), so the other processes have them without waiting out `HOLD`, and end the pace
        task: left running, its round would still use the database being closed."""
        task = self._task
        if task is None or task.done():
            return
        self._kick.set()  # nothing waits: the places go back in the next round, then it ends
        if not (await asyncio.wait({task}, timeout=CLOSING))[0]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _give_back(self, place: int, ready: float) -> None:
        self._back.append((place, ready))
        self._kick.set()
        self._running()

    def _running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="pace")

    async def _acquire(self) -> int:
        self._running()
        future: asyncio.Future[tuple[int, float]] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self._kick.set()
        try:
            place, ready = await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._give_back(*future.result())
            raise
        try:
            await asyncio.sleep(max(ready - time.monotonic(), 0.0))  # the loop's clock
        except asyncio.CancelledError:
            self._give_back(place, ready)  # as it was: free when it was to be
            raise
        return place

    async def _run(self) -> None:
        """Until nothing waits and nothing is left to give back."""
        while True:
            await asyncio.sleep(GATHER)  # sends that start or end together share a round
            self._kick.clear()
            self._waiters = deque(f for f in self._waiters if not f.done())
            if not (self._waiters or self._back):
                return
            now = time.monotonic()
            if (self._waiters and now >= self._look) or self._giving(now) <= 0:
                await self._round()
                now = time.monotonic()
            pause = self._giving(now)
            if self._waiters:
                pause = min(pause, self._look - now)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), max(pause, 0.0))

    def _giving(self, now: float) -> float:
        """Seconds until a place must go back: at once when no send waits (they may be the
        last for a while, or the process is stopping), else `GIVE_LAG` after its answer."""
        if not self._back:
            return WINDOW
        if not self._waiters:
            return 0.0
        return min(ready for _place, ready in self._back) - (WINDOW - GIVE_LAG) - now

    async def _round(self) -> None:
        """Give back, take for the waiters; learn when to look again."""
        back, self._back = self._back, []
        want = len(self._waiters)
        asked = time.monotonic()
        back_in = [(p, ready - asked) for p, ready in back]
        ask = pace.Exchange(back_in, want, AHEAD, 1.0 / self.limit, HOLD)
        try:
            async with pace.connection(self.db) as conn:
                if not self._opened:
                    await pace.open_places(conn, self.bucket, self.limit, self.holder, WINDOW)
                got = await pace.exchange(conn, self.bucket, self.holder, self.limit, ask)
        except Exception as error:  # the sends wait; the database may be back in a moment
            if not self._failing:
                log.warning("pace: the shared places are out of reach (%s); sends wait", error)
            self._failing = True
            self._back = back + self._back
            self._look = time.monotonic() + POLL
            return
        answered = time.monotonic()
        self._opened, self._failing = True, False
        for place, after in sorted(got.taken, key=lambda taken: taken[1]):
            while self._waiters and self._waiters[0].done():
                self._waiters.popleft()
            if not self._waiters:
                self._back.append((place, answered + after))
                continue
            self._waiters.popleft().set_result((place, answered + after))
            self._lined = max(self._lined, answered + after)
        # Sends lined up: the next waiters can gather until the line is about to run out.
        self._look = max(answered, self._lined - NOTICE)
        if len(got.taken) < want:  # every place in reach is taken: look when one may be
            soonest = POLL if got.next_free is None else got.next_free - AHEAD
            self._look = max(self._look, answered + min(max(soonest, GATHER), POLL))


def pacer_for(db: Database, sender: object, rate: float, holder: str) -> Pacing:
    """A sender whose platform limits the whole bot (its `pace_bucket`) shares its pace with
    every process on PostgreSQL; else (SQLite: one process) the pace is this process's."""
    bucket = getattr(sender, "pace_bucket", None)
    if bucket is None or db.is_sqlite:
        return Pacer(rate)
    return SharedPacer(db, str(bucket), rate, holder)
