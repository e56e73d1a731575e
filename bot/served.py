"""The dispatcher as the running process uses it: each command logged, counted and tracked.

One log line per command (command, platform, workspace, outcome, milliseconds) and the
command metrics. It also knows which tasks are answering a command right now, so a
stopping process can refuse new commands and wait for those in flight (their reply is
sent by the same task, after the dispatcher returns).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot import metrics
from commands.core.caller import Caller
from commands.core.dispatch import Dispatcher
from commands.core.errors import UserError
from commands.core.reply import Reply
from commands.core.textsyntax import resolve, split_line

log = logging.getLogger("bot.commands")

STOPPING = "Racewatch is restarting and takes no new commands; try again in a minute."
INCIDENT = "(incident "


class ServedDispatcher(Dispatcher):
    """A `Dispatcher` that logs and counts every command and can drain before a stop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = False
        self.in_flight: set[asyncio.Task[Any]] = set()

    async def run(self, path: tuple[str, ...], raw: Mapping[str, Any], caller: Caller) -> Reply:
        answer = super().run
        return await self._served(" ".join(path), caller, lambda: answer(path, raw, caller))

    async def run_line(self, line: str, caller: Caller) -> Reply:
        answer = super().run_line
        return await self._served(_command_of(self, line), caller, lambda: answer(line, caller))

    async def drain(self, seconds: float) -> int:
        """Refuse new commands and wait up to `seconds` for those in flight; returns how
        many were still running at the deadline."""
        self.stopping = True
        me = asyncio.current_task()
        running = {t for t in self.in_flight if not t.done() and t is not me}
        if not running:
            return 0
        _done, pending = await asyncio.wait(running, timeout=seconds)
        return len(pending)

    async def _served(
        self, name: str, caller: Caller, answer: Callable[[], Awaitable[Reply]]
    ) -> Reply:
        started = time.perf_counter()
        if self.stopping:
            reply, outcome = Reply.error(STOPPING), "busy"
        else:
            task = asyncio.current_task()
            if task is not None:
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
            reply = await answer()
            outcome = _outcome(reply)
        seconds = time.perf_counter() - started
        platform = caller.platform.value
        metrics.command_served(name or "?", platform, outcome, seconds)
        log.info(
            "command /%s on %s in workspace %s: %s in %d ms",
            name or "?",
            platform,
            caller.workspace_id or "-",
            outcome,
            round(seconds * 1000),
            extra={
                "fields": {
                    "command": name,
                    "platform": platform,
                    "workspace": caller.workspace_id,
                    "outcome": outcome,
                    "ms": round(seconds * 1000, 1),
                }
            },
        )
        return reply


def _outcome(reply: Reply) -> str:
    if not reply.is_error:
        return "ok"
    return "failed" if INCIDENT in reply.body else "refused"


def _command_of(dispatcher: Dispatcher, line: str) -> str:
    """The command a line names (`admin score add`), or "" when it names none."""
    try:
        command, _words = resolve(dispatcher.registry, split_line(line))
    except UserError:
        return ""
    return command.name
