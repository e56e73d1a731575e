"""Interactions the fake Discord injects, built from the registered commands, and their answers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes import discord_payloads as p

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, ROLE, NUMBER, ATTACHMENT = 3, 4, 5, 8, 10, 11
CHANNEL_MESSAGE, DEFERRED_MESSAGE, AUTOCOMPLETE_RESULT = 4, 5, 8
DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL = 6, 7, 9


@dataclass
class Posted:
    """A message the bot made: a channel message, an interaction response or a follow-up."""

    payload: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    ephemeral: bool = False

    @property
    def loading(self) -> bool:
        """A deferral's "thinking..." placeholder, not an answer yet."""
        return bool(int(self.payload.get("flags") or 0) & p.LOADING)

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed (tests about one embed read this)."""
        return self.embeds[0]

    def text(self) -> str:
        """Everything readable in the message, to search in."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(part for part in parts if part)


def command_data(
    commands: Sequence[dict[str, Any]],
    path: Sequence[str],
    values: dict[str, Any],
    base_url: str,
    focused: str | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """`data` of an INTERACTION_CREATE, typed by the registered command; plus uploaded bytes.
    A role option takes `(role_id, name)`, `(role_id, name, True)` for a mentionable role, or
    `(guild_id, "@everyone")` for @everyone."""
    root = next((c for c in commands if c["name"] == path[0]), None)
    if root is None:
        raise LookupError(f"/{path[0]} is not registered (have {[c['name'] for c in commands]})")
    node, wrappers = root, []
    for name in path[1:]:
        node = next((o for o in node.get("options", []) if o["name"] == name), {})
        if node.get("type") not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            raise LookupError(f"/{' '.join(path)} is not registered")
        wrappers.append(node)
    options, resolved, uploads = _options(node, values, base_url, focused)
    for wrapper in reversed(wrappers):
        options = [{"type": wrapper["type"], "name": wrapper["name"], "options": options}]
    data: dict[str, Any] = {"id": root["id"], "name": root["name"], "type": 1, "options": options}
    if root.get("guild_id"):
        data["guild_id"] = root["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data, uploads


def _options(
    node: dict[str, Any], values: dict[str, Any], base_url: str, focused: str | None
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, bytes]]:
    declared = {o["name"]: o for o in node.get("options", [])}
    options: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    for name, value in values.items():
        if name not in declared:
            raise LookupError(f"no option {name!r}; registered: {sorted(declared)}")
        kind = declared[name]["type"]
        option: dict[str, Any] = {"type": kind, "name": name}
        if name == focused:
            option.update(value=str(value), focused=True)
        elif kind == ATTACHMENT:
            filename, data = value
            attachment = p.attachment(base_url, filename, data)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            uploads[attachment["id"]] = data
            option["value"] = attachment["id"]
        elif kind == ROLE:
            role_id, role_name, *mentionable = value
            resolved.setdefault("roles", {})[role_id] = p.role(role_id, role_name, *mentionable)
            option["value"] = role_id
        else:
            option["value"] = _typed(kind, value)
        options.append(option)
    return options, resolved, uploads


def _typed(kind: int, value: Any) -> Any:
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    return str(value)


class InteractionRecord:
    """One injected interaction and everything the bot answered to it."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.id: str = payload["id"]
        self.token: str = payload["token"]
        self.callbacks: list[dict[str, Any]] = []
        self.original: Posted | None = None
        self.followups: list[Posted] = []
        self.deferred = False
        self.defer_ephemeral = False
        self.original_deleted = False
        self.source: InteractionRecord | None = None  # whose message was clicked (a click)
        self.modal: dict[str, Any] | None = None  # the modal the bot opened in answer
        self.updated = False  # the bot answered by updating the clicked message
        self._changed = asyncio.Condition()

    def visible(self) -> list[Posted]:
        """Messages the users can see now (a deferral's "thinking" placeholder excluded)."""
        shown = [] if self.original is None or self.original_deleted else [self.original]
        shown = [m for m in shown if not m.loading]
        return shown + self.followups

    async def reply(self, seconds: float = 10.0) -> Posted:
        """The latest visible answer, once there is one."""
        await self._wait(lambda: bool(self.visible()), seconds)
        return self.visible()[-1]

    async def choices(self, seconds: float = 10.0) -> list[dict[str, Any]]:
        """The autocomplete suggestions the bot answered with."""
        await self._wait(
            lambda: any(c["type"] == AUTOCOMPLETE_RESULT for c in self.callbacks), seconds
        )
        result = next(c for c in self.callbacks if c["type"] == AUTOCOMPLETE_RESULT)
        return list(result.get("data", {}).get("choices", []))

    async def _wait(self, ready: Any, seconds: float) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), seconds)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def on_callback(self, body: dict[str, Any], message: Posted | None) -> None:
        if self.callbacks:
            raise ValueError("interaction has already been acknowledged")
        self.callbacks.append(body)
        flags = int((body.get("data") or {}).get("flags") or 0)
        if body["type"] == DEFERRED_MESSAGE:
            self.deferred, self.defer_ephemeral = True, bool(flags & p.EPHEMERAL)
        if body["type"] == MODAL:
            self.modal = dict(body.get("data") or {})
        elif body["type"] == UPDATE_MESSAGE and message is not None and self.source is not None:
            self.updated = True
            await self.source.on_edit_original(message)
        elif message is not None:
            self.original = message
        await self._notify()

    async def answered(self, seconds: float = 10.0) -> None:
        """Until the bot acknowledged this interaction (an answer, an update, a modal)."""
        await self._wait(lambda: bool(self.callbacks), seconds)

    async def on_followup(self, message: Posted) -> Posted:
        """The first follow-up after a deferral replaces the placeholder and keeps its visibility."""
        original = self.original
        if (
            self.deferred
            and original is not None
            and original.loading
            and not self.original_deleted
        ):
            message.ephemeral = self.defer_ephemeral
            message.payload["id"] = original.payload["id"]
            self.original = message
            await self._notify()
            return message
        self.followups.append(message)
        await self._notify()
        return message

    async def on_edit_original(self, message: Posted) -> Posted:
        if self.original is not None:
            message.ephemeral = self.original.ephemeral
            message.payload["id"] = self.original.payload["id"]
        self.original = message
        await self._notify()
        return message

    async def on_delete_original(self) -> None:
        self.original_deleted = True
        await self._notify()
