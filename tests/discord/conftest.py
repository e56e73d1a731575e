"""Fixtures: a fake Discord on 127.0.0.1 and the real discord.py front end logged in to it."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # discord.py imports the stdlib `audioop` (voice) which warns on Python 3.11+.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from collections.abc import AsyncIterator
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.platforms.discord.frontend import DiscordFrontEnd
from commands.core.dispatch import Dispatcher
from tests.support.discord_world import StartBot, discord_settings
from tests.support.fakes.discord_server import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


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
