"""`racewatch run` freezes what starting to serve loaded, so that full collections while it
serves walk only what commands leave behind (bot/start.py)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from pathlib import Path

from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import app
from tests.support.discord_world import discord_settings
from tests.support.fakes.discord_server import FakeDiscord


async def test_serving_leaves_what_it_loaded_out_of_later_collections(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = discord_settings(
        fake, database_url=f"sqlite:///{tmp_path}/run.db", health_port=0, health_host="127.0.0.1"
    )
    frozen = gc.get_freeze_count()
    process = asyncio.create_task(app.run(settings, freeze=True))
    try:
        await fake.gateway.wait_connected(seconds=60)
        for _ in range(200):  # the freeze comes once the workers have started too
            if gc.get_freeze_count() > frozen or process.done():
                break
            await asyncio.sleep(0.05)
        assert gc.get_freeze_count() > frozen + 10_000
        assert not any(o is DiscordWebSocket for o in gc.get_objects())  # frozen: left out
    finally:
        process.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await process
        gc.unfreeze()  # the test process goes on as it was
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        await fake.close()
