"""The discord.py client the bot runs on: the intents it needs, no pings, no voice chatter."""

from __future__ import annotations

import logging

import discord

from bot.platforms.discord.render import NO_MENTIONS

INTENTS = discord.Intents(guilds=True)
"""Slash commands need no privileged intents; guilds keeps channel names in the cache."""


def new_client(shards: tuple[list[int], int] | None = None) -> discord.Client:
    """A client, for these shards (ids, count) when the bot is split across processes;
    discord.py's warnings about missing voice libraries are beside the point here."""
    voice_warnings = logging.getLogger("discord.client")
    level = voice_warnings.level
    voice_warnings.setLevel(logging.ERROR)
    try:
        if shards is not None:
            ids, count = shards
            return discord.AutoShardedClient(
                intents=INTENTS, allowed_mentions=NO_MENTIONS, shard_ids=ids, shard_count=count
            )
        return discord.Client(intents=INTENTS, allowed_mentions=NO_MENTIONS)
    finally:
        voice_warnings.setLevel(level)
