"""Alert latency: from the commit of `/admin score add` to the fake Discord receiving the alert.

Run: .venv/bin/python benchmarks/alert_latency.py [--alerts 100] [--postgres URL]
(the PostgreSQL run needs a database it may empty; RACEWATCH_TEST_POSTGRES_URL is used when
set). One channel subscribed; the delivery worker polls only once an hour, so what is
measured is the wake-up: an in-process signal on SQLite, LISTEN/NOTIFY on PostgreSQL (the
score is written through a second engine there, as another process would). The clock
starts as the score's transaction sends its COMMIT and stops when the fake has the message
(polled every millisecond); three alerts before the measured ones warm the pools and load
the modules. Goal (issue 17): p50 <= 50 ms, p99 <= 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, text

from bot.config import Settings
from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.workers.delivery import DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.outbox import wakeup
from tests.support.fakes.discord_server import FakeDiscord

HOUR = 3600.0


async def latencies(url: str, n: int, warm_up: int = 3) -> list[float]:
    """Milliseconds from each score's commit to its alert at the fake, `n` times (after
    `warm_up` alerts unmeasured: modules loaded, pooled connections opened)."""
    worker_db = Database(url)
    writer_db = worker_db if worker_db.is_sqlite else Database(url)  # SQLite: one process
    await prepare(worker_db)
    for db in {worker_db, writer_db}:
        handlers.install(db)
    commits: list[float] = []

    def committed(conn: Any) -> None:  # the COMMIT of a transaction that owes a message
        if conn.info.get(wakeup.OWED) is conn.get_transaction():
            commits.append(time.perf_counter())

    event.listen(writer_db.engine.sync_engine, "commit", committed, insert=True)
    fake = FakeDiscord()
    await fake.start()
    settings = Settings(_env_file=None, discord_token=fake.token, discord_api_base_url=fake.url)
    front = DiscordFrontEnd(settings, Dispatcher(worker_db, SystemClock()))
    writer = Dispatcher(writer_db, SystemClock())
    worker = DeliveryWorker(worker_db, {"discord": front}, poll=HOUR)
    measured: list[float] = []
    try:
        await front.start()
        channel = fake.add_channel("race")
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="manager",
            workspace_id=fake.guild_id,
            channel_id=channel,
            is_channel_manager=True,
        )
        assert not (await writer.run_line("/subscribe scores", manager)).is_error
        async with wakeup.wake_on_commit(worker_db, worker.wake):
            await worker.start(settle=0)
            await asyncio.sleep(0.5)  # the worker's first round and the LISTEN are done
            for i in range(warm_up + n):
                score = f"{70 + (i % 250) / 10:.1f}"
                line = f"/admin score add GLM-5.2 FrontierSWE {score} source:https://e.org/{i}"
                commits.clear()
                reply = await writer.run_line(line, CONSOLE_CALLER)
                assert not reply.is_error and len(commits) == 1, (reply.body, commits)
                while len(fake.messages(channel)) <= i:  # noqa: ASYNC110 (the fake has no event)
                    await asyncio.sleep(0.001)
                if i >= warm_up:
                    measured.append((time.perf_counter() - commits[0]) * 1000)
                await asyncio.sleep(0.05)  # the worker marks it sent and waits again
            await worker.stop()
    finally:
        await front.close()
        await fake.close()
        for db in {worker_db, writer_db}:
            await db.close()
    return measured


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def empty_postgres(url: str) -> None:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.close()


def summary(name: str, values: list[float]) -> tuple[float, float]:
    p50, p99 = statistics.median(values), percentile(values, 99)
    print(
        f"{name}: {len(values)} alerts, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(values):.1f}"
    )
    return p50, p99


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100)
    parser.add_argument("--postgres", default=os.environ.get("RACEWATCH_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        sqlite = summary("sqlite", await latencies(f"sqlite:///{workdir}/l.db", args.alerts))
    line = f"alert_latency: sqlite_p50_ms={sqlite[0]:.1f} sqlite_p99_ms={sqlite[1]:.1f}"
    if args.postgres:
        await empty_postgres(args.postgres)
        postgres = summary("postgres", await latencies(args.postgres, args.alerts))
        line += f" postgres_p50_ms={postgres[0]:.1f} postgres_p99_ms={postgres[1]:.1f}"
    else:
        line += " postgres_p50_ms=skipped postgres_p99_ms=skipped"
    print(line)


if __name__ == "__main__":
    asyncio.run(main())
