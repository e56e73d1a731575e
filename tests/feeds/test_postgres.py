"""The feeds on PostgreSQL: a poll, a proposal, its approval and an unchanged poll.

Runs when RACEWATCH_TEST_POSTGRES_URL names a database the tests may empty; skipped otherwise.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.workers.feeds import FeedWorker
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import prepare
from tests.support.fakes.feeds import FakeFeeds, sample
from tests.support.feeds_world import POLICY, Feeds
from tests.support.tables import audit_entries
from tests.support.world import NOW

URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="RACEWATCH_TEST_POSTGRES_URL is not set")


@pytest.fixture
async def on_postgres(fake: FakeFeeds) -> AsyncIterator[Feeds]:
    db = Database(URL)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await prepare(db, NOW)
    clock = FixedClock(NOW)
    worker = FeedWorker(db, clock, POLICY, rng=random.Random(5))
    yield Feeds(fake, db, clock, worker, Dispatcher(db, clock))
    await db.close()


async def test_a_feed_round_on_postgresql(on_postgres: Feeds) -> None:
    feeds = on_postgres
    feeds.fake.serve("/api/models", sample("huggingface_deepseek-ai.json"), "application/json")
    await feeds.add("hf-deepseek", "huggingface", "/api/models")
    [first] = await feeds.poll()
    assert (first.outcome, first.new_items, first.proposals) == ("changed", 5, 1), first
    approved = await feeds.ask("/admin review approve 1")
    assert not approved.is_error, approved.plain_text()
    assert "685B parameters" in (await feeds.ask("/model deepseek-ai/DeepSeek-V4")).plain_text()
    [again] = await feeds.poll()
    assert again.outcome == "unchanged"
    listing = (await feeds.ask("/admin feed list")).plain_text()
    assert "hf-deepseek" in listing and " ok " in listing
    await feeds.ask("/admin undo")
    assert "#1 Model: DeepSeek-V4" in (await feeds.ask("/admin review")).plain_text()


async def test_two_curators_approving_at_once_decide_once(on_postgres: Feeds) -> None:
    """A double click: two approvals of one proposal race; the row lock lets one through."""
    feeds = on_postgres
    feeds.fake.serve("/api/models", sample("huggingface_deepseek-ai.json"), "application/json")
    await feeds.add("hf-deepseek", "huggingface", "/api/models")
    await feeds.poll()
    first, second = await asyncio.gather(
        feeds.ask("/admin review approve 1"), feeds.ask("/admin review approve 1")
    )
    assert sorted([first.is_error, second.is_error]) == [False, True], (first, second)
    refused = second if second.is_error else first
    assert "already approved" in refused.plain_text()
    audit = await feeds.ask("/admin audit")
    assert sum("model add DeepSeek-V4" in row[2] for row in audit_entries(audit)) == 1
