"""Every example in README.md runs as shown: the command table, the curator block, the
channel block, and the console transcript (its lines appear in the real output)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commands.core.caller import Caller, Platform
from commands.core.catalog import REGISTRY
from tests.support.world import Ask

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
TABLE = re.findall(r"^\| `(/[^`]+)` \|", README, re.MULTILINE)


def code_blocks(text: str) -> dict[str, list[str]]:
    """Fenced blocks' lines by their language (`` for a plain fence), in order."""
    blocks: dict[str, list[str]] = {}
    language: str | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            language = line[3:].strip() if language is None else None
        elif language is not None:
            blocks.setdefault(language, []).append(line)
    return blocks


BLOCKS = code_blocks(README)
COMMENT = re.compile(r"\s{2,}\(.*\)$")  # `/admin undo     (your last change; ...)`
LINES = [COMMENT.sub("", line) for line in BLOCKS[""] if line[:1] == "/"]
CURATOR_LINES = [line for line in LINES if line.startswith("/admin")]
CHANNEL_LINES = [line for line in LINES if not line.startswith("/admin")]
CHANNEL_MANAGER = Caller(
    platform=Platform.DISCORD,
    user_id="4000000000000000002",
    workspace_id="1000000000000000001",
    channel_id="2000000000000000001",
    is_channel_manager=True,
)


def test_the_readme_has_the_examples_this_test_reads() -> None:
    assert "/gap GLM-5.2 Opus-4.8" in TABLE and "/timeline GLM-5.2" in TABLE
    assert any(line.startswith("/admin score add") for line in CURATOR_LINES)
    assert any(line.startswith("/subscribe") for line in CHANNEL_LINES)


@pytest.mark.parametrize("line", TABLE)
async def test_each_command_in_the_table_answers(ask: Ask, line: str) -> None:
    reply = await ask(line)
    assert not reply.is_error, (line, reply.body)


async def test_the_curator_examples_run_in_order(ask: Ask) -> None:
    for line in CURATOR_LINES:
        reply = await ask(line)
        assert not reply.is_error, (line, reply.body)


async def test_the_channel_examples_run_in_a_channel(ask: Ask) -> None:
    for line in CHANNEL_LINES:
        reply = await ask(line, CHANNEL_MANAGER)
        assert not reply.is_error, (line, reply.body)


async def test_the_console_transcript_is_what_the_bot_prints(ask: Ask) -> None:
    command, *shown = BLOCKS["console"]
    line = command.removeprefix('$ scripts/run ask "').removesuffix('"')
    printed = (await ask(line)).plain_text().splitlines()
    for expected in shown:
        if expected != "...":
            assert expected in printed, expected


def test_the_command_table_and_blocks_show_every_command() -> None:
    shown = {tuple(line[1:].split()[:3]) for line in TABLE + LINES}
    missing = [
        command.name
        for command in REGISTRY
        if command.path[0] != "admin"
        and not any(words[: len(command.path)] == command.path for words in shown)
    ]
    assert not missing, f"README shows no example of: {missing}"
