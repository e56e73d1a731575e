"""How the front end answers: typed options, rights, deferral, files, images (toy registry)."""

from __future__ import annotations

import asyncio

import pytest

from bot.platforms.discord.frontend import DiscordFrontEnd
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support import toy
from tests.support.discord_world import CURATOR, MEMBER, StartBot
from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_interactions import DEFERRED_MESSAGE
from tests.support.fakes.discord_server import FakeDiscord


@pytest.fixture
async def toy_bot(start_bot: StartBot, db: Database, clock: FixedClock) -> DiscordFrontEnd:
    toy.RAN.clear()
    return await start_bot(Dispatcher(db, clock, toy.TOY))


async def test_typed_options_arrive_typed(fake: FakeDiscord, toy_bot: DiscordFrontEnd) -> None:
    reply = await fake.run(
        "echo", {"words": "hi", "open-only": True, "limit": 7, "colour": "green", "model": "x"}
    )
    assert reply.embed["description"] == (
        "colour='green', limit=7, model='x', open-only=True, words='hi'"
    )


async def test_channel_manager_right_comes_from_discord_permissions(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    refused = await fake.run("subscribe", user_id=MEMBER)
    allowed = await fake.run(
        "subscribe", user_id=MEMBER, permissions=p.EVERYONE_PERMISSIONS | p.MANAGE_CHANNELS
    )

    assert refused.ephemeral and "channel managers only" in refused.content
    assert allowed.embed["description"] == f"subscribed {fake.channel_id}"
    assert toy.RAN == ["subscribe"]


async def test_curators_come_from_configuration(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    admin_everything = p.EVERYONE_PERMISSIONS | p.ADMINISTRATOR
    refused = await fake.run("admin score add", user_id=MEMBER, permissions=admin_everything)
    allowed = await fake.run("admin score add", user_id=CURATOR)

    assert refused.ephemeral
    assert allowed.embed["description"] == f"added by discord:{CURATOR}"
    assert toy.RAN == ["admin score add"]


async def test_slow_command_defers_and_a_failure_stays_private(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    record = await fake.interaction("crunch")
    reply = await record.reply()

    assert record.callbacks[0]["type"] == DEFERRED_MESSAGE
    assert record.original_deleted  # the public "thinking..." placeholder is gone
    assert reply.ephemeral and reply.content == "crunch found nothing to crunch"


async def test_a_command_that_takes_long_is_deferred_in_time(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    toy_bot.responder.defer_after = 0.05
    record = await fake.interaction("dawdle")
    reply = await record.reply()

    assert record.callbacks[0]["type"] == DEFERRED_MESSAGE
    assert not reply.ephemeral and reply.embed["description"] == "finally"


async def test_chart_defers_and_attaches_the_png(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    record = await fake.interaction("chart")
    reply = await record.reply()

    assert record.callbacks[0]["type"] == DEFERRED_MESSAGE
    assert reply.embed["image"]["url"] == "attachment://chart.png"
    assert reply.files == {"chart.png": toy.PNG}
    assert reply.payload["attachments"][0]["description"] == "the frontier"


async def test_uploaded_file_reaches_the_command_as_bytes(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    data = b"model,benchmark,value\nGLM-5.2,FrontierSWE,74.4\n"
    reply = await fake.run("upload", {"file": ("scores.csv", data)})

    assert reply.embed["description"] == f"scores.csv: {len(data)} bytes, starts b'model'"


async def test_a_refused_deferral_loses_the_answer_not_the_command(
    fake: FakeDiscord, toy_bot: DiscordFrontEnd
) -> None:
    fake.fail_next(404, 1, path="/callback")  # e.g. Discord's 10062 Unknown interaction
    record = await fake.interaction("chart")
    async with asyncio.timeout(10):
        while not toy.RAN:  # noqa: ASYNC110 - the handler runs in the bot, nothing to await
            await asyncio.sleep(0.01)

    still = await fake.run("echo", {"words": "still here"})

    assert toy.RAN[0] == "chart"
    assert record.visible() == []
    assert still.embed["description"] == "words='still here'"
