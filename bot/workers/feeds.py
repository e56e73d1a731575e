"""Polls the feeds that are due, a few at a time, on their jittered schedules.

The schedule lives in the database (each feed's `next_run_at`, set after every poll with
its jitter or backoff), so a restart goes on where it stopped and several processes share
the work without a leader. A new feed's first poll is spread over its first hour: a start
without a network stays quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from bot import metrics
from commands.core.clock import Clock
from commands.feeds.fetch import FeedClient, FetchPolicy
from commands.feeds.sync import SyncResult, sync_feeds
from storage.engine.db import Database
from storage.feeds import due_feeds

log = logging.getLogger(__name__)
TICK_S = 60.0  # how often the worker looks for due feeds


class FeedWorker:
    """Runs `run_due` every `tick_s` seconds until stopped; tests call `run_due` directly."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: FetchPolicy | None = None,
        *,
        tick_s: float = TICK_S,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy or FetchPolicy()
        self.tick_s = tick_s
        self.rng = rng or random.Random()
        self.requests = 0  # HTTP requests sent, all polls together
        self.polls: dict[str, int] = {}  # outcome -> polls (unchanged | changed | failed)
        self._task: asyncio.Task[None] | None = None

    async def run_due(self) -> list[SyncResult]:
        """Poll every feed that is due now; what each poll did."""
        now = self.clock.now()
        async with self.db.read() as conn:
            due = await due_feeds(conn, now)
        if not due:
            return []
        async with FeedClient(self.policy) as client:
            results = await sync_feeds(self.db, due, client, now, self.rng)
        self.requests += client.requests
        for result in results:
            self.polls[result.outcome] = self.polls.get(result.outcome, 0) + 1
            outcome = "ok" if result.outcome == "changed" else result.outcome
            proposed = max(result.proposals - result.applied_items, 0)
            metrics.feed_synced(result.kind, outcome, result.applied_items, proposed)
        return results

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="feeds")

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:  # the database was busy or gone: the next tick tries again
                log.exception("feeds: polling round failed")
            await asyncio.sleep(self.tick_s)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
