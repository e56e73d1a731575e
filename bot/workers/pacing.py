"""Pacing sends under a platform's global rate limit, as the platform itself counts them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable


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
