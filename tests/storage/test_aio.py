"""storage.engine.aio, our async layer over SQLAlchemy Core, behaves as sqlalchemy.ext.asyncio
does where Racewatch relies on it, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import InvalidRequestError

from storage.engine.aio import AsyncEngine, create_async_engine
from storage.engine.db import async_url


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A plain engine (not the Database's, whose SQLite reads run in autocommit)."""
    url = f"sqlite:///{tmp_path / 'aio.db'}"
    if request.param == "postgresql":
        url = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
        if not url:
            pytest.skip("RACEWATCH_TEST_POSTGRES_URL is not set")
    engine = create_async_engine(async_url(url))
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS aio_probe"))
    yield engine
    await engine.dispose()


async def probe(engine: AsyncEngine, rows: int = 0) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE aio_probe (n INTEGER NOT NULL)"))
        for n in range(rows):
            await conn.execute(text("INSERT INTO aio_probe (n) VALUES (:n)"), {"n": n})


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM aio_probe")) or 0)


async def test_begin_commits_at_the_end_and_rolls_back_on_an_error(engine: AsyncEngine) -> None:
    await probe(engine)
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO aio_probe (n) VALUES (1)"))
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO aio_probe (n) VALUES (2)"))
            raise RuntimeError("the writer fails")
    async with engine.connect() as conn, conn.begin() as transaction:
        await conn.execute(text("INSERT INTO aio_probe (n) VALUES (3)"))
        assert conn.in_transaction() and transaction.is_active
        await transaction.rollback()

    assert await count(engine) == 1
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_streamed_result_comes_in_partitions(engine: AsyncEngine) -> None:
    await probe(engine, rows=25)
    async with engine.begin() as conn:
        result = await conn.stream(text("SELECT n FROM aio_probe ORDER BY n"))
        parts = [[row[0] for row in part] async for part in result.partitions(10)]

    assert [len(part) for part in parts] == [10, 10, 5]
    assert [n for part in parts for n in part] == list(range(25))


async def test_options_driver_sql_and_sync_calls_reach_the_same_connection(
    engine: AsyncEngine,
) -> None:
    def backend(sync: Connection) -> object:
        return sync.get_execution_options().get("probe")

    async with engine.connect() as conn:
        assert await conn.execution_options(probe="set") is conn
        assert await conn.run_sync(backend) == "set"
        assert (await conn.exec_driver_sql("SELECT 41 + 1")).scalar_one() == 42
        raw = await conn.get_raw_connection()
        assert raw.driver_connection is not None
    assert conn.closed


async def test_a_connection_used_before_it_is_started_says_so(engine: AsyncEngine) -> None:
    conn = engine.connect()
    with pytest.raises(InvalidRequestError, match="not been started"):
        await conn.execute(text("SELECT 1"))
    assert await conn is conn
    await conn.close()


async def test_a_cancelled_block_still_returns_its_connection(engine: AsyncEngine) -> None:
    started = asyncio.Event()

    async def reader() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(reader())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
