"""The console front end: an interactive prompt and one-shot `ask`, replies printed as text."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any

from commands.core.caller import CONSOLE_CALLER
from commands.core.dispatch import Dispatcher
from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.core.registry import OptionType
from commands.core.reply import Reply
from commands.core.textsyntax import parse_options, resolve, split_line

HISTORY = Path.home() / ".racewatch_history"
PROMPT = "racewatch> "
BYE = {"quit", "exit", "/quit", "/exit"}
CODE_SPAN = re.compile(r"`([^`\n]*)`")
MAX_FILE = 64 * 1024 * 1024  # a guard on memory; commands set their own, lower limits


def render(reply: Reply, image_dir: Path) -> str:
    """The reply as text; an image is written next to the caller and its path printed."""
    text = CODE_SPAN.sub(r"\1", reply.plain_text())  # `code` is markup for chat, not a terminal
    if reply.image is not None:
        path = image_dir / reply.image.filename
        path.write_bytes(reply.image.data)
        text = text.replace(f"[image: {reply.image.filename}]", f"[image saved to {path}]")
    return text


def _read(path: str) -> Attachment:
    file = Path(path).expanduser()
    try:
        if file.stat().st_size > MAX_FILE:
            raise UserError(f"{file} is over {MAX_FILE // 1024 // 1024} MiB.")
        return Attachment(file.name, file.read_bytes())
    except OSError as error:
        raise UserError(f"Cannot read {file}: {error.strerror}.") from None


async def run_line(dispatcher: Dispatcher, line: str) -> Reply:
    """Run a line as the console's curator; a file option names a path on this machine."""
    try:
        command, words = resolve(dispatcher.registry, split_line(line))
    except UserError:
        return await dispatcher.run_line(line, CONSOLE_CALLER)  # it says what is wrong
    files = [o.name for o in command.options if o.type is OptionType.ATTACHMENT]
    if not files:
        return await dispatcher.run_line(line, CONSOLE_CALLER)
    try:
        raw: dict[str, Any] = dict(parse_options(command, words))
        for name in files:
            if raw.get(name):
                raw[name] = await asyncio.to_thread(_read, str(raw[name]))
    except UserError as error:
        return Reply.error(error.message)
    return await dispatcher.run(command.path, raw, CONSOLE_CALLER)


async def ask(dispatcher: Dispatcher, line: str, image_dir: Path | None = None) -> int:
    """Run one command; print the reply (errors to stderr) and return the exit status."""
    reply = await run_line(dispatcher, line)
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
