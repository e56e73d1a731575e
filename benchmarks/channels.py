"""The fan-out benchmarks' audience: N fake Discord channels, each subscribed to everything."""

from __future__ import annotations

import asyncio

from commands.core.caller import Caller, Platform
from commands.core.dispatch import Dispatcher
from tests.support.fakes.discord_server import FakeDiscord

CHANNELS_PER_GUILD = 500  # Discord's cap on a guild's channels


async def subscribe_all(fake: FakeDiscord, dispatcher: Dispatcher, n: int) -> list[str]:
    """N channels in guilds of 500, each subscribed by its manager (8 at a time)."""
    channels: list[tuple[str, str]] = []
    guild = fake.guild_id
    for i in range(n):
        if i and i % CHANNELS_PER_GUILD == 0:
            guild = fake.add_guild(f"Racewatch guild {i // CHANNELS_PER_GUILD + 1}")
        channels.append((guild, fake.add_channel(f"race-{i}", guild)))
    gate = asyncio.Semaphore(8)

    async def subscribe(guild: str, channel: str) -> None:
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="manager",
            display_name="Manager",
            workspace_id=guild,
            channel_id=channel,
            is_channel_manager=True,
        )
        async with gate:
            reply = await dispatcher.run_line("/subscribe all", manager)
        assert not reply.is_error, reply

    await asyncio.gather(*(subscribe(g, c) for g, c in channels))
    return [c for _g, c in channels]
