"""Shared fixtures: a prepared SQLite file per test, a fixed clock and a console-level `ask`."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.logs import CHATTY
from commands.core.caller import CONSOLE_CALLER, Caller
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.engine.setup import prepare
from tests.support.world import NOW, Ask

# The tests' answers are built on the articles alone: a new database (here, and in every
# `racewatch` the tests start) leaves out the bundled ECI file; tests/feeds/test_bundle.py
# starts with the full bundle. Nor do they poll the real feeds (tests/feeds use a fake).
os.environ["RACEWATCH_BUNDLED"] = "articles"
os.environ["RACEWATCH_FEEDS"] = "off"


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """A test that runs `racewatch` in this process (`bot.cli.main`) configures the process's
    logging: its handler writes to this test's captured stderr, closed after the test, where
    later tests' records would go. Put the root logger as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, seeded database file; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "racewatch.db"

    async def build() -> None:
        db = Database(f"sqlite:///{path}")
        await prepare(db, NOW)
        await db.close()

    asyncio.run(build())
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "racewatch.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{db_path}")
    yield database
    await database.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def dispatcher(db: Database, clock: FixedClock) -> Dispatcher:
    return Dispatcher(db, clock)


@pytest.fixture
def ask(dispatcher: Dispatcher) -> Ask:
    """`await ask("/gap GLM-5.2 Opus-4.8")` as the console curator, or `as_=MEMBER`."""

    async def run(line: str, as_: Caller = CONSOLE_CALLER) -> Reply:
        return await dispatcher.run_line(line, as_)

    return run


@pytest.fixture
async def postgres() -> AsyncIterator[Database]:
    """The PostgreSQL test database (RACEWATCH_TEST_POSTGRES_URL), emptied, migrated, seeded."""
    url = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("RACEWATCH_TEST_POSTGRES_URL is not set")
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await prepare(db, NOW)
    yield db
    await db.close()
    # A connection the test left open (a task still holding it, a close cut short) warns
    # when collected, and the warning fails the test: here, in the test that left it, rather
    # than at the end of the run, where the failure names no test.
    gc.collect()
