"""The delivery worker's queue of claimed rows: a lane per channel, so that one channel's
rows go in order and one at a time while many channels send at once.

Rows claimed later join their channel's lane, so the worker can claim its next batch while
the last is still being sent. A row is held (`held`) from its claim until it is settled:
sent and recorded, retried later, skipped, failed or paused; a claim that returns a row
still held (its lease ran out while it waited) leaves it alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from storage.outbox.deliveries import Delivery
from storage.subscriptions import Subscription

log = logging.getLogger(__name__)

Item = tuple[Delivery, Subscription]
RECORDING, PAUSED, SETTLED = "recording", "paused", "settled"  # how a row's send ended


class Lanes:
    """Claimed rows by channel, each lane a task; at most `concurrency` sends at once."""

    def __init__(
        self,
        deliver: Callable[[Delivery, Subscription], Awaitable[str]],
        concurrency: int,
        low: int,
        on_low: Callable[[], None],
    ) -> None:
        self.deliver = deliver  # returns RECORDING, PAUSED or SETTLED
        self.low, self.on_low = low, on_low  # called when `unsent` falls to `low`, and to 0
        self.held: set[int] = set()
        self.unsent = 0  # rows whose send has not ended yet
        self.stopping = False  # set: each lane ends after its send under way
        self._slots = asyncio.Semaphore(concurrency)
        self._lanes: dict[int, deque[Item]] = {}  # by subscription
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, claimed: Sequence[Item]) -> int:
        """Queue the rows claimed that are not held already; returns how many."""
        fresh = [(x, s) for x, s in claimed if x.id not in self.held]
        for delivery, sub in fresh:
            self.held.add(delivery.id)
            self.unsent += 1
            if sub.id in self._lanes:
                self._lanes[sub.id].append((delivery, sub))
                continue
            self._lanes[sub.id] = deque([(delivery, sub)])
            task = asyncio.create_task(self._lane(sub.id), name=f"delivery-lane-{sub.id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(fresh)

    async def end(self, *, cancel: bool) -> None:
        """Wait for every lane to end (`cancel`: cut them short first)."""
        while self._tasks:
            tasks = set(self._tasks)
            for task in tasks if cancel else ():
                task.cancel()
            await asyncio.wait(tasks)

    async def _lane(self, sub_id: int) -> None:
        """One channel's rows in order, one at a time (rows claimed later join the queue)."""
        lane = self._lanes[sub_id]
        try:
            while lane and not self.stopping:  # else the rows stay claimed until the release
                delivery, sub = lane.popleft()
                outcome = SETTLED
                try:
                    async with self._slots:
                        if not self.stopping:
                            outcome = await self.deliver(delivery, sub)
                except Exception:
                    log.exception(
                        "delivery #%s to %s failed unexpectedly", delivery.id, sub.channel_id
                    )
                finally:
                    if outcome != RECORDING:  # else held until the recorder is done with it
                        self.held.discard(delivery.id)
                    self._ended(1)
                if outcome == PAUSED:  # the channel's other rows were held as paused
                    self.held.difference_update(x.id for x, _ in lane)
                    break
        finally:
            self._ended(len(lane))
            del self._lanes[sub_id]

    def _ended(self, rows: int) -> None:
        before, self.unsent = self.unsent, self.unsent - rows
        if rows and (before > self.low >= self.unsent or not self.unsent):
            self.on_low()
