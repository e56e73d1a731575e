"""Where discord.py sends REST calls and opens the gateway: Discord itself, or a fake in tests."""

from __future__ import annotations

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def point_at(api_base_url: str, gateway_url: str | None = None) -> None:
    """Aim every discord.py client in this process at these URLs.

    discord.py keeps both as class attributes (`Route.BASE` for REST and webhooks,
    `DiscordWebSocket.DEFAULT_GATEWAY` for the first connection and after an invalid
    session), so they are process-wide; resumes use the `resume_gateway_url` from READY.
    """
    Route.BASE = api_base_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY)


async def discover_gateway(client: discord.Client) -> str:
    """The gateway URL Discord (or the fake) announces at GET /gateway/bot."""
    _shards, url, _limits = await client.http.get_bot_gateway()
    return url
