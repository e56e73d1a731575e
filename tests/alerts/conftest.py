"""Fixtures: the chat world (tests/support/chat.py) on the test's own database."""

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
