"""The slash-command tree, generated from the registry: one Discord command per registry command.

discord.py reads a command's options from its callback's signature, so each generated
callback carries a constructed `__signature__`; descriptions, renames, choices and
autocomplete are attached with discord.py's own public decorators.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import discord
from discord import app_commands

from commands.core.options import max_length
from commands.core.registry import Autocomplete, Command, Option, OptionType, Permission, Registry

MAX_DESCRIPTION = 100  # Discord's limit for command and option descriptions
MAX_CHOICES = 25  # Discord's limit for choices and autocomplete suggestions
MAX_NAME_LENGTH = 100  # Discord's limit for a choice's name and value

Callback = Callable[..., Coroutine[Any, Any, None]]
Completer = Callable[
    [discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]
AppItem = app_commands.Command[Any, ..., None] | app_commands.Group


class Responder(Protocol):
    """What the tree calls when an interaction arrives: run a command, or suggest names."""

    async def invoke(
        self, interaction: discord.Interaction, command: Command, options: dict[str, Any]
    ) -> None: ...

    async def suggest(self, kind: Autocomplete, typed: str) -> list[str]: ...


_RANK = (Permission.EVERYONE, Permission.CHANNEL_MANAGER, Permission.CURATOR)
DEFAULT_PERMISSIONS: dict[Permission, discord.Permissions | None] = {
    Permission.EVERYONE: None,
    Permission.CHANNEL_MANAGER: discord.Permissions(manage_channels=True),
    Permission.CURATOR: discord.Permissions(manage_guild=True),
}
"""Who sees a command in Discord's menu; only a hint, the dispatcher enforces rights."""


def build_tree(
    client: discord.Client, registry: Registry, responder: Responder
) -> app_commands.CommandTree[discord.Client]:
    """A tree with one top-level command or group per registry root."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    for root in registry.roots():
        tree.add_command(build_root(registry, root, responder))
    return tree


def build_root(registry: Registry, name: str, responder: Responder) -> AppItem:
    """A top-level command, or a group; hidden from members who lack the least right it needs,
    and offered only in servers when it needs a right (curator or channel manager)."""
    commands = registry.under((name,))
    item = _item(registry, (name,), None, responder)
    least = min((c.permission for c in commands), key=_RANK.index)
    item.default_permissions = DEFAULT_PERMISSIONS[least]
    if least is not Permission.EVERYONE:  # server roles and channels: nothing to do in a DM
        item.allowed_contexts = app_commands.AppCommandContext(guild=True)
        item.guild_only = True
    return item


def _item(
    registry: Registry,
    path: tuple[str, ...],
    parent: app_commands.Group | None,
    responder: Responder,
) -> AppItem:
    command = registry.get(path)
    if command is not None:
        if registry.is_group(path):
            raise ValueError(f"/{' '.join(path)} is both a command and a group; Discord allows one")
        return build_command(command, responder, parent)
    if len(path) > 2:
        raise ValueError(f"/{' '.join(path)}: Discord allows at most two levels of groups")
    group = app_commands.Group(name=path[-1], description=_short(registry.group_description(path)))
    children = sorted({c.path[len(path)] for c in registry.under(path)})
    for child in children:
        group.add_command(_item(registry, (*path, child), group, responder))
    return group


def build_command(
    command: Command, responder: Responder, parent: app_commands.Group | None = None
) -> app_commands.Command[Any, ..., None]:
    """One slash command whose options mirror the registry command's options."""
    names = {_python_name(option, i): option for i, option in enumerate(command.options)}

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        given = {names[key].name: value for key, value in values.items() if value is not None}
        await responder.invoke(interaction, command, given)

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    parameters += [_parameter(key, option) for key, option in names.items()]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback = _decorate(callback, names, responder)
    return app_commands.Command(
        name=command.path[-1],
        description=_short(command.description),
        callback=callback,
        parent=parent,
        extras={"path": command.path},
    )


def _decorate(callback: Callback, names: dict[str, Option], responder: Responder) -> Callback:
    """Descriptions, Discord names, choices and autocomplete, through discord.py's decorators."""
    callback = app_commands.describe(**{k: _short(o.description) for k, o in names.items()})(
        callback
    )
    renames = {k: o.name for k, o in names.items() if k != o.name}
    if renames:
        callback = app_commands.rename(**renames)(callback)
    choices = {
        k: [app_commands.Choice(name=c, value=c) for c in o.choices]
        for k, o in names.items()
        if o.choices and len(o.choices) <= MAX_CHOICES
    }
    if choices:
        callback = app_commands.choices(**choices)(callback)
    completers: dict[str, Any] = {
        k: _completer(o.autocomplete, responder)
        for k, o in names.items()
        if o.autocomplete is not None and k not in choices
    }
    if completers:
        callback = app_commands.autocomplete(**completers)(callback)
    return callback


def _completer(kind: Autocomplete, responder: Responder) -> Completer:
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await responder.suggest(kind, current)
        return [
            app_commands.Choice(name=n[:MAX_NAME_LENGTH], value=n[:MAX_NAME_LENGTH])
            for n in names[:MAX_CHOICES]
        ]

    return complete


def _parameter(key: str, option: Option) -> inspect.Parameter:
    default = inspect.Parameter.empty if option.required else None
    return inspect.Parameter(
        key, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(option), default=default
    )


def _annotation(option: Option) -> Any:
    """The Python type discord.py maps to the Discord option type (with its limits)."""
    if option.choices:
        return str
    kind = option.type
    if kind is OptionType.ATTACHMENT:
        return discord.Attachment
    if kind is OptionType.ROLE:
        return discord.Role
    if kind is OptionType.BOOLEAN:
        return bool
    if kind in (OptionType.NUMBER, OptionType.INTEGER):
        number = float if kind is OptionType.NUMBER else int
        if option.min_value is None and option.max_value is None:
            return number
        low = None if option.min_value is None else number(option.min_value)
        high = None if option.max_value is None else number(option.max_value)
        return app_commands.Range[number, low, high]
    return app_commands.Range[str, None, max_length(option)]


def _python_name(option: Option, index: int) -> str:
    name = option.name.replace("-", "_")
    if not name.isidentifier() or keyword.iskeyword(name) or name == "interaction":
        return f"option_{index}"
    return name


def _short(text: str) -> str:
    """A description within Discord's 100 characters (never empty)."""
    text = " ".join(text.split()) or "-"
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
