"""Command registration: exactly the inspected JSON, globally or to the development guild."""

from __future__ import annotations

import json
from typing import Any

import discord
import pytest

from bot.platforms.discord.inspect import registered_commands_json
from commands.core.catalog import REGISTRY
from commands.core.dispatch import Dispatcher
from tests.support.discord_world import StartBot
from tests.support.fakes.discord_server import FakeDiscord

BULK_GLOBAL = ("PUT", "/applications/{app_id}/commands")
BULK_GUILD = ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands")


def leaf_paths(commands: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    """Every invocable command path in a registered command list."""
    paths: set[tuple[str, ...]] = set()

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        subs = [o for o in node.get("options", []) if o["type"] in (1, 2)]
        if not subs:
            paths.add((*prefix, node["name"]))
        for sub in subs:
            walk(sub, (*prefix, node["name"]))

    for command in commands:
        walk(command, ())
    return paths


async def test_global_sync_registers_exactly_the_inspected_json(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    await start_bot(dispatcher)

    (bulk,) = fake.sent(*BULK_GLOBAL)
    assert bulk.json == json.loads(registered_commands_json())
    assert leaf_paths(fake.commands()) == {c.path for c in REGISTRY}
    assert not fake.sent(*BULK_GUILD)


async def test_development_guild_gets_the_commands_instantly(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    await start_bot(dispatcher, discord_dev_guild_id=int(fake.guild_id))

    assert not fake.sent(*BULK_GLOBAL)
    assert fake.commands(fake.guild_id)[0]["guild_id"] == fake.guild_id
    assert leaf_paths(fake.commands(fake.guild_id)) == {c.path for c in REGISTRY}
    reply = await fake.run("model", {"name": "GLM-5.2"})
    assert "GLM-5.2" in reply.embed["title"]


async def test_explicit_gateway_url_is_used(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    await start_bot(dispatcher, discord_gateway_url=fake.gateway_url)

    assert not fake.sent("GET", "/gateway/bot")  # no need to ask where the gateway is
    assert fake.gateway.identifies == 1


async def test_wrong_token_fails_to_start(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    with pytest.raises(discord.LoginFailure):
        await start_bot(dispatcher, discord_token="not-the-token")


async def test_gateway_refusing_the_token_fails_to_start(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    fake.gateway.token = "another-token"  # REST accepts the token, the gateway does not

    with pytest.raises(discord.ConnectionClosed) as closed:
        await start_bot(dispatcher)

    assert closed.value.code == 4004
