"""A read-only database or a full disk: a clear message, nothing written, no traceback."""

import logging
import os
from typing import Any

import pytest
from sqlalchemy import event

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import NOW, Ask

WRITES = (
    "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/x",
    "/admin model add Kimi-K9 org:Anthropic",
)


async def _limit(db: Database, pragma: str) -> None:
    """Every new connection runs `pragma` (SQLite's own way to refuse writes)."""
    await db.engine.dispose()

    @event.listens_for(db.engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(pragma)
        cursor.close()
        dbapi_connection.commit()


@pytest.mark.parametrize("line", WRITES)
@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("PRAGMA query_only=ON", "The database is read-only just now"),
        ("PRAGMA max_page_count=1", "The database's disk is full"),
    ],
)
async def test_an_unwritable_database_is_said_plainly(
    ask: Ask, db: Database, caplog: pytest.LogCaptureFixture, line: str, pragma: str, message: str
) -> None:
    before = await snapshot(db)
    await _limit(db, pragma)
    with caplog.at_level(logging.ERROR):
        reply = await ask(line)
    assert reply.is_error and message in reply.body, reply.body
    assert "incident" not in reply.body
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert (await ask("/gap GLM-5.2 Opus-4.8")).title  # reads still work
    assert await snapshot(db) == before


URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")


@pytest.mark.skipif(not URL, reason="RACEWATCH_TEST_POSTGRES_URL is not set")
async def test_a_read_only_postgresql_is_said_plainly(postgres: Database) -> None:
    before = await snapshot(postgres)
    await _limit(postgres, "SET default_transaction_read_only = on")
    reply = await Dispatcher(postgres, FixedClock(NOW)).run_line(WRITES[0], CONSOLE_CALLER)
    assert reply.is_error and "The database is read-only just now" in reply.body, reply.body
    assert await snapshot(postgres) == before
