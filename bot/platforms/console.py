"""The console front end: an interactive prompt and one-shot `ask`, replies printed as text."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from commands.core.caller import CONSOLE_CALLER
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply

HISTORY = Path.home() / ".racewatch_history"
PROMPT = "racewatch> "
BYE = {"quit", "exit", "/quit", "/exit"}
CODE_SPAN = re.compile(r"`([^`\n]*)`")


def render(reply: Reply, image_dir: Path) -> str:
    """The reply as text; an image is written next to the caller and its path printed."""
    text = CODE_SPAN.sub(r"\1", reply.plain_text())  # `code` is markup for chat, not a terminal
    if reply.image is not None:
        path = image_dir / reply.image.filename
        path.write_bytes(reply.image.data)
        text = text.replace(f"[image: {reply.image.filename}]", f"[image saved to {path}]")
    return text


async def ask(dispatcher: Dispatcher, line: str, image_dir: Path | None = None) -> int:
    """Run one command; print the reply (errors to stderr) and return the exit status."""
    reply = await dispatcher.run_line(line, CONSOLE_CALLER)
    print(render(reply, image_dir or Path.cwd()), file=sys.stderr if reply.is_error else sys.stdout)
    return 1 if reply.is_error else 0


async def console(dispatcher: Dispatcher) -> None:
    """A prompt with history; `quit` or Ctrl-D leaves. Without a terminal, reads stdin lines."""
    print("Racewatch console: you are a curator here. Type /help, or quit to leave.")
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if line.strip().lower() in BYE:
                break
            if line.strip():
                await ask(dispatcher, line)
        return
    await prompt_loop(dispatcher)


async def prompt_loop(dispatcher: Dispatcher, **session_options: Any) -> None:
    """Tab completes commands, options and names; Ctrl-C clears the line, Ctrl-D leaves."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    from bot.platforms.console_completion import CommandCompleter

    session: PromptSession[str] = PromptSession(
        history=session_options.pop("history", None) or FileHistory(str(HISTORY)),
        completer=CommandCompleter(dispatcher),
        complete_while_typing=False,
        **session_options,
    )
    while True:
        try:
            line = await session.prompt_async(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if line.strip().lower() in BYE:
            break
        if line.strip():
            await ask(dispatcher, line)
