"""Tab in the console: command names, then option names, then model and benchmark names."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from commands.core.dispatch import Dispatcher
from commands.core.registry import Command, Option, OptionType


class CommandCompleter(Completer):
    """Completes what the registry declares and the names the database knows."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.registry = dispatcher.registry

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Any]:
        return ()  # every completion needs the database: see get_completions_async

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        before = document.text_before_cursor
        words = before.lstrip().split()
        current = "" if before.endswith(" ") or not words else words[-1]
        done = words if current == "" else words[:-1]
        command, rest = self._command(done)
        if command is None:
            typed = current.lower() if done else "/" + current.lower().removeprefix("/")
            for word in self._next_words([w.lower() for w in done]):
                if word.startswith(typed):
                    yield Completion(word, -len(current))
            return
        name, sep, typed = current.partition(":")
        option = command.option(name.lower()) if sep else self._positional(command, rest)
        if not sep:
            for o in command.options:
                label = o.name if o.type is OptionType.BOOLEAN else f"{o.name}:"
                if current and label.startswith(current.lower()):
                    yield Completion(label, -len(current))
        if option is not None and option.autocomplete is not None:
            value = typed if sep else current
            for found in await self.dispatcher.suggest(option.autocomplete, value.strip('"'), 10):
                text = f'"{found}"' if " " in found else found
                yield Completion(text, -len(value))

    def _command(self, done: list[str]) -> tuple[Command | None, list[str]]:
        """The command the finished words name, and the words after it."""
        path: tuple[str, ...] = ()
        for i, word in enumerate(done):
            path = (*path, word.lower().removeprefix("/"))
            if command := self.registry.get(path):
                return command, done[i + 1 :]
        return None, []

    def _next_words(self, done: list[str]) -> list[str]:
        """Root commands (with their slash), or the subcommands under the words typed."""
        path = tuple(w.removeprefix("/") for w in done)
        if not path:
            return [f"/{root}" for root in self.registry.roots()]
        return sorted({c.path[len(path)] for c in self.registry.under(path)})

    @staticmethod
    def _positional(command: Command, rest: list[str]) -> Option | None:
        """The option the next bare word fills, counting bare words already typed."""
        named = {w.partition(":")[0].lower() for w in rest if ":" in w}
        free = [o for o in command.options if o.name not in named]
        bare = [w for w in rest if ":" not in w]
        return free[len(bare)] if len(bare) < len(free) else None
