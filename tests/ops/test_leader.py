"""One scheduler leader among processes on one PostgreSQL (an advisory lock on a connection
of its own), replaced when its session dies or it stops; on SQLite the process leads."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import text

from bot.workers.leader import LEADER_PREFIX, Leadership, current_leader
from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.models import count_models


class FakeScheduler:
    def __init__(self, started: list[str], name: str) -> None:
        self.started, self.name, self.running = started, name, False

    async def start(self) -> None:
        self.running = True
        self.started.append(self.name)

    def shutdown(self) -> None:
        self.running = False


def leadership(db: Database, started: list[str], name: str) -> Leadership:
    return Leadership(db, lambda: FakeScheduler(started, name), retry=0.2, name=name)


async def until(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"no {what} within {seconds:.0f} s"
        await asyncio.sleep(0.02)


async def leaders(db: Database) -> list[str]:
    """Who holds the lock, as the server says (the lock's session is named for its holder)."""
    leader = await current_leader(db)
    return [] if leader is None else [leader]


async def test_on_sqlite_the_process_leads(db: Database) -> None:
    started: list[str] = []
    alone = leadership(db, started, "alone")
    await alone.start()
    assert alone.leading and alone.running and started == ["alone"]
    await alone.stop()
    assert not alone.leading and not alone.running


async def test_one_leader_and_a_new_one_when_its_session_dies(postgres: Database) -> None:
    started: list[str] = []
    first, second = leadership(postgres, started, "first"), leadership(postgres, started, "second")
    try:
        await first.start()
        await until(lambda: first.leading, "a leader")
        await second.start()
        await until(lambda: second.tries >= 3, "the second trying the lock")
        assert started == ["first"] and not second.leading and second.running
        assert await leaders(postgres) == ["first"]
        async with postgres.engine.begin() as conn:  # the leader's database session dies
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": LEADER_PREFIX + "first"},
            )
        assert killed == 1
        await until(lambda: second.leading, "a new leader", seconds=10)
        await until(lambda: not first.leading, "the old leader stepping down", seconds=10)
        tries = first.tries  # the old one tries again meanwhile, and must not get it
        await until(lambda: first.tries >= tries + 3, "the old leader trying again")
        assert started == ["first", "second"] and not first.leading
        assert await leaders(postgres) == ["second"]
    finally:
        for each in (first, second):
            await each.stop()


async def test_a_leader_that_stops_lets_go_at_once(postgres: Database) -> None:
    started: list[str] = []
    first = leadership(postgres, started, "first")
    await first.start()
    await until(lambda: first.leading, "a leader")
    await first.stop()
    assert await leaders(postgres) == []  # no pooled connection kept the lock
    second = leadership(postgres, started, "second")
    try:
        await second.start()
        await until(lambda: second.leading, "the next leader", seconds=10)
        assert second.tries == 1
    finally:
        await second.stop()


async def test_processes_starting_together_on_a_new_database_take_turns(
    postgres: Database,
) -> None:
    async with postgres.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    others = [Database(postgres.url) for _ in range(2)]
    try:
        async with asyncio.timeout(120):  # without turns, concurrent migrations may hang
            loaded = await asyncio.gather(*(prepare(db) for db in (postgres, *others)))
    finally:
        for db in others:
            await db.close()
    assert sorted(loaded) == [False, False, True]  # one migrated and seeded, once
    async with postgres.read() as conn:
        assert await count_models(conn) > 0
