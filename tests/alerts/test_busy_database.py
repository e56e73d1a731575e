"""A message that reached the platform is recorded as sent even while the database refuses
the record for a while (a long import holding SQLite's write lock): posted once, never
again when its lease runs out."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from bot.workers.delivery import DeliveryWorker
from storage.engine import schema
from storage.engine.db import Database
from storage.outbox.deliveries import count_by_status
from tests.support.chat import LEAD_CHANGE, Chat


class RefuseSent:
    """A fault hook on the engine: the next `times` "sent" records fail as a locked
    database's do (SQLite's busy timeout ran out; PostgreSQL's lock timeout likewise)."""

    def __init__(self, db: Database, times: int) -> None:
        self.left = times
        self.refused = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self.refuse)

    def refuse(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.left and statement.startswith("UPDATE deliveries") and "sent_at" in statement:
            self.left -= 1
            self.refused += 1
            raise OperationalError(statement, None, Exception("database is locked"))


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the worker run until `condition` holds (10 s at most: then the test fails)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {what}")


async def subscribe(chat: Chat, platform: str) -> None:
    if platform == "discord":
        await chat.discord_run("subscribe", {"topics": "leads"})
    else:
        await chat.slack_run("/subscribe", "leads")


def posts(chat: Chat, platform: str) -> int:
    return len(chat.discord.messages(chat.channel) if platform == "discord" else chat.slack_texts())


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_a_send_is_recorded_though_the_database_refuses_for_a_while(
    chat: Chat, platform: str
) -> None:
    await subscribe(chat, platform)
    await chat.curator("admin score add", LEAD_CHANGE)
    refusals = RefuseSent(chat.db, times=3)
    await chat.deliver()
    assert refusals.left == 0, "the database never refused: the test proved nothing"
    assert posts(chat, platform) == 1
    chat.clock.set(chat.clock.now() + timedelta(hours=1))  # past any lease and nonce window
    await chat.deliver()
    assert posts(chat, platform) == 1
    async with chat.db.read() as conn:
        d = schema.deliveries
        statuses = list((await conn.execute(select(d.c.status, d.c.message_ref))).all())
    assert [status for status, _ in statuses] == ["sent"]
    assert statuses[0][1]  # the platform's message id is kept


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_a_stop_while_the_database_refuses_the_record_hands_back_nothing_sent(
    any_chat: Chat, platform: str
) -> None:
    """The worker stops with a message out and its record refused: the stop records it
    before it hands its rows back, so the message is neither lost nor posted again."""
    chat = any_chat
    await subscribe(chat, platform)
    await chat.curator("admin score add", LEAD_CHANGE)
    refusals = RefuseSent(chat.db, times=1_000_000)  # until the database frees up below
    await chat.worker.start(settle=0)
    await until(lambda: posts(chat, platform) == 1 and refusals.refused > 0, "posted")
    stopping = asyncio.create_task(chat.worker.stop())
    seen = refusals.refused
    await until(lambda: refusals.refused > seen, "tried to record it while stopping")
    assert not stopping.done()
    refusals.left = 0
    await stopping
    async with chat.db.read() as conn:
        d = schema.deliveries
        statuses = list((await conn.execute(select(d.c.status, d.c.message_ref))).all())
    assert [status for status, _ in statuses] == ["sent"]
    chat.clock.set(chat.clock.now() + timedelta(hours=1))  # past any lease and nonce window
    await chat.deliver()
    assert posts(chat, platform) == 1


async def test_sends_go_on_while_another_process_holds_the_write_lock(chat: Chat) -> None:
    """An import in another process holds SQLite's write lock: the rows already claimed are
    all posted meanwhile, though only two may be sent at once, and recorded once it ends
    (before, each send waited for its record, so two sends held up the rest)."""
    channels = [chat.discord.add_channel(f"race-{i}") for i in range(6)]
    for channel in channels:
        await chat.discord_run("subscribe", {"topics": "leads"}, channel=channel)
    await chat.curator("admin score add", LEAD_CHANGE)
    chat.discord.posts.latency = 0.05
    worker = DeliveryWorker(chat.db, {"discord": chat.discord_bot}, chat.clock, concurrency=2)
    database = str(chat.db.engine.url.database)
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    try:
        await worker.start(settle=0)
        await until(lambda: any(chat.discord.messages(c) for c in channels), "posted")
        await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")  # the other process writes
        await until(lambda: all(chat.discord.messages(c) for c in channels), "posted them all")
        async with chat.db.read() as conn:
            assert (await count_by_status(conn)).get("sent", 0) < len(channels)
        other.execute("COMMIT")
        await worker.stop()
    finally:
        other.close()
    async with chat.db.read() as conn:
        assert await count_by_status(conn) == {"sent": len(channels)}
    assert [len(chat.discord.messages(c)) for c in channels] == [1] * len(channels)


@pytest.mark.parametrize("fault", [503, None], ids=["5xx", "dropped"])
async def test_a_discord_message_created_but_not_answered_is_posted_once(
    chat: Chat, fault: int | None
) -> None:
    """Discord creates the message, then answers 503 or drops the connection: the retry
    carries the same nonce, within Discord's window of minutes, and gets the original back."""
    await subscribe(chat, "discord")
    await chat.curator("admin score add", LEAD_CHANGE)
    chat.discord.fail_after_posting(fault)
    await chat.deliver()
    assert posts(chat, "discord") == 1
    assert len(chat.discord.posts.nonce_hits) == 1  # the resend was caught, not absent
