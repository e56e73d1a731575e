"""End to end in HTTP mode: signed slash commands, the real Bolt app, the fake's response_url."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from commands.core.catalog import REGISTRY
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import CURATOR, READER, SCORE_ADD, row, table_rows, texts


async def test_gap_arrives_signed_and_shows_scores_and_differences(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    result = await slash.post("/gap", "GLM-5.2 Opus-4.8")
    assert result.status == 200
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    assert "GLM-5.2 (CN) vs Opus-4.8 (US)" in texts(message)
    frontier = row(message, "FrontierSWE")
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


IMPORT_CSV = (
    b"model,organization,country,release_date,benchmark,score,source\n"
    b"Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/kimi\n"
)


async def test_curator_imports_a_file_linked_from_slack(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    link = fake_slack.add_file("scores.csv", IMPORT_CSV)
    result = await slash.post("/admin", f"import file:{link}", user_id=CURATOR)
    assert "Working on /admin import" in result.body
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel" and "added 1" in texts(message)
    [download] = fake_slack.calls_to("download")
    assert download.status == 200
    board = await slash.post("/leaderboard", "FrontierSWE")
    [ranking] = await fake_slack.wait_for_responses(board.response_url)
    assert table_rows(ranking)[2][1] == "Kimi-K9"


async def test_a_reader_cannot_make_the_bot_fetch_files(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher, db: Database
) -> None:
    _front, slash = await start_slack(dispatcher)
    before = await snapshot(db)
    link = fake_slack.add_file("scores.csv", IMPORT_CSV)
    result = await slash.post("/admin", f"import file:{link}", user_id=READER)
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "ephemeral" and "curators only" in texts(message)
    assert fake_slack.calls_to("files.info") == [] and fake_slack.calls_to("download") == []
    assert await snapshot(db) == before


async def test_a_missing_file_says_how_to_link_one(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    for reference in ("scores.csv", "https://racewatch.slack.com/files/U0/F99999999/x.csv"):
        result = await slash.post("/admin", f"import file:{reference}", user_id=CURATOR)
        [message] = await fake_slack.wait_for_responses(result.response_url)
        assert message["response_type"] == "ephemeral"
        assert "Copy link to file" in texts(message)


async def test_chart_is_acked_first_then_its_png_is_shared_in_the_channel(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    result = await slash.post("/chart", "FrontierSWE", channel_id="C0CHARTS")
    assert "Working on /chart" in result.body
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    await fake_slack.wait_for(lambda: fake_slack.calls_to("files.completeUploadExternal"))
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0CHARTS"
    [png] = fake_slack.state.uploads.values()
    assert png.startswith(b"\x89PNG")
