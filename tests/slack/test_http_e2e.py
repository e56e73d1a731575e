"""End to end in HTTP mode: signed slash commands, the real Bolt app, the fake's response_url."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from commands.catalog import REGISTRY
from commands.dispatch import Dispatcher
from storage.db import Database
from tests.conftest import snapshot
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import CURATOR, READER
from tests.slack.test_handlers_toy import texts

SCORE_ADD = "score add GPT-5.5 FrontierSWE 76.5 source:https://example.org/gpt date:2026-11-20"


def table_rows(message: dict[str, Any]) -> list[list[str]]:
    """The monospace table's rows as cells (columns are separated by two or more spaces)."""
    rows: list[list[str]] = []
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "")
        if text.startswith("```"):
            rows += [line.split() for line in text.strip("`\n").split("\n")]
    return rows


async def test_gap_arrives_signed_and_shows_scores_and_differences(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    result = await slash.post("/gap", "GLM-5.2 Opus-4.8")
    assert result.status == 200
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    assert "GLM-5.2 (CN) vs Opus-4.8 (US)" in texts(message)
    frontier = next(r for r in table_rows(message) if r[0] == "FrontierSWE")
    assert frontier[1:4] == ["74.4", "75.1", "0.7"]
    assert "GLM-5.2" in message["text"]  # the plain-text fallback carries the reply too


@pytest.mark.parametrize("forgery", [{"secret": "guessed-secret"}, {"timestamp": 1_600_000_000}])
async def test_forged_or_stale_signature_gets_401_and_changes_nothing(
    fake_slack: FakeSlack,
    start_slack: Any,
    dispatcher: Dispatcher,
    db: Database,
    forgery: dict[str, Any],
) -> None:
    _front, slash = await start_slack(dispatcher)
    before, calls = await snapshot(db), len(fake_slack.state.calls)
    result = await slash.post("/admin", SCORE_ADD, user_id=CURATOR, **forgery)
    assert result.status == 401
    assert await snapshot(db) == before
    assert fake_slack.responses(result.response_url) == []
    assert len(fake_slack.state.calls) == calls  # refused before the app asked Slack anything


async def test_non_curator_admin_is_refused_ephemerally_and_nothing_changes(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher, db: Database
) -> None:
    _front, slash = await start_slack(dispatcher)
    before = await snapshot(db)
    result = await slash.post("/admin", SCORE_ADD, user_id=READER)
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "ephemeral"
    assert "curators only" in texts(message)
    assert await snapshot(db) == before


async def test_curator_score_add_lands_and_shows_in_the_leaderboard(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    added = await slash.post("/admin", SCORE_ADD, user_id=CURATOR)
    [confirmation] = await fake_slack.wait_for_responses(added.response_url)
    assert confirmation["response_type"] == "in_channel", texts(confirmation)
    board = await slash.post("/leaderboard", "FrontierSWE", user_id=READER)
    [message] = await fake_slack.wait_for_responses(board.response_url)
    first = table_rows(message)[2]
    assert first[:2] == ["1", "GPT-5.5"] and first[-1] == "76.5"


@pytest.mark.parametrize("command", list(REGISTRY), ids=lambda c: c.name)
async def test_every_command_is_served(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher, command: Any
) -> None:
    _front, slash = await start_slack(dispatcher)
    example = command.examples[0] if command.examples else f"/{command.name}"
    root, _, rest = example.partition(" ")
    assert shlex.split(example)  # examples are valid text syntax
    result = await slash.post(root, rest, user_id=CURATOR)
    assert result.status == 200
    [message] = await fake_slack.wait_for_responses(result.response_url)
    shown = texts(message)
    assert "something went wrong" not in shown and "no command" not in shown.lower()
    assert "no subcommand" not in shown and "Usage:" not in shown, shown
