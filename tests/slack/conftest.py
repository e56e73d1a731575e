"""Fixtures: a fake Slack on 127.0.0.1 and the real Slack front end pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.platforms.slack.frontend import SlackFrontEnd
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.registry import Registry
from storage.engine.db import Database
from tests.slack import toy
from tests.support.fakes.slack_requests import SlashCommandClient
from tests.support.fakes.slack_server import FakeSlack

SIGNING_SECRET = "fake-signing-secret-8f2e"
CURATOR = "U0CURATOR"
ADMIN = "U0ADMIN"
LISTED_MANAGER = "U0MANAGER"
READER = "U0READER"
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(READER, "reader")
        fake.add_user(CURATOR, "curator")
        fake.add_user(ADMIN, "admin", is_admin=True)
        fake.add_user(LISTED_MANAGER, "manager")
        yield fake


def slack_settings(fake: FakeSlack, *, socket_mode: bool = False, **extra: Any) -> Settings:
    """Settings as the operator would write them, pointed at the fake."""
    values: dict[str, Any] = {
        "slack_bot_token": fake.bot_token,
        "slack_api_base_url": fake.api_url,
        "slack_host": "127.0.0.1",
        "slack_port": 0,
        "slack_curator_ids": CURATOR,
        "slack_channel_manager_ids": LISTED_MANAGER,
    }
    if socket_mode:
        values["slack_app_token"] = fake.app_token
    else:
        values["slack_signing_secret"] = SIGNING_SECRET
    values |= extra
    return Settings(_env_file=None, **values)


StartSlack = Callable[..., Any]


@pytest.fixture
async def start_slack(
    fake_slack: FakeSlack,
) -> AsyncIterator[Callable[..., Any]]:
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


def toy_registry() -> Registry:
    return toy.TOY
