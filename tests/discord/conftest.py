"""Fixtures: a fake Discord on 127.0.0.1 and the real discord.py front end logged in to it."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # discord.py imports the stdlib `audioop` (voice) which warns on Python 3.11+.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Settings
from bot.platforms.discord.frontend import DiscordFrontEnd
from commands.core.dispatch import Dispatcher
from tests.support.fakes.discord_server import FakeDiscord

CURATOR = "4000000000000000099"
MEMBER = "4000000000000000001"

StartBot = Callable[..., Coroutine[Any, Any, DiscordFrontEnd]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


def discord_settings(fake: FakeDiscord, **extra: Any) -> Settings:
    """Settings as the operator would write them, pointed at the fake."""
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "discord_api_base_url": fake.url,
        "discord_curator_ids": CURATOR,
    }
    return Settings(_env_file=None, **(values | extra))


@pytest.fixture
async def start_bot(fake: FakeDiscord) -> AsyncIterator[StartBot]:
    """`await start_bot(dispatcher, **settings)`: a started front end, closed after the test."""
    started: list[DiscordFrontEnd] = []
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY

    async def start(dispatcher: Dispatcher, **extra: Any) -> DiscordFrontEnd:
        front = DiscordFrontEnd(discord_settings(fake, **extra), dispatcher)
        started.append(front)
        await front.start()
        return front

    yield start
    for front in started:
        await front.close()
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@pytest.fixture
async def bot(start_bot: StartBot, dispatcher: Dispatcher) -> DiscordFrontEnd:
    """The front end on the seeded database, commands registered globally."""
    return await start_bot(dispatcher)
