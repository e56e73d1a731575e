"""Slack creates a message and the answer is lost (5xx, timeout, dropped connection): the
retry finds it in the channel by its metadata and posts nothing new. Slack's chat.postMessage
has no idempotency key, so each alert carries its outbox row's key in message metadata and a
retry whose first try may have landed reads the channel (conversations.history) first."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from storage.engine import schema
from tests.support.chat import LEAD_CHANGE, SLACK_CHANNEL, Chat

FAULTS = [500, 503, "timeout", "drop"]


async def statuses(chat: Chat) -> list[tuple[str, str | None]]:
    """Each outbox row's status and the platform's message id it recorded."""
    d = schema.deliveries
    async with chat.db.read() as conn:
        rows = await conn.execute(select(d.c.status, d.c.message_ref).order_by(d.c.id))
        return [(row.status, row.message_ref) for row in rows]


def posted_ts(chat: Chat) -> list[str]:
    return [m.ts for m in chat.slack.channel_messages(SLACK_CHANNEL)]


async def lead_change_for_slack(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "leads scores")
    await chat.curator("admin score add", LEAD_CHANGE)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_message_created_but_not_answered_is_posted_once(
    chat: Chat, fault: int | str
) -> None:
    chat.slack_bot.poster.timeout = 1  # seconds: a "timeout" answer is held back longer
    await lead_change_for_slack(chat)
    chat.slack.fail_after_posting(fault)
    await chat.deliver()
    [message] = chat.slack.channel_messages(SLACK_CHANNEL)
    assert message.metadata is not None
    assert message.metadata["event_type"] == "racewatch_delivery"
    assert await statuses(chat) == [("sent", message.ts)]  # recorded as that very message
    assert chat.slack.calls_to("conversations.history"), "the retry never looked"
    await chat.deliver()
    assert len(chat.slack.channel_messages(SLACK_CHANNEL)) == 1


async def test_a_message_not_created_is_retried_and_delivered_once(chat: Chat) -> None:
    await lead_change_for_slack(chat)
    chat.slack.fail_next("chat.postMessage", 500, times=2)  # refused: nothing was created
    await chat.deliver()
    [ts] = posted_ts(chat)
    assert await statuses(chat) == [("sent", ts)]
    assert [c.status for c in chat.slack.calls_to("chat.postMessage")] == [500, 500, 200]
    assert len(chat.slack.calls_to("conversations.history")) == 2  # looked before each retry


async def test_the_first_try_is_not_preceded_by_a_look(chat: Chat) -> None:
    await lead_change_for_slack(chat)
    await chat.deliver()
    assert len(posted_ts(chat)) == 1
    assert chat.slack.calls_to("conversations.history") == []  # no read on the common path


async def test_an_older_alert_with_its_own_key_is_not_taken_for_this_one(chat: Chat) -> None:
    await lead_change_for_slack(chat)
    await chat.deliver()
    options = {"model": "GPT-5.5", "benchmark": "PostTrainBench", "value": 31.0}
    await chat.curator("admin score add", {**options, "source": "https://example.org/s"})
    chat.slack.fail_next("chat.postMessage", 503)
    await chat.deliver()
    first, second = posted_ts(chat)
    assert await statuses(chat) == [("sent", first), ("sent", second)]


async def test_without_the_history_scope_it_posts_as_before_and_says_so(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    chat.slack.scopes.discard("channels:history")
    await lead_change_for_slack(chat)
    options = {"model": "GPT-5.5", "benchmark": "PostTrainBench", "value": 31.0}
    await chat.curator("admin score add", {**options, "source": "https://example.org/s"})
    chat.slack.fail_next("chat.postMessage", 503, times=2)  # each alert's first try
    with caplog.at_level(logging.WARNING, logger="bot.platforms.slack"):
        await chat.deliver()
    assert len(posted_ts(chat)) == 2  # both alerts went out, each once
    refused = [r for r in caplog.records if "channels:history" in r.getMessage()]
    assert len(refused) == 1, [r.getMessage() for r in caplog.records]


async def test_a_correction_created_but_not_answered_is_posted_once(chat: Chat) -> None:
    await lead_change_for_slack(chat)
    await chat.deliver()
    [alert] = chat.slack.channel_messages(SLACK_CHANNEL)
    await chat.curator("admin undo", {})
    chat.slack.fail_after_posting(502)
    await chat.deliver()
    [_, correction] = chat.slack.channel_messages(SLACK_CHANNEL)
    assert correction.thread_ts == alert.ts  # a reply in the alert's thread
    assert chat.slack.calls_to("conversations.replies"), "the retry never looked"
    assert [s for s, _ in await statuses(chat)] == ["sent", "sent"]
