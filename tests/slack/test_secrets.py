"""Tokens and the signing secret never reach the logs, even at DEBUG."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import ADMIN, SIGNING_SECRET


async def test_no_secret_is_logged(
    fake_slack: FakeSlack,
    start_slack: Any,
    dispatcher: Dispatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    http, slash = await start_slack(dispatcher)
    result = await slash.post("/gap", "GLM-5.2 Opus-4.8", user_id=ADMIN)
    await fake_slack.wait_for_responses(result.response_url)
    await http.send("C0ALERTS", Reply(title="alert"))
    fake_slack.break_channel("C0GONE", "is_archived")
    with pytest.raises(Exception, match="archived"):
        await http.send("C0GONE", Reply(title="alert"))
    _socket, socket_slash = await start_slack(dispatcher, socket_mode=True)
    _ack, url = await socket_slash.socket("/race", "")
    await fake_slack.wait_for_responses(url)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "chat.postMessage" in logged  # the client did log its requests at DEBUG
    for secret in (fake_slack.bot_token, fake_slack.app_token, SIGNING_SECRET):
        assert secret not in logged
