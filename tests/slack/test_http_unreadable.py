"""HTTP mode: a request Bolt cannot read gets 401 or 400, runs nothing and logs no traceback."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

import aiohttp
import pytest

from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import CURATOR, SIGNING_SECRET

BODY = f"command=%2Fadmin&text=undo&user_id={CURATOR}&team_id=T1&channel_id=C1".encode()


def _signed(body: bytes, stamp: str) -> dict[str, str]:
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


@pytest.mark.parametrize(
    ("stamp", "body", "status"),
    [
        ("abc", BODY, 401),
        ("1e99", BODY, 401),
        ("9" * 5000, BODY, 401),
        ("", BODY, 401),
        (None, b"command=%2Fgap&text=\xff\xfe" + BODY, 400),
    ],
)
async def test_an_unreadable_request_is_refused_and_runs_nothing(
    fake_slack: FakeSlack,
    start_slack: Any,
    dispatcher: Dispatcher,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    stamp: str | None,
    body: bytes,
    status: int,
) -> None:
    front, _slash = await start_slack(dispatcher)
    before, calls = await snapshot(db), len(fake_slack.state.calls)
    headers = _signed(body, str(int(time.time())) if stamp is None else stamp)
    with caplog.at_level(logging.WARNING):
        async with (
            aiohttp.ClientSession() as session,
            session.post(front.listen_url, data=body, headers=headers) as response,
        ):
            assert response.status == status, await response.text()
    assert await snapshot(db) == before
    assert len(fake_slack.state.calls) == calls
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
