"""The console prompt as a person uses it: Tab completes, Ctrl-C clears, Ctrl-D leaves."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.platforms.console import prompt_loop
from bot.platforms.console_completion import CommandCompleter
from commands.core.dispatch import Dispatcher


async def tab(dispatcher: Dispatcher, typed: str) -> list[str]:
    completer = CommandCompleter(dispatcher)
    document = Document(typed, len(typed))
    event = CompleteEvent(completion_requested=True)
    return [c.text async for c in completer.get_completions_async(document, event)]


async def test_tab_completes_commands_subcommands_and_options(dispatcher: Dispatcher) -> None:
    assert await tab(dispatcher, "/lea") == ["/leaderboard"]
    assert "/gap" in await tab(dispatcher, "")
    assert await tab(dispatcher, "/admin sc") == ["score"]
    assert "add" in await tab(dispatcher, "/admin score ")
    assert await tab(dispatcher, "/leaderboard FrontierSWE lim") == ["limit:"]
    assert "open_only" in await tab(dispatcher, "/leaderboard FrontierSWE o")


async def test_tab_completes_names_where_an_option_takes_one(dispatcher: Dispatcher) -> None:
    assert await tab(dispatcher, "/gap GLM") == ["GLM-5.2"]
    assert "Opus-4.8" in await tab(dispatcher, "/gap GLM-5.2 opu")
    assert await tab(dispatcher, "/gap GLM-5.2 Opus-4.8 benchmark:Front") == ["FrontierSWE"]
    assert await tab(dispatcher, "/race xyzzy") == []  # nothing resembles it: no padding


async def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(
    dispatcher: Dispatcher, capsys: pytest.CaptureFixture[str]
) -> None:
    with create_pipe_input() as keys:
        keys.send_text("/gap half typed\x03")  # Ctrl-C: the line goes, the console stays
        keys.send_text("/benchmarks\r")
        keys.send_text("\x04")  # Ctrl-D on an empty line: leave
        await prompt_loop(dispatcher, input=keys, output=DummyOutput(), history=InMemoryHistory())
    out = capsys.readouterr()
    assert "Benchmarks (3)" in out.out
    assert "half typed" not in out.out + out.err
