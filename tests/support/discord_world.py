"""Who is who on the fake Discord, and the settings an operator would point at it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from bot.config import Settings
from bot.platforms.discord.frontend import DiscordFrontEnd
from tests.support.fakes.discord_server import FakeDiscord

CURATOR = "4000000000000000099"
MEMBER = "4000000000000000001"

StartBot = Callable[..., Coroutine[Any, Any, DiscordFrontEnd]]


def discord_settings(fake: FakeDiscord, **extra: Any) -> Settings:
    """Settings as the operator would write them, pointed at the fake."""
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "discord_api_base_url": fake.url,
        "discord_curator_ids": CURATOR,
    }
    return Settings(_env_file=None, **(values | extra))
