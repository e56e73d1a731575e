"""The one entry every front end uses: check rights, convert options, run, catch errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from commands.core import catalog
from commands.core import lookup as names
from commands.core.caller import Caller
from commands.core.clock import Clock
from commands.core.errors import UserError
from commands.core.options import convert
from commands.core.registry import Autocomplete, Command, Permission, Registry, Request
from commands.core.reply import Reply
from commands.core.textsyntax import parse_options, resolve, split_line, usage
from storage.engine.db import Database
from storage.engine.unwritable import unwritable

log = logging.getLogger(__name__)

REFUSALS = {
    Permission.CURATOR: "/{name} is for curators only; nothing was changed. "
    "Curators are listed in the bot's configuration.",
    Permission.CHANNEL_MANAGER: "/{name} is for channel managers only "
    "(Manage Channels on Discord, workspace admins on Slack); nothing was changed.",
}


def allowed(command: Command, caller: Caller) -> bool:
    if command.permission is Permission.CURATOR:
        return caller.is_curator
    if command.permission is Permission.CHANNEL_MANAGER:
        return caller.is_channel_manager or caller.is_curator
    return True


class Dispatcher:
    """Runs commands from any front end against one database and clock."""

    def __init__(self, db: Database, clock: Clock, registry: Registry = catalog.REGISTRY) -> None:
        self.db = db
        self.clock = clock
        self.registry = registry

    async def run(self, path: tuple[str, ...], raw: Mapping[str, Any], caller: Caller) -> Reply:
        """Run the command at `path` with raw option values (typed or text)."""
        command = self.registry.get(path)
        if command is None:
            return Reply.error(f"There is no command /{' '.join(path)}. Try /help.")
        return await self._guarded(command, caller, lambda: self._convert(command, raw))

    async def run_line(self, line: str, caller: Caller) -> Reply:
        """Run one line of text syntax: `/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE`."""
        try:
            command, words = resolve(self.registry, split_line(line))
        except UserError as error:
            return Reply.error(error.message)
        return await self._guarded(
            command, caller, lambda: self._convert(command, parse_options(command, words))
        )

    async def suggest(self, kind: Autocomplete, typed: str, limit: int = 25) -> list[str]:
        """Names to offer while the caller types (autocomplete), best first."""
        async with self.db.read() as conn:
            return await names.suggest(conn, kind.value, typed, limit)

    def _convert(self, command: Command, raw: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for option in command.options:
            value = raw.get(option.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if option.required:
                    raise UserError(
                        f"/{command.name} needs `{option.name}`. Usage: {usage(command)}"
                    )
                continue
            values[option.name] = convert(option, value)
        unknown = set(raw) - {o.name for o in command.options}
        if unknown:
            raise UserError(
                f"/{command.name} has no option `{sorted(unknown)[0]}`. Usage: {usage(command)}"
            )
        return values

    async def _guarded(self, command: Command, caller: Caller, options: Any) -> Reply:
        if not allowed(command, caller):
            return Reply.error(REFUSALS[command.permission].format(name=command.name))
        try:
            request = Request(caller, options(), self.clock.now(), command)
            return await command.handler(request, self.db)
        except UserError as error:
            return Reply.error(error.message)
        except Exception as error:
            if (message := unwritable(error)) is not None:
                log.error("/%s by %s: %s (%s)", command.name, caller.actor, message, error)
                return Reply.error(message)
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s: /%s by %s failed", incident, command.name, caller.actor)
            return Reply.error(
                f"Sorry, something went wrong on our side (incident {incident}). "
                "Nothing was changed; the operators can look the incident up in the log."
            )
