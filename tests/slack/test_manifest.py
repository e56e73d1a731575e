"""The app manifest: a shape Slack accepts, every command, only the scopes used, both modes."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

from bot.platforms.slack.manifest import BOT_SCOPES, manifest_yaml
from commands.core.catalog import REGISTRY
from commands.core.registry import Option, Registry, Request
from commands.core.reply import Reply
from storage.engine.db import Database

_TEXT = {"type": "string", "minLength": 1}
SLASH_COMMAND = {
    "type": "object",
    "required": ["command", "description"],
    "additionalProperties": False,
    "properties": {
        "command": {"type": "string", "pattern": "^/[a-z0-9_-]{1,31}$"},
        "description": {"type": "string", "minLength": 1, "maxLength": 2000},
        "usage_hint": {"type": "string", "maxLength": 1000},
        "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "should_escape": {"type": "boolean"},
    },
}
# Required fields and limits from Slack's app manifest reference (reference/manifests).
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["display_information", "features", "oauth_config", "settings"],
    "properties": {
        "_metadata": {"type": "object", "properties": {"major_version": {"type": "integer"}}},
        "display_information": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 35},
                "description": {"type": "string", "maxLength": 140},
                "background_color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
            },
        },
        "features": {
            "type": "object",
            "required": ["bot_user", "slash_commands"],
            "properties": {
                "bot_user": {
                    "type": "object",
                    "required": ["display_name"],
                    "properties": {
                        "display_name": {**_TEXT, "maxLength": 80},
                        "always_online": {"type": "boolean"},
                    },
                },
                "slash_commands": {"type": "array", "maxItems": 50, "items": SLASH_COMMAND},
            },
        },
        "oauth_config": {
            "type": "object",
            "required": ["scopes"],
            "properties": {
                "scopes": {
                    "type": "object",
                    "required": ["bot"],
                    "properties": {"bot": {"type": "array", "items": _TEXT, "uniqueItems": True}},
                }
            },
        },
        "settings": {
            "type": "object",
            "required": ["socket_mode_enabled"],
            "properties": {
                "socket_mode_enabled": {"type": "boolean"},
                "interactivity": {
                    "type": "object",
                    "required": ["is_enabled"],
                    "properties": {
                        "is_enabled": {"type": "boolean"},
                        "request_url": {"type": "string", "pattern": "^https://"},
                        "message_menu_options_url": {"type": "string", "pattern": "^https://"},
                    },
                    "additionalProperties": False,
                },
                "org_deploy_enabled": {"type": "boolean"},
                "token_rotation_enabled": {"type": "boolean"},
            },
        },
    },
}
HTTP_URL = "https://racewatch.example.org/slack/events"


def load(
    request_url: str | None = None, registry: Registry | None = None, *, top_level: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(manifest_yaml(request_url, registry, top_level=top_level))
    jsonschema.validate(data, MANIFEST_SCHEMA)
    return data


def test_by_default_one_namespaced_command_holds_them_all() -> None:
    commands = load()["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/racewatch"]
    assert "gap" in commands[0]["usage_hint"] and "leaderboard" in commands[0]["usage_hint"]


def test_socket_mode_manifest_has_every_root_command() -> None:
    data = load(top_level=True)
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["settings"]["interactivity"] == {"is_enabled": True}
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert sorted(commands) == sorted(["/racewatch", *(f"/{root}" for root in REGISTRY.roots())])
    assert "/gap" in commands and "/admin" in commands
    assert all("url" not in c for c in commands.values())
    assert "model_a" in commands["/gap"]["usage_hint"]
    assert "score add" in commands["/admin"]["usage_hint"]


def test_http_mode_manifest_points_every_command_at_the_request_url() -> None:
    data = load(HTTP_URL)
    assert data["settings"]["socket_mode_enabled"] is False
    assert {c["url"] for c in data["features"]["slash_commands"]} == {HTTP_URL}
    # the review queue's buttons and forms come back to the same URL
    assert data["settings"]["interactivity"] == {"is_enabled": True, "request_url": HTTP_URL}


def test_only_the_scopes_the_code_uses() -> None:
    assert load()["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    # channels:read and groups:read: /subscribe asks conversations.info whether the bot is a
    # member of the (public or private) channel before it subscribes it. channels:history
    # and groups:history: a retried alert looks for its earlier try's message first.
    assert set(BOT_SCOPES) == {
        "commands",
        "chat:write",
        "files:write",
        "files:read",
        "users:read",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
    }


def test_schema_rejects_a_broken_manifest() -> None:
    data = load()
    del data["features"]["slash_commands"][0]["description"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, MANIFEST_SCHEMA)


def test_long_descriptions_and_hints_are_clipped_to_slack_limits() -> None:
    registry = Registry()

    async def handler(_request: Request, _db: Database) -> Reply:
        return Reply()

    options = tuple(Option(f"option_{i:03d}_" + "x" * 20, "") for i in range(60))
    registry.command("wordy", description="d" * 5000, options=options)(handler)
    [_, command] = load(registry=registry, top_level=True)["features"]["slash_commands"]
    assert len(command["description"]) == 2000 and len(command["usage_hint"]) == 1000
