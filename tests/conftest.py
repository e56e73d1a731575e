"""Shared fixtures: a prepared SQLite file per test, a fixed clock and a console-level `ask`."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.engine.schema import metadata
from storage.engine.setup import prepare

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MEMBER = Caller(Platform.CONSOLE, "member-1", "member", "w1", "c1")

Ask = Callable[..., Awaitable[Reply]]


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


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after to prove nothing was written."""
    async with db.read() as conn:
        return {
            name: sorted(
                tuple(map(str, row)) for row in await conn.execute(text(f"SELECT * FROM {name}"))
            )
            for name in metadata.tables
        }
