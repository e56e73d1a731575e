"""A message that reached the platform is recorded as sent even while the database refuses
the record for a while (a long import holding SQLite's write lock): posted once, never
again when its lease runs out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from storage.engine import schema
from storage.engine.db import Database
from tests.support.chat import LEAD_CHANGE, Chat


class RefuseSent:
    """A fault hook on the engine: the next `times` "sent" records fail as a locked
    database's do (SQLite's busy timeout ran out; PostgreSQL's lock timeout likewise)."""

    def __init__(self, db: Database, times: int) -> None:
        self.left = times
        event.listen(db.engine.sync_engine, "before_cursor_execute", self.refuse)

    def refuse(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.left and statement.startswith("UPDATE deliveries") and "sent_at" in statement:
            self.left -= 1
            raise OperationalError(statement, None, Exception("database is locked"))


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
