"""Replies fit a phone: tables at most about 56 characters wide, citations as numbered notes."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest

from bot.platforms.discord.render import render as discord_render
from bot.platforms.slack.render import render as slack_render
from commands.core.caller import Caller, Platform
from commands.core.catalog import REGISTRY
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import PHONE_WIDTH, Reply, format_table
from commands.feeds.bundle import prepare_bundled
from storage.engine.db import Database
from tests.support.world import MEMBER, NOW, Ask

SLACK = 4  # a little room: about 56 characters, as the issue puts it


@pytest.mark.parametrize(
    "line",
    [
        "/sources GLM-5.2",
        "/model GLM-5.2",
        "/forecasts",
        "/leaderboard FrontierSWE",
        "/gap GLM-5.2 Opus-4.8",
        "/benchmarks",
        "/models",
        "/gap CN US",
    ],
)
async def test_tables_fit_a_phone(ask: Ask, line: str) -> None:
    reply = await ask(line, MEMBER)
    assert reply.table is not None, reply.plain_text()
    widest = max(len(row) for row in format_table(reply.table).splitlines())
    assert widest <= PHONE_WIDTH + SLACK, (line, widest)


async def test_long_citations_become_numbered_notes(ask: Ask) -> None:
    await ask("/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/a-long-report")
    reply = await ask("/sources GLM-5.2 FrontierSWE", MEMBER)
    assert reply.table is not None
    refs = [row[-1] for row in reply.table.rows]
    assert sorted(refs) == ["[1]", "[2]"]
    notes = [line for line in reply.extra if line.startswith("[")]
    assert any("https://example.org/a-long-report (added by console:console)" in n for n in notes)
    assert any(n.startswith("[2] wallstreetcn") or n.startswith("[1] wallstreetcn") for n in notes)


async def test_forecast_claims_are_listed_under_a_narrow_table(ask: Ask) -> None:
    reply = await ask("/forecasts", MEMBER)
    assert reply.table is not None and reply.table.columns == ("#", "Who", "Window", "Status")
    assert any(
        line.startswith("#2 Elon Musk (said 2026-06-18): Chinese models") for line in reply.extra
    )
    assert ("2", "Elon Musk", "2027-Q1", "opens in 39 days") in reply.table.rows


def code_lines(text: str) -> list[str]:
    """The lines inside ``` fences: where a rendered reply shows a table in monospace."""
    return [line for block in text.split("```")[1::2] for line in block.splitlines()]


def table_lines(reply: Reply) -> dict[str, list[str]]:
    """Each table line as the console, Discord (description and field values) and Slack
    (every block's text) show it."""
    discord = discord_render(reply)
    embed = discord.embed.to_dict() if discord.embed is not None else {}
    texts = [embed.get("description", ""), *(f["value"] for f in embed.get("fields", []))]
    slack = json.dumps(slack_render(reply).blocks, ensure_ascii=False)
    slack_texts = re.findall(r'"text": "((?:[^"\\]|\\.)*)"', slack)
    console = reply.plain_text()
    lines = format_table(reply.table).splitlines() if reply.table is not None else []
    assert all(line in console for line in lines)
    return {
        "console": lines,
        "discord": [line for text in texts for line in code_lines(text)],
        "slack": [line for t in slack_texts for line in code_lines(json.loads(f'"{t}"'))],
    }


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database a first start makes, with the full bundle (Epoch's ECI: long names)."""
    path = tmp_path_factory.mktemp("full") / "racewatch.db"

    async def build() -> None:
        db = Database(f"sqlite:///{path}")
        assert await prepare_bundled(db, "full", NOW)
        await db.close()

    asyncio.run(build())
    return path


CHANNEL = Caller(
    platform=Platform.DISCORD,
    user_id="42",
    workspace_id="g1",
    channel_id="c1",
    is_curator=True,
    is_channel_manager=True,
)
MORE = (
    "/race ECI",
    "/leaderboard ECI limit:25",
    "/models country:CN",
    '/gap "Claude Opus 4.6" "Kimi K2.5"',
)


async def test_every_commands_tables_fit_a_phone(bundled: Path, tmp_path: Path) -> None:
    """Every command's examples (the ones /help and the README show), run in order as a
    curator in a channel, render no table line wider than PHONE_WIDTH anywhere."""
    shutil.copy(bundled, tmp_path / "racewatch.db")
    db = Database(f"sqlite:///{tmp_path / 'racewatch.db'}")
    dispatcher = Dispatcher(db, FixedClock(NOW))
    examples = [
        line
        for command in REGISTRY
        for line in command.examples
        if command.path != ("admin", "feed", "sync")  # it would reach the network
    ]
    too_wide: list[tuple[str, str, int, str]] = []
    tables = 0
    try:
        for line in ["/subscribe all", *examples, *MORE]:  # subscribed: /digest preview answers
            reply = await dispatcher.run_line(line, CHANNEL)
            tables += reply.table is not None
            for where, lines in table_lines(reply).items():
                too_wide += [(line, where, len(t), t) for t in lines if len(t) > PHONE_WIDTH]
    finally:
        await db.close()
    assert tables >= 15, tables  # the examples do show tables
    assert not too_wide, "\n".join(map(str, too_wide))
