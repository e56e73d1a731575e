"""Several `racewatch run` processes on one PostgreSQL deliver an alert under Discord's limit.

Run: RACEWATCH_TEST_POSTGRES_URL=postgresql://... .venv/bin/python benchmarks/scale.py
     [--channels 2000] [--processes 1,2,4]
Goal (issue 17): at every process count, >= 0.9 of the fake Discord's 50 requests/s global
limit, nothing lost, nothing doubled, no global 429; a new scheduler leader within 10 s of
killing the old one. The database is emptied first. The benchmark process runs the fake
Discord (guilds of 500 channels, the global limit counted across every connection) and
subscribes every channel through /subscribe; each round starts N processes as shards 0..N-1
of N, writes one score through /admin score add, and watches the fake's channels. msg_s is
messages per second from the first message of the alert to the last; ratio is msg_s / 50.
After the last round's alert it kills the leader (SIGKILL: its advisory lock's session
ends with it) and times until another process holds the lock.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.channels import subscribe_all
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import prepare
from tests.support.fakes.discord_limits import RateLimits
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.processes import Child, start_racewatch, until

LIMIT_RPS = 50
SETTLE = 2.0  # seconds after the last process serves: its start-up calls leave the window
LEADER_SQL = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE :prefix "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass
class Round:
    """What one process count achieved."""

    processes: int
    msg_s: float
    lost: int
    duplicates: int
    global_429: int
    shares: list[int]  # messages each process sent

    @property
    def ratio(self) -> float:
        return self.msg_s / LIMIT_RPS


async def start_all(fake: FakeDiscord, url: str, workdir: Path, n: int) -> list[Child]:
    """N processes as shards 0..N-1 of N, each serving (gateway up, worker started)."""
    children: list[Child] = []
    for i in range(n):
        children.append(
            await start_racewatch(
                fake,
                url,
                workdir,
                f"p{n}-{i}",
                RACEWATCH_SHARD_IDS=str(i),
                RACEWATCH_SHARD_COUNT=str(n),
            )
        )
    try:
        for child in children:
            await until(partial(serving, child), "serving", child, 180)
        await fake.gateway.wait_connected(seconds=60, shards=n)
    except BaseException:
        await stop_all(children)
        raise
    await asyncio.sleep(SETTLE)
    return children


async def stop_all(children: list[Child]) -> None:
    for child in children:
        await child.stop()


def serving(child: Child) -> bool:
    """Its front ends and workers run ("racewatch: serving ...", "racewatch" masked when it
    is also the database's password)."""
    return ": serving discord" in child.tail(200)


async def deliver(
    fake: FakeDiscord, dispatcher: Dispatcher, channels: list[str], score: str
) -> tuple[float, list[int]]:
    """Write the alert; watch until every channel has it (or time is up); returns the
    messages per second and each channel's new messages."""
    before = [len(fake.messages(c)) for c in channels]
    reply = await dispatcher.run_line(score, CONSOLE_CALLER)
    assert not reply.is_error, reply
    first = last = 0.0
    seen = 0
    deadline = time.perf_counter() + max(120.0, 4 * len(channels) / LIMIT_RPS)
    while seen < len(channels) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
        now_seen = sum(len(fake.messages(c)) - b for c, b in zip(channels, before, strict=True))
        if now_seen > seen:
            first = first or time.perf_counter()
            last, seen = time.perf_counter(), now_seen
    await asyncio.sleep(2.0)  # a late resend would show now
    new = [len(fake.messages(c)) - b for c, b in zip(channels, before, strict=True)]
    span = max(last - first, 1e-9) + 1 / LIMIT_RPS  # the last message's own interval
    return seen / span, new


def sent_by(child: Child) -> int:
    """Messages this process sent (its delivery log lines)."""
    text_ = child.log.read_text(errors="replace")
    return sum(1 for line in text_.splitlines() if "delivery #" in line and ": sent in" in line)


async def run_round(
    fake: FakeDiscord, db: Database, url: str, channels: list[str], n: int, workdir: Path
) -> tuple[Round, list[Child]]:
    dispatcher = Dispatcher(db, SystemClock())
    children = await start_all(fake, url, workdir, n)
    try:
        return await measure(fake, dispatcher, channels, children), children
    except BaseException:
        await stop_all(children)
        raise


async def measure(
    fake: FakeDiscord, dispatcher: Dispatcher, channels: list[str], children: list[Child]
) -> Round:
    """One alert through these processes: what the fake saw."""
    n = len(children)
    refused = fake.limits.global_refusals
    score = (
        f"/admin score add GLM-5.2 FrontierSWE {80 + n}.0 "
        f"source:https://example.org/scale-{n} date:2026-11-2{n}"
    )
    msg_s, new = await deliver(fake, dispatcher, channels, score)
    return Round(
        processes=n,
        msg_s=msg_s,
        lost=sum(1 for c in new if c == 0),
        duplicates=sum(c - 1 for c in new if c > 1),
        global_429=fake.limits.global_refusals - refused,
        shares=[sent_by(c) for c in children],
    )


async def leader_name(db: Database) -> str | None:
    """The process holding the scheduler's advisory lock (its session's application_name)."""
    async with db.read() as conn:
        names = (await conn.execute(LEADER_SQL, {"prefix": "racewatch leader %"})).scalars()
        found = list(names)
    return found[0] if found else None


async def takeover(db: Database, children: list[Child]) -> float | None:
    """Kill the leader; seconds until another process holds the lock (None: no leader)."""
    try:
        deadline = time.perf_counter() + 30
        while (name := await leader_name(db)) is None:
            if time.perf_counter() > deadline:
                return None
            await asyncio.sleep(0.1)
    except Exception:  # no pg_stat_activity access: say so rather than guess
        logging.exception("scale: cannot read who leads")
        return None
    pid = int(name.rsplit(":", 1)[1])
    [leader] = [c for c in children if c.process.pid == pid]
    killed = time.perf_counter()
    await leader.kill()
    while (other := await leader_name(db)) in (None, name):
        if time.perf_counter() - killed > 60:
            return None
        await asyncio.sleep(0.05)
    print(f"leader {name} killed; {other} leads")
    return time.perf_counter() - killed


async def scale(url: str, n_channels: int, counts: list[int], workdir: Path) -> str:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await prepare(db)
    handlers.install(db)
    fake = FakeDiscord(rate_limits=RateLimits(global_per_second=LIMIT_RPS))
    await fake.start()
    rounds: list[Round] = []
    took: float | None = None
    try:
        started = time.perf_counter()
        channels = await subscribe_all(fake, Dispatcher(db, SystemClock()), n_channels)
        print(f"{n_channels} channels subscribed in {time.perf_counter() - started:.1f} s")
        for n in counts:
            result, children = await run_round(fake, db, url, channels, n, workdir)
            rounds.append(result)
            print_round(result)
            try:
                if n == counts[-1]:
                    took = await takeover(db, children)
            finally:
                await stop_all(children)
    finally:
        await fake.close()
        await db.close()
    last = rounds[-1]
    shown = "n/a" if took is None else f"{took:.1f}"
    return (
        f"scale: processes={last.processes} ratio={last.ratio:.2f} lost={last.lost} "
        f"duplicates={last.duplicates} global_429={last.global_429} takeover_s={shown}"
    )


def print_round(r: Round) -> None:
    print(
        f"processes={r.processes} msg_s={r.msg_s:.1f} ratio={r.ratio:.2f} lost={r.lost} "
        f"duplicates={r.duplicates} global_429={r.global_429} sent_by_process={r.shares}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=2000)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--database-url", default=os.environ.get("RACEWATCH_TEST_POSTGRES_URL"))
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this directory")
    args = parser.parse_args()
    if not args.database_url:
        sys.exit("scale: set RACEWATCH_TEST_POSTGRES_URL or --database-url (it is emptied)")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    counts = [int(n) for n in args.processes.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        logs = args.logs or Path(workdir)
        logs.mkdir(parents=True, exist_ok=True)
        print(asyncio.run(scale(args.database_url, args.channels, counts, logs)))


if __name__ == "__main__":
    main()
