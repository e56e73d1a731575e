"""`/racewatch gap A B`: the one namespaced command reaches every command, rights included."""

from __future__ import annotations

from typing import Any

from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import CURATOR, READER, SCORE_ADD, row, texts


async def test_racewatch_gap_answers_like_gap(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    result = await slash.post("/racewatch", "gap GLM-5.2 Opus-4.8")
    assert result.status == 200
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    assert "GLM-5.2 (CN) vs Opus-4.8 (US)" in texts(message)
    assert row(message, "FrontierSWE")[1:4] == ["74.4", "75.1", "0.7"]


async def test_racewatch_alone_is_help_and_a_typo_gets_the_closest(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher)
    alone = await slash.post("/racewatch", "")
    [help_message] = await fake_slack.wait_for_responses(alone.response_url)
    assert "Racewatch commands" in texts(help_message)
    typo = await slash.post("/racewatch", "leaderbord FrontierSWE")
    [refusal] = await fake_slack.wait_for_responses(typo.response_url)
    assert refusal["response_type"] == "ephemeral"
    assert "Did you mean /leaderboard?" in texts(refusal)


async def test_racewatch_admin_keeps_the_curator_rule(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher, db: Database
) -> None:
    _front, slash = await start_slack(dispatcher)
    before = await snapshot(db)
    refused = await slash.post("/racewatch", f"admin {SCORE_ADD}", user_id=READER)
    [message] = await fake_slack.wait_for_responses(refused.response_url)
    assert "curators only" in texts(message)
    assert await snapshot(db) == before
    done = await slash.post("/racewatch", f"admin {SCORE_ADD}", user_id=CURATOR)
    [added] = await fake_slack.wait_for_responses(done.response_url)
    assert "GPT-5.5" in texts(added) and await snapshot(db) != before
