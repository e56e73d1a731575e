"""/timeline lists a score once per model, benchmark and report, not once per version row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.platforms import console
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply

Ask = Callable[..., Awaitable[Reply]]
ECI = Path(__file__).parents[1] / "data" / "feeds" / "epoch" / "epoch_capabilities_index.csv"
HEADER = ECI.read_text(encoding="utf-8").splitlines()[0]


async def console_import(dispatcher: Dispatcher, path: Path) -> None:
    """The console imports a file named by its path (chat commands need an attachment)."""
    assert await console.ask(dispatcher, f'/admin import file:"{path}"') == 0


def scores(reply: Reply) -> list[str]:
    return [line for line in reply.body.splitlines() if " score: " in line]


async def test_versions_with_one_score_make_one_line(
    ask: Ask, dispatcher: Dispatcher, capsys: pytest.CaptureFixture[str]
) -> None:
    await console_import(dispatcher, ECI)
    gpt = scores(await ask("/timeline GPT-5.4"))  # four Epoch versions, one score
    assert len(gpt) == 1 and "GPT-5.4 155.97 on ECI" in gpt[0], gpt
    deepseek = scores(await ask("/timeline DeepSeek"))
    v32 = [line for line in deepseek if "DeepSeek-V3.2 " in line]
    assert len(v32) == 1, deepseek


async def test_versions_that_differ_are_each_named(
    ask: Ask, dispatcher: Dispatcher, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        "kimi-k9-thinking,151.5,2026-11-20,Moonshot,China,,,Unverified,Kimi-K9,,Kimi K9 (thinking)",
        "kimi-k9-instant,140.25,2026-11-20,Moonshot,China,,,Unverified,Kimi-K9,,Kimi K9 (instant)",
    ]
    path = tmp_path / "epoch_capabilities_index.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    await console_import(dispatcher, path)
    lines = scores(await ask("/timeline Kimi-K9"))
    assert len(lines) == 2, lines
    assert any("151.5" in line and "kimi-k9-thinking" in line for line in lines), lines
    assert any("140.25" in line and "kimi-k9-instant" in line for line in lines), lines
