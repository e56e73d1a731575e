"""`racewatch run` with DISCORD_TOKEN and the URLs set to the fake serves every command."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import app
from commands.core.catalog import REGISTRY
from commands.core.registry import Command, OptionType, Permission
from commands.core.textsyntax import parse_options, resolve, split_line
from tests.support.discord_world import CURATOR, discord_settings
from tests.support.fakes.discord_interactions import Posted
from tests.support.fakes.discord_server import FakeDiscord

CSV = (
    b"model,organization,country,release_date,benchmark,score,source\n"
    b"Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/kimi\n"
)


@pytest.fixture
async def running(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[FakeDiscord]:
    """The whole process, as `racewatch run` starts it, on a fresh database file."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = discord_settings(
        fake, database_url=f"sqlite:///{tmp_path}/run.db", health_port=0, health_host="127.0.0.1"
    )
    process = asyncio.create_task(app.run(settings))
    await fake.gateway.wait_connected(seconds=60)
    yield fake
    process.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await process
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def discord_options(command: Command, example: str) -> dict[str, Any]:
    """An example's text options typed the way Discord sends them."""
    _command, words = resolve(REGISTRY, split_line(example))
    typed: dict[str, Any] = {}
    for name, text in parse_options(command, words).items():
        kind = command.options[[o.name for o in command.options].index(name)].type
        if kind is OptionType.ATTACHMENT:
            typed[name] = (text, CSV)
        elif kind is OptionType.NUMBER:
            typed[name] = float(text)
        elif kind is OptionType.INTEGER:
            typed[name] = int(text)
        elif kind is OptionType.BOOLEAN:
            typed[name] = text.lower() in ("true", "yes", name)
        else:
            typed[name] = text
    return typed


async def test_every_command_is_served_through_racewatch_run(running: FakeDiscord) -> None:
    answers: dict[str, Posted] = {}
    for command in REGISTRY:
        for example in command.examples:
            options = discord_options(command, example)
            answers[example] = await running.run(command.name, options, user_id=CURATOR)

    assert {example for c in REGISTRY for example in c.examples} == set(answers)
    for command in REGISTRY:
        for example in command.examples:
            reply = answers[example]
            assert reply.embeds or reply.content, example
            if command.permission is Permission.EVERYONE:
                assert reply.embeds and not reply.ephemeral, (example, reply.content)
    assert answers["/chart FrontierSWE"].files  # the PNG arrived
