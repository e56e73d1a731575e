"""The generated command tree, read as the JSON Discord receives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.platforms.discord.inspect import command_payload
from commands.core.catalog import REGISTRY
from commands.core.registry import Option, OptionType, Permission, Registry, Request
from commands.core.reply import Reply
from storage.engine.db import Database
from tests.support import toy

MANAGE_CHANNELS, MANAGE_GUILD = 16, 32


def find(payload: list[dict[str, Any]], *path: str) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = payload
    node: dict[str, Any] = {}
    for name in path:
        node = next(n for n in nodes if n["name"] == name)
        nodes = node.get("options", [])
    return node


def option(command: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in command["options"] if o["name"] == name)


async def nothing(_request: Request, _db: Database) -> Reply:
    return Reply()


def test_real_registry_options_are_typed_with_autocomplete() -> None:
    payload = command_payload(REGISTRY)

    gap = find(payload, "gap")
    assert [o["name"] for o in gap["options"]] == ["model_a", "model_b", "benchmark"]
    assert option(gap, "model_a") == option(gap, "model_a") | {
        "type": 3,
        "required": True,
        "autocomplete": True,
    }
    assert option(gap, "benchmark")["required"] is False
    board = find(payload, "leaderboard")
    assert (option(board, "open_only")["type"], option(board, "limit")["type"]) == (5, 4)
    add = find(payload, "admin", "score", "add")
    assert add["type"] == 1 and option(add, "value")["type"] == 10
    assert option(add, "benchmark")["autocomplete"] is True
    assert find(payload, "admin", "score")["type"] == 2


def test_admin_is_hidden_from_members_and_the_rest_is_not() -> None:
    payload = command_payload(REGISTRY)

    assert find(payload, "admin")["default_member_permissions"] == MANAGE_GUILD
    assert find(payload, "gap")["default_member_permissions"] is None
    assert find(payload, "leaderboard")["default_member_permissions"] is None


def test_toy_options_limits_choices_and_names() -> None:
    payload = command_payload(toy.TOY)

    echo = find(payload, "echo")
    assert option(echo, "words") == option(echo, "words") | {"type": 3, "max_length": 1000}
    assert option(echo, "open-only")["type"] == 5  # hyphenated names stay as declared
    assert (option(echo, "limit")["min_value"], option(echo, "limit")["max_value"]) == (1, 50)
    assert option(echo, "colour")["choices"] == [
        {"name": "red", "value": "red"},
        {"name": "green", "value": "green"},
    ]
    assert "autocomplete" not in option(echo, "colour")
    assert option(find(payload, "upload"), "file")["type"] == 11
    assert find(payload, "subscribe")["default_member_permissions"] == MANAGE_CHANNELS


def test_required_options_come_first_and_long_texts_are_cut() -> None:
    registry = Registry()
    registry.command(
        "long",
        description="x" * 150,
        options=(Option("later", "y" * 300), Option("first", "needed", required=True)),
    )(nothing)
    (command,) = command_payload(registry)

    assert [o["name"] for o in command["options"]] == ["first", "later"]
    assert len(command["description"]) == 100 and command["description"].endswith("…")
    assert len(option(command, "later")["description"]) == 100


def test_more_than_25_choices_become_a_free_text_option() -> None:
    registry = Registry()
    many = tuple(f"c{i}" for i in range(30))
    registry.command("pick", description="pick", options=(Option("c", "c", choices=many),))(nothing)
    (command,) = command_payload(registry)

    assert "choices" not in command["options"][0]


def test_a_group_shows_to_the_least_right_among_its_commands() -> None:
    registry = Registry()
    registry.command("digest", "set", description="d", permission=Permission.CHANNEL_MANAGER)(
        nothing
    )
    registry.command("digest", "show", description="d")(nothing)
    registry.command("mod", "a", description="d", permission=Permission.CHANNEL_MANAGER)(nothing)
    registry.command("mod", "b", description="d", permission=Permission.CURATOR)(nothing)
    payload = command_payload(registry)

    assert find(payload, "digest")["default_member_permissions"] is None
    assert find(payload, "mod")["default_member_permissions"] == MANAGE_CHANNELS


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        ((("a",), ("a", "b")), "both a command and a group"),
        ((("a", "b", "c", "d"),), "at most two levels"),
    ],
)
def test_shapes_discord_cannot_show_are_refused(
    paths: tuple[tuple[str, ...], ...], message: str
) -> None:
    registry = Registry()
    for path in paths:
        registry.command(*path, description="d")(nothing)

    with pytest.raises(ValueError, match=message):
        command_payload(registry)


def test_option_types_map_to_discord_types() -> None:
    registry = Registry()
    kinds = list(OptionType)
    registry.command("all", description="d", options=tuple(Option(k.value, "d", k) for k in kinds))(
        nothing
    )
    (command,) = command_payload(registry)

    types = {o["name"]: o["type"] for o in command["options"]}
    assert types == {
        "string": 3,
        "text": 3,
        "number": 10,
        "integer": 4,
        "boolean": 5,
        "date": 3,
        "window": 3,
        "source": 3,
        "country": 3,
        "attachment": 11,
        "role": 8,
    }


def test_commands_that_need_a_right_are_offered_only_in_servers() -> None:
    from bot.platforms.discord import inspect as discord_inspect

    registered = {c["name"]: c for c in json.loads(discord_inspect.registered_commands_json())}
    for name in ("admin", "subscribe", "unsubscribe", "subscriptions", "digest"):
        assert registered[name]["contexts"] == [0], name  # 0: GUILD only, never in DMs
        assert registered[name]["dm_permission"] is False, name
    for name in ("gap", "race", "help", "model"):
        assert registered[name].get("contexts") is None, name  # everywhere, DMs included
