"""End to end in Socket Mode: the real Bolt handler on a websocket served by the fake Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot.platforms.slack.frontend import SlackFrontEnd, SlackStartError
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import CURATOR, READER, SCORE_ADD, row, slack_settings, texts


async def test_socket_mode_connects_with_the_app_token(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    front, _slash = await start_slack(dispatcher, socket_mode=True)
    await fake_slack.socket.wait_connected()
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.status == 200
    assert opened.headers["Authorization"] == f"Bearer {fake_slack.app_token}"
    assert front.port is None  # no HTTP listener in Socket Mode


async def test_gap_over_socket_mode_is_acked_and_answered(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(dispatcher, socket_mode=True)
    ack, response_url = await slash.socket("/gap", 'glm5.2 "claude opus 4.8"')
    assert ack["envelope_id"] in fake_slack.socket.acks
    [message] = await fake_slack.wait_for_responses(response_url)
    assert message["response_type"] == "in_channel"
    frontier = row(message, "FrontierSWE")
    assert frontier[1:4] == ["74.4", "75.1", "0.7"]


async def test_admin_over_socket_mode_checks_the_curator_list(
    fake_slack: FakeSlack, start_slack: Any, dispatcher: Dispatcher, db: Database
) -> None:
    _front, slash = await start_slack(dispatcher, socket_mode=True)
    before = await snapshot(db)
    _ack, refused_url = await slash.socket("/admin", SCORE_ADD, user_id=READER)
    [refused] = await fake_slack.wait_for_responses(refused_url)
    assert refused["response_type"] == "ephemeral" and "curators only" in texts(refused)
    assert await snapshot(db) == before
    _ack, added_url = await slash.socket("/admin", SCORE_ADD, user_id=CURATOR)
    [added] = await fake_slack.wait_for_responses(added_url)
    assert added["response_type"] == "in_channel"
    assert await snapshot(db) != before


async def test_refused_tokens_fail_fast_and_name_the_setting(
    fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    bad_bot = slack_settings(fake_slack, socket_mode=True, slack_bot_token="xoxb-revoked")
    bad_app = slack_settings(fake_slack, socket_mode=True, slack_app_token="xapp-revoked")
    for settings, name in ((bad_bot, "SLACK_BOT_TOKEN"), (bad_app, "SLACK_APP_TOKEN")):
        front = SlackFrontEnd(settings, dispatcher)
        with pytest.raises(SlackStartError, match=f"Slack refused {name}: invalid_auth") as raised:
            await front.start()
        assert "revoked" not in str(raised.value)
        await front.close()
    assert fake_slack.socket.connections == []
