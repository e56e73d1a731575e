"""Operator views: the registered-commands JSON and the invite URL."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import discord

from bot.platforms.discord.inspect import command_payload, invite_url, registered_commands_json
from commands.core.catalog import REGISTRY


def test_commands_json_lists_every_root_command() -> None:
    printed = json.loads(registered_commands_json())

    assert printed == command_payload(REGISTRY)
    assert sorted(c["name"] for c in printed) == REGISTRY.roots()
    assert all(c["type"] == 1 and 1 <= len(c["description"]) <= 100 for c in printed)


def test_invite_asks_for_the_two_scopes_and_only_what_the_bot_uses() -> None:
    url = urlsplit(invite_url("123456789012345678"))
    query = parse_qs(url.query)

    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, attach_files=True
    )
    assert not granted.administrator and not granted.manage_guild
