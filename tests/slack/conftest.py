"""Fixtures: a fake Slack on 127.0.0.1 and the real Slack front end pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.platforms.slack.frontend import SlackFrontEnd
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support import toy
from tests.support.fakes.slack_requests import SlashCommandClient
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import (
    ADMIN,
    CURATOR,
    LISTED_MANAGER,
    READER,
    SIGNING_SECRET,
    StartSlack,
    slack_settings,
)

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(READER, "reader")
        fake.add_user(CURATOR, "curator")
        fake.add_user(ADMIN, "admin", is_admin=True)
        fake.add_user(LISTED_MANAGER, "manager")
        yield fake


@pytest.fixture
async def start_slack(fake_slack: FakeSlack) -> AsyncIterator[StartSlack]:
    """`await start_slack(dispatcher, socket_mode=False)` -> (front end, slash client)."""
    started: list[SlackFrontEnd] = []

    async def start(
        dispatcher: Dispatcher, socket_mode: bool = False
    ) -> tuple[SlackFrontEnd, SlashCommandClient]:
        front = SlackFrontEnd(slack_settings(fake_slack, socket_mode=socket_mode), dispatcher)
        await front.start()
        started.append(front)
        url = "" if socket_mode else front.listen_url
        return front, SlashCommandClient(fake_slack, url, SIGNING_SECRET)

    yield start
    for front in started:
        await front.close()


@pytest.fixture
async def toy_dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    toy.RAN.clear()
    db = Database(f"sqlite:///{tmp_path}/toy.db")
    yield Dispatcher(db, FixedClock(NOW), registry=toy.TOY)
    await db.close()
