"""Operator views of the Discord setup: the exact command JSON registered, and the invite URL."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import discord

from bot.platforms.discord.client import new_client
from bot.platforms.discord.tree import build_tree
from commands.core.registry import Autocomplete, Command, Registry

SCOPES = ("bot", "applications.commands")
PERMISSIONS = discord.Permissions(
    view_channel=True,  # see the channels it is asked to post alerts in
    send_messages=True,  # post alerts and digests
    embed_links=True,  # replies and alerts are embeds
    attach_files=True,  # /chart and digest charts are PNG attachments
)
"""Only what the bot uses: slash-command replies need no permission at all."""


class _NoResponder:
    """The tree's shape does not depend on who answers it."""

    async def invoke(
        self, interaction: discord.Interaction, command: Command, options: Any
    ) -> None:
        raise RuntimeError("inspection tree does not serve commands")

    async def suggest(self, kind: Autocomplete, typed: str) -> list[str]:
        return []


def command_payload(registry: Registry | None = None) -> list[dict[str, Any]]:
    """The list discord.py bulk-overwrites on sync (`[c.to_dict(tree) ...]`)."""
    if registry is None:
        from commands.core.catalog import REGISTRY

        registry = REGISTRY
    tree = build_tree(new_client(), registry, _NoResponder())
    return [command.to_dict(tree) for command in tree.get_commands()]


def registered_commands_json(registry: Registry | None = None) -> str:
    """`racewatch discord commands`: exactly what is registered with Discord, as JSON."""
    return json.dumps(command_payload(registry), indent=2, ensure_ascii=False)


def invite_url(application_id: str) -> str:
    """`racewatch discord invite`: the OAuth2 URL that adds the bot with its few permissions."""
    query = urlencode(
        {
            "client_id": application_id,
            "scope": " ".join(SCOPES),
            "permissions": str(PERMISSIONS.value),
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"
