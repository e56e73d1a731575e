"""Read connections go back to the pool however the read ends."""

import asyncio

import pytest
from sqlalchemy import text

from storage.engine.db import Database
from tests.support.world import Ask


async def test_reads_return_their_connection_however_they_end(db: Database, ask: Ask) -> None:
    for line in ("/gap GLM-5.2 Opus-4.8", "/gap GLM-5.2 nosuchmodel", "/model GLM-5.2", "/race"):
        await ask(line)
    async with db.read() as conn:  # a read through SQLAlchemy's own execute (a transaction)
        assert (await conn.execute(text("SELECT count(*) FROM models"))).scalar_one() > 0
    with pytest.raises(RuntimeError):
        async with db.read() as conn:
            raise RuntimeError("the reader fails")

    async def cancelled_read() -> None:
        async with db.read() as conn:
            await conn.execute(text("SELECT 1"))
            await asyncio.sleep(10)

    task = asyncio.create_task(cancelled_read())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    reply = await ask("/gap GLM-5.2 Opus-4.8")  # the pool still serves good connections
    assert not reply.is_error
