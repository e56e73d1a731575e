"""One outbox, several workers: a commit that owes a message wakes a worker at once
(LISTEN/NOTIFY on PostgreSQL, heard again after its connection drops; an in-process signal
on SQLite), and a live worker keeps its rows by its heartbeat while a dead one's go to
another within one lease."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import text

from bot.workers.delivery import SHARED_LEASE, DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import Clock, FixedClock, SystemClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.outbox import deliveries as outbox
from storage.outbox import wakeup
from tests.support.world import NOW

NEVER = 3600.0  # the workers' poll: only a wake-up can deliver within a test


class Recorder:
    """A front end's `send`: records the channel, answers at once."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(
        self,
        channel_id: str,
        reply: Reply,
        *,
        nonce: str | None = None,
        since: datetime | None = None,
    ) -> str:
        self.sent.append(channel_id)
        return str(len(self.sent))


async def until(check: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Poll `check` (a wake-up that never comes fails here, not by hanging the suite)."""
    deadline = time.monotonic() + 30
    while True:
        result = check()
        if await result if isinstance(result, Awaitable) else result:
            return
        assert time.monotonic() < deadline, f"no {what} within 30 s"
        await asyncio.sleep(0.02)


async def subscribe(db: Database, channel: str, clock: Clock) -> None:
    manager = Caller(
        platform=Platform.DISCORD,
        user_id="7",
        workspace_id="1000",
        channel_id=channel,
        is_channel_manager=True,
    )
    reply = await Dispatcher(db, clock).run_line("/subscribe scores", manager)
    assert not reply.is_error, reply.body


async def add_score(db: Database, score: float, clock: Clock) -> None:
    line = f"/admin score add GLM-5.2 FrontierSWE {score} source:https://example.org/s{score}"
    reply = await Dispatcher(db, clock).run_line(line, CONSOLE_CALLER)
    assert not reply.is_error, reply.body


async def all_sent(db: Database) -> bool:
    async with db.read() as conn:
        return set(await outbox.count_by_status(conn)) == {"sent"}


async def wakes_at_once(
    worker_db: Database, writer_db: Database, between: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Two alerts written through `writer_db` reach a worker on `worker_db` that never polls
    (`between` runs after the first has been sent)."""
    for db in {worker_db, writer_db}:
        handlers.install(db)
    recorder = Recorder()
    worker = DeliveryWorker(worker_db, {"discord": recorder}, poll=NEVER)
    await subscribe(writer_db, "c1", SystemClock())
    async with wakeup.wake_on_commit(worker_db, worker.wake):
        await worker.start(settle=0)
        try:
            await add_score(writer_db, 76.0, SystemClock())
            await until(lambda: len(recorder.sent) == 1, "first alert")
            await until(lambda: all_sent(worker_db), "first alert recorded")
            if between is not None:
                await between()
            await add_score(writer_db, 76.5, SystemClock())
            await until(lambda: len(recorder.sent) == 2, "second alert")
        finally:
            await worker.stop()
    assert recorder.sent == ["c1", "c1"]


async def test_a_commit_wakes_the_worker_at_once_on_sqlite(db: Database) -> None:
    await wakes_at_once(db, db)


async def test_a_commit_in_another_process_wakes_the_worker_on_postgresql(
    postgres: Database,
) -> None:
    other = Database(postgres.url)  # another process's engine
    try:
        await wakes_at_once(postgres, other)
    finally:
        await other.close()


async def test_the_listener_listens_again_after_its_connection_drops(postgres: Database) -> None:
    other = Database(postgres.url)

    async def cut_the_listener() -> None:
        async with other.engine.begin() as conn:
            cut = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'racewatch outbox listener' AND datname = current_database()"
                )
            )
        assert cut == 1

    try:
        await wakes_at_once(postgres, other, between=cut_the_listener)
    finally:
        await other.close()


async def test_a_live_worker_keeps_its_rows_a_dead_ones_go_to_another(
    db: Database, clock: FixedClock
) -> None:
    handlers.install(db)
    for channel in ("c-dead", "c-live"):
        await subscribe(db, channel, clock)
    await add_score(db, 76.0, clock)
    for holder in ("other-host:1:1", "live"):  # each claims one row at NOW
        async with db.write("test", "claim", NOW) as change:
            taken = await outbox.claim(
                change.conn,
                platforms=["discord"],
                worker=holder,
                now=NOW,
                lease_until=NOW + SHARED_LEASE,
                limit=1,
            )
            assert len(taken) == 1
    live = DeliveryWorker(db, {"discord": Recorder()}, clock, name="live", lease=SHARED_LEASE)
    clock.advance(SHARED_LEASE * 0.8)
    assert await live.renew_leases() == 1  # its heartbeat; the other host's has stopped
    clock.advance(SHARED_LEASE * 0.3)  # past the dead one's lease, within the live one's
    recorder = Recorder()
    other = DeliveryWorker(db, {"discord": recorder}, clock, name="b", lease=SHARED_LEASE)
    assert await other.run_once() == 1
    assert recorder.sent == ["c-dead"]


async def test_claims_on_postgresql_skip_the_rows_another_claim_holds(postgres: Database) -> None:
    handlers.install(postgres)
    clock = FixedClock(NOW)
    for channel in ("c1", "c2", "c3"):
        await subscribe(postgres, channel, clock)
    await add_score(postgres, 76.0, clock)

    async def claim(conn: AsyncConnection, worker: str, limit: int) -> list[str]:
        taken = await outbox.claim(
            conn,
            platforms=["discord"],
            worker=worker,
            now=NOW,
            lease_until=NOW + SHARED_LEASE,
            limit=limit,
        )
        return [sub.channel_id for _delivery, sub in taken]

    async with postgres.write("test", "claim", NOW) as first:  # not committed yet
        assert await claim(first.conn, "a", 1) == ["c1"]
        async with asyncio.timeout(10):  # a plain FOR UPDATE would wait for the first
            async with postgres.write("test", "claim", NOW) as second:
                assert await claim(second.conn, "b", 10) == ["c2", "c3"]
