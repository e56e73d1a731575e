"""Command declarations: each command is declared once, with its options and permission.

The Discord tree, the Slack handlers and manifest, the console and `/help` are all
generated from the one `REGISTRY` filled in by the command modules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Any

from commands.core.caller import Caller
from commands.core.reply import Reply

if TYPE_CHECKING:
    from storage.engine.db import Database


class OptionType(StrEnum):
    """What an option holds; front ends map it to their own typed inputs."""

    STRING = "string"  # a short text such as a name (at most 100 characters)
    TEXT = "text"  # a longer text such as a claim (at most 1000 characters)
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"  # YYYY-MM-DD, YYYY-MM or YYYY-Qn
    WINDOW = "window"  # a date range: 2027-Q1, 2026-11..2026-12
    SOURCE = "source"  # an http(s) URL or a citation
    COUNTRY = "country"  # ISO 3166 alpha-2
    ATTACHMENT = "attachment"  # a file the caller uploads
    ROLE = "role"  # who to notify: a Discord role, a Slack user group (its id), or `none`


class Autocomplete(StrEnum):
    """Which names a front end may offer while the caller types."""

    MODEL = "model"
    BENCHMARK = "benchmark"
    ORGANIZATION = "organization"


class Permission(StrEnum):
    """Who may run a command; the dispatcher enforces it whatever the platform shows."""

    EVERYONE = "everyone"
    CHANNEL_MANAGER = "channel_manager"
    CURATOR = "curator"


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    type: OptionType = OptionType.STRING
    required: bool = False
    choices: tuple[str, ...] = ()
    autocomplete: Autocomplete | None = None
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None  # text options: None takes the type's (options.max_length)


@dataclass(frozen=True)
class Request:
    """One call of a command: the caller, its converted options and the clock's now."""

    caller: Caller
    options: Mapping[str, Any]
    now: datetime
    command: Command

    def get(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value


Handler = Callable[[Request, "Database"], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    """A command or subcommand: `path` is `("gap",)` or `("admin", "score", "add")`."""

    path: tuple[str, ...]
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    permission: Permission = Permission.EVERYONE
    examples: tuple[str, ...] = ()
    slow: bool = False  # may take over ~2 s: front ends defer before running it

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def needs_channel(self) -> bool:
        """Channel managers' commands act on the channel they are typed in: not the console."""
        return self.permission is Permission.CHANNEL_MANAGER


@dataclass(frozen=True)
class Group:
    """A parent of subcommands (`/admin`, `/admin score`), described for help and manifests."""

    path: tuple[str, ...]
    description: str


class Registry:
    """All commands by path; filled by the `@REGISTRY.command(...)` decorator.

    The modules that declare the commands may also be named by root (`declare`) rather than
    imported up front: a lookup under a root imports that root's modules first, and listing
    every command imports them all. A process answering one command loads that one module.
    """

    def __init__(self) -> None:
        self._commands: dict[tuple[str, ...], Command] = {}
        self._groups: dict[tuple[str, ...], Group] = {}
        self._modules: dict[str, tuple[str, ...]] = {}

    def declare(self, modules: Mapping[str, tuple[str, ...]]) -> None:
        """The modules that declare the commands under each root name, imported when needed."""
        self._modules.update(modules)

    def _load(self, root: str | None = None) -> None:
        for name in list(self._modules) if root is None else [root]:
            for module in self._modules.pop(name, ()):
                import_module(module)

    def group(self, *path: str, description: str) -> None:
        self._groups[path] = Group(path, description)

    def command(
        self,
        *path: str,
        description: str,
        options: tuple[Option, ...] = (),
        permission: Permission = Permission.EVERYONE,
        examples: tuple[str, ...] = (),
        slow: bool = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if path in self._commands:
                raise ValueError(f"command /{' '.join(path)} declared twice")
            self._commands[path] = Command(
                path, description, handler, options, permission, examples, slow
            )
            return handler

        return register

    def __iter__(self) -> Iterator[Command]:
        self._load()
        return iter(sorted(self._commands.values(), key=lambda c: c.path))

    def get(self, path: tuple[str, ...]) -> Command | None:
        if path:
            self._load(path[0])
        return self._commands.get(path)

    def group_description(self, path: tuple[str, ...]) -> str:
        if path:
            self._load(path[0])
        group = self._groups.get(path)
        return group.description if group else " ".join(path)

    def roots(self) -> list[str]:
        """Top-level command names, each once, in order."""
        self._load()
        return sorted({c.path[0] for c in self._commands.values()})

    def under(self, prefix: tuple[str, ...]) -> list[Command]:
        """Every command whose path starts with `prefix`."""
        self._load(prefix[0] if prefix else None)
        found = [c for c in self._commands.values() if c.path[: len(prefix)] == prefix]
        return sorted(found, key=lambda c: c.path)

    def is_group(self, path: tuple[str, ...]) -> bool:
        return any(len(c.path) > len(path) for c in self.under(path))


REGISTRY = Registry()
