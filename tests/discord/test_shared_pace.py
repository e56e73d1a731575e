"""Discord's global limit shared by every process of the bot on PostgreSQL: three workers
(three processes' worth: each its own name, front end and pacer) deliver one alert to many
channels, together under the fake's global limit: no global 429, each message once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy import text

from bot.config import Settings
from bot.platforms.discord.endpoints import point_at
from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.workers.delivery import DeliveryWorker
from bot.workers.pacing import Pacer, SharedPacer
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.discord_world import discord_settings
from tests.support.fakes.discord_limits import RateLimits
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.world import NOW

LIMIT = 20  # the fake's global requests per second, and the pace the workers keep
CHANNELS = 60
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm-p"


@pytest.fixture
async def limited() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord(rate_limits=RateLimits(global_per_second=LIMIT))
    await server.start()
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    point_at(server.url, server.gateway_url)
    yield server
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    await server.close()


async def owe_alerts(fake: FakeDiscord, db: Database) -> list[str]:
    """Each channel's manager subscribes it; a curator's score then owes each an alert."""
    handlers.install(db)
    dispatcher = Dispatcher(db, FixedClock(NOW))
    channels = [fake.add_channel(f"race-{i}") for i in range(CHANNELS)]
    for channel in channels:
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="manager",
            workspace_id=fake.guild_id,
            channel_id=channel,
            is_channel_manager=True,
        )
        assert not (await dispatcher.run_line("/subscribe scores", manager)).is_error
    assert not (await dispatcher.run_line(SCORE, CONSOLE_CALLER)).is_error
    return channels


async def test_three_workers_share_the_bots_global_limit(
    limited: FakeDiscord, postgres: Database
) -> None:
    channels = await owe_alerts(limited, postgres)
    dispatcher = Dispatcher(postgres, FixedClock(NOW))
    fronts = [DiscordFrontEnd(discord_settings(limited), dispatcher) for _ in range(3)]
    for front in fronts:
        await front.client.login(limited.token)
    workers = [  # small batches: all three take part to the end
        DeliveryWorker(
            postgres, {"discord": f}, name=f"host:1:{i}", pace={"discord": LIMIT}, batch=4
        )
        for i, f in enumerate(fronts)
    ]
    assert all(isinstance(w.pacers["discord"], SharedPacer) for w in workers)
    await asyncio.sleep(1.0)  # the logins leave the fake's one-second window
    try:
        async with asyncio.timeout(120):
            await asyncio.gather(*(w.drain() for w in workers))
    finally:
        for worker in workers:
            await worker.stop()
        for front in fronts:
            await front.close()

    assert [len(limited.messages(c)) for c in channels] == [1] * CHANNELS
    assert limited.limits.global_refusals == 0
    async with postgres.read() as conn:  # a stopped worker's places are free for the others
        held = await conn.scalar(text("SELECT count(*) FROM pace_places WHERE holder IS NOT NULL"))
    assert held == 0


async def test_on_sqlite_the_pace_stays_the_processs(db: Database) -> None:
    """SQLite runs one process: nothing to share."""
    front = DiscordFrontEnd(
        Settings(_env_file=None, discord_token="t"), Dispatcher(db, FixedClock(NOW))
    )
    assert front.pace_bucket is not None  # the bot's, were the database PostgreSQL

    worker = DeliveryWorker(db, {"discord": front})
    assert isinstance(worker.pacers["discord"], Pacer)
    await front.close()
