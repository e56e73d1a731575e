"""Fixtures: the fake feed server, and the feeds world on the test's database."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.workers.feeds import FeedWorker
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.fakes.feeds import FakeFeeds
from tests.support.feeds_world import POLICY, Feeds
from tests.support.world import NOW


@pytest.fixture
async def fake() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        yield server


@pytest.fixture
def feeds(fake: FakeFeeds, db: Database) -> Feeds:
    clock = FixedClock(NOW)
    worker = FeedWorker(db, clock, POLICY, rng=random.Random(3))
    return Feeds(fake, db, clock, worker, Dispatcher(db, clock))
