"""An undo reaches alerts: what it takes back is dropped from digests and alerts not yet
sent, and a channel that already got the alert is told, in a reply to it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from storage.check import check
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from tests.support.chat import LEAD_CHANGE, Chat
from tests.support.slack_world import texts

BERLIN_NINE = {"every": "daily", "time": "09:00", "timezone": "Europe/Berlin"}
OVERTAKES = "Lead change on FrontierSWE: CN overtakes US with GLM-5.2 at 76.0"
SCORED = "GLM-5.2 scored 76.0 on FrontierSWE"


async def sent_refs(conn: AsyncConnection) -> set[str]:
    """The platform's ids of the alerts the outbox sent (not the corrections)."""
    d = schema.deliveries
    query = select(d.c.message_ref).where(d.c.kind == "events", d.c.status == "sent")
    return set((await conn.execute(query)).scalars())


async def undo(chat: Chat) -> str:
    return await chat.curator("admin undo", {})


async def test_an_undone_lead_change_leaves_the_digest_and_its_preview(chat: Chat) -> None:
    await chat.discord_run("digest schedule", BERLIN_NINE)
    await chat.curator("admin score add", LEAD_CHANGE)
    before = (await chat.discord_run("digest preview")).text()
    assert OVERTAKES in before and SCORED in before and "CN leads US" in before
    assert "Undone" in await undo(chat)
    preview = (await chat.discord_run("digest preview")).text()
    assert OVERTAKES not in preview and SCORED not in preview, preview
    assert "Nothing new since the last digest." in preview
    assert "FrontierSWE: US leads CN" in preview  # the race as it is
    chat.clock.set(datetime(2027, 3, 23, 8, 0, tzinfo=UTC))
    assert [outcome for _, outcome in await chat.scheduler().tick()] == ["skipped"]
    await chat.deliver()
    assert chat.discord.messages(chat.channel) == []  # nothing new, and not asked for empty


async def test_an_alert_undone_before_it_went_out_is_not_sent(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "all"})
    await chat.slack_run("/subscribe", "leads scores")
    await chat.curator("admin score add", LEAD_CHANGE)
    event = await chat.last_event()
    await undo(chat)
    await chat.deliver()
    assert chat.discord.messages(chat.channel) == [] and chat.slack_texts() == []
    why = (await chat.discord_run("subscriptions", {"why": str(event)})).text()
    assert "not sent: undone before it went out" in why, why


async def test_channels_that_got_the_alert_get_a_correction_as_a_reply(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "all"})
    await chat.slack_run("/subscribe", "leads scores")
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()
    [original] = chat.discord.messages(chat.channel)
    assert len(chat.slack.posted) == 1
    await undo(chat)
    await chat.deliver()
    [_, correction] = chat.discord.messages(chat.channel)
    assert correction.text().startswith("Reverted: Lead change on FrontierSWE"), correction.text()
    assert OVERTAKES in correction.text()
    assert str(correction.payload["message_reference"]["message_id"]) == original.payload["id"]
    [_, slack_correction] = chat.slack.posted
    assert texts(slack_correction).startswith("*Reverted: Lead change on FrontierSWE*")
    async with chat.db.read() as conn:
        refs = await sent_refs(conn)
    assert slack_correction["thread_ts"] in refs  # the Slack alert's ts
    assert original.payload["id"] in refs
    await chat.deliver()  # said once
    assert len(chat.discord.messages(chat.channel)) == 2 and len(chat.slack.posted) == 2


async def test_an_undo_while_its_alert_is_on_its_way_is_corrected(any_chat: Chat) -> None:
    """The undo lands after the worker composed the alert, before the platform answered: the
    row is neither owed (it may not be dropped) nor sent (nothing to correct, yet). Once the
    send is recorded, the channel is owed its correction all the same."""
    chat = any_chat
    await chat.discord_run("subscribe", {"topics": "all"})
    await chat.curator("admin score add", LEAD_CHANGE)
    chat.discord.posts.latency = 1.0  # the message exists; its answer is on its way
    sending = asyncio.create_task(chat.deliver())
    async with asyncio.timeout(30):
        while not chat.discord.posts.answering:  # noqa: ASYNC110 (the fake counts)
            await asyncio.sleep(0.005)
    assert "Undone" in await undo(chat)
    await sending
    chat.discord.posts.latency = 0.0
    await chat.deliver()
    [original, correction] = chat.discord.messages(chat.channel)
    assert correction.text().startswith("Reverted: Lead change on FrontierSWE"), correction.text()
    assert str(correction.payload["message_reference"]["message_id"]) == original.payload["id"]
    async with chat.db.read() as conn:
        assert await check(conn) == []
    await chat.deliver()  # said once
    assert len(chat.discord.messages(chat.channel)) == 2
