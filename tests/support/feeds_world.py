"""The feeds world: the fake feed server, a poller on the test's database, a movable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.workers.feeds import FeedWorker
from commands.core.caller import CONSOLE_CALLER, Caller
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from commands.feeds.fetch import FetchPolicy
from commands.feeds.sync import SyncResult
from storage.engine.db import Database
from storage.feeds import FeedRow, get_feed
from tests.support.fakes.feeds import FakeFeeds

POLICY = FetchPolicy(timeout_s=0.5)  # the fake's stalls outlast it; everything else is default


@dataclass
class Feeds:
    """One test's feeds: the fake sources, the poller, the console and the clock."""

    fake: FakeFeeds
    db: Database
    clock: FixedClock
    worker: FeedWorker
    dispatcher: Dispatcher

    async def ask(self, line: str, as_: Caller = CONSOLE_CALLER) -> Reply:
        return await self.dispatcher.run_line(line, as_)

    async def add(self, name: str, kind: str, path: str, *options: str) -> None:
        reply = await self.ask(
            f"/admin feed add {name} {kind} {self.fake.url(path)} {' '.join(options)}"
        )
        assert not reply.is_error, reply.plain_text()

    async def feed(self, name: str) -> FeedRow:
        async with self.db.read() as conn:
            found = await get_feed(conn, name)
        assert found is not None, name
        return found

    async def poll(self) -> list[SyncResult]:
        """Move the clock past every feed's next poll (a day and a half), then poll."""
        self.clock.set(self.clock.now() + timedelta(hours=36))
        return await self.worker.run_due()
