"""Fixtures: the chat world (tests/support/chat.py) on the test's own database; `any_chat`
runs a test on SQLite and again on PostgreSQL (skipped without RACEWATCH_TEST_POSTGRES_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.engine.db import Database
from tests.support.chat import Chat, open_chat


@pytest.fixture
async def chat(db: Database) -> AsyncIterator[Chat]:
    """Discord and Slack front ends on one database with the outbox hooks installed."""
    async with open_chat(db) as world:
        yield world


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The test's database on each engine the code supports."""
    db: Database = request.getfixturevalue("db" if request.param == "sqlite" else "postgres")
    return db


@pytest.fixture
async def any_chat(any_db: Database) -> AsyncIterator[Chat]:
    """The chat world on `any_db`."""
    async with open_chat(any_db) as world:
        yield world
