"""The Slack app manifest (YAML) that creates the app, with every command, in one step."""

from __future__ import annotations

from typing import Any

import yaml

from commands.core.registry import Command, Registry
from commands.core.textsyntax import usage

APP_NAME = "Racewatch"
NAMESPACE = "racewatch"  # `/racewatch gap A B`: the one command every workspace gets
APP_DESCRIPTION = "Keeps score in the AI race between frontier labs, above all the US and China."
BOT_SCOPES = (
    "commands",  # the slash commands
    "chat:write",  # alerts and digests posted by send()
    "files:write",  # /chart images (files_upload_v2)
    "files:read",  # /admin import: the file a curator uploaded and linked (files.info)
    "users:read",  # users.info: is the caller a workspace admin or owner?
    "channels:read",  # conversations.info: is the bot in a public channel /subscribe names?
    "groups:read",  # ... and in a private one
    "channels:history",  # conversations.history: did an alert's unanswered post land?
    "groups:history",  # ... in a private channel
)
MAX_DESCRIPTION = 2000
MAX_USAGE_HINT = 1000


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _usage_hint(registry: Registry, root: str) -> str:
    """`model_a model_b [benchmark]`, or the subcommands of a group (`model add | score add`)."""
    command = registry.get((root,))
    if command is not None and not registry.is_group((root,)):
        return usage(command).removeprefix(f"/{root}").strip()
    subcommands = [" ".join(c.path[1:]) for c in registry.under((root,))]
    return " | ".join(subcommands)


def _description(registry: Registry, root: str) -> str:
    command: Command | None = registry.get((root,))
    if command is not None and not registry.is_group((root,)):
        return command.description
    return registry.group_description((root,))


def _slash_command(registry: Registry, root: str, request_url: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "command": f"/{root}",
        "description": _clip(_description(registry, root), MAX_DESCRIPTION),
    }
    hint = _usage_hint(registry, root)
    if hint:
        entry["usage_hint"] = _clip(hint, MAX_USAGE_HINT)
    if request_url:
        entry["url"] = request_url
    entry["should_escape"] = False
    return entry


def _namespace_command(registry: Registry, request_url: str | None) -> dict[str, Any]:
    """`/racewatch gap GLM-5.2 Opus-4.8`: one command holding every other (no name clashes)."""
    entry: dict[str, Any] = {
        "command": f"/{NAMESPACE}",
        "description": "Keeps score in the AI race, US vs China: /racewatch help lists it all",
        "usage_hint": _clip(" | ".join(registry.roots()), MAX_USAGE_HINT),
    }
    if request_url:
        entry["url"] = request_url
    entry["should_escape"] = False
    return entry


def manifest(
    registry: Registry, request_url: str | None = None, *, top_level: bool = False
) -> dict[str, Any]:
    """The manifest as a dict: Socket Mode by default, HTTP mode when a request URL is given.

    By default one namespaced command, `/racewatch` (as the GitHub app does: `/help` or
    `/model` would collide with other apps); `top_level` also declares `/gap`, `/race`...
    """
    commands = [_namespace_command(registry, request_url)]
    if top_level:
        commands += [_slash_command(registry, root, request_url) for root in registry.roots()]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": APP_NAME,
            "description": APP_DESCRIPTION,
            "background_color": "#1d2330",
        },
        "features": {
            "bot_user": {"display_name": APP_NAME, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "interactivity": _interactivity(request_url),  # buttons and modals
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def _interactivity(request_url: str | None) -> dict[str, Any]:
    """On, with the same Request URL as the commands in HTTP mode (none in Socket Mode)."""
    return {"is_enabled": True, **({"request_url": request_url} if request_url else {})}


def manifest_yaml(
    request_url: str | None = None, registry: Registry | None = None, *, top_level: bool = False
) -> str:
    """What `racewatch slack manifest [--request-url URL] [--top-level-commands]` prints."""
    if registry is None:
        from commands.core.catalog import REGISTRY

        registry = REGISTRY
    return yaml.safe_dump(
        manifest(registry, request_url, top_level=top_level),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
