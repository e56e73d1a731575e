"""Fan-out at Discord's limits: one alert to N channels through the real discord.py client.

Run: .venv/bin/python benchmarks/fanout.py [--channels 1000] [--pace 47] [--concurrency 8]
         [--import-rows 500000]
Goal (issue #6) at N=1000: >= 0.9 of the 50 requests/s global limit, no 429 from the global
limit, nothing lost, nothing doubled. The fake Discord (tests/fakes) enforces 50 requests
per second globally and Discord's 5 messages per 5 s per channel; the channels subscribe
through /subscribe, a curator's /admin score add writes the event, and the DeliveryWorker
sends the outbox through DiscordFrontEnd.send. achieved_rps is messages delivered per
second of the worker's wall time, from its first claim until nothing is owed.

With `--import-rows N` (issue 14) another process imports a generated N-row file into the
same database, as `racewatch import` does: the fan-out starts once the import writes its
rows (in steps, each holding SQLite's write lock a moment), and the import's longest and
median hold of the lock are printed with the fan-out's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from benchmarks.channels import subscribe_all
from bot.config import Settings
from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.workers.delivery import DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from commands.imports.pipeline import import_file
from storage.bulk import staging
from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.outbox.deliveries import count_by_status
from tests.support.fakes.discord_limits import RateLimits
from tests.support.fakes.discord_server import FakeDiscord

LIMIT_RPS = 50
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm date:2026-11-20"
MESSAGES = ("POST", "/channels/{channel_id}/messages")


@dataclass(frozen=True)
class Tuning:
    """The worker's knobs, as the command line sets them."""

    pace: float
    concurrency: int
    batch: int
    latency: float  # the fake's answer time per message (Discord's is ~0.05-0.3 s)


async def import_child(db_path: str, csv: str, steps: str) -> None:
    """The other process: import the file as `racewatch import` does; print its figures."""
    if steps:  # STEP_SECONDS,PAUSE,PAUSE_SHARE to try other settings
        staging.STEP_SECONDS, staging.PAUSE, staging.PAUSE_SHARE = map(float, steps.split(","))
    db = Database(f"sqlite:///{db_path}")
    started = time.perf_counter()
    report = await import_file(db, csv)
    seconds = time.perf_counter() - started
    await db.close()
    holds = sorted(report.lock_holds) or [0.0]
    figures = {
        "seconds": seconds,
        "written": report.written is not None,
        "holds": len(report.lock_holds),
        "hold_max_s": holds[-1],
        "hold_median_s": statistics.median(holds),
    }
    print("RESULT " + json.dumps(figures))


async def start_import(workdir: Path, rows: int, steps: str) -> asyncio.subprocess.Process:
    """A generated `rows`-row file imported in another process, once it is writing."""
    csv = workdir / "rows.csv"
    await asyncio.to_thread(importlib.import_module("benchmarks.import").write_rows, csv, rows)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--import-child",
        f"{workdir}/fanout.db",
        str(csv),
        steps,
        stdout=asyncio.subprocess.PIPE,
    )
    while True:  # until it claims its ids: its rows are being written
        await asyncio.sleep(0.05)
        with sqlite3.connect(workdir / "fanout.db") as con:
            if con.execute("SELECT count(*) FROM import_staging").fetchone()[0]:
                return child
        assert child.returncode is None, "the import ended before writing"


async def import_figures(child: asyncio.subprocess.Process | None) -> str:
    if child is None:
        return ""
    out, _ = await child.communicate()
    found = [json.loads(line[7:]) for line in out.decode().splitlines() if line[:7] == "RESULT "]
    if not found:
        return f" import_exit={child.returncode}"
    f = found[0]
    print(
        f"concurrent import: {f['seconds']:.1f} s, written {f['written']}, held the lock "
        f"{f['holds']} time(s), at most {f['hold_max_s']:.2f} s (median {f['hold_median_s']:.2f})"
    )
    return f" import_hold_max_s={f['hold_max_s']:.2f} import_hold_median_s={f['hold_median_s']:.2f}"


async def fan_out(
    n: int, tuning: Tuning, workdir: Path, import_rows: int = 0, steps: str = ""
) -> str:
    db = Database(f"sqlite:///{workdir}/fanout.db")
    await prepare(db)
    handlers.install(db)
    dispatcher = Dispatcher(db, SystemClock())
    fake = FakeDiscord(rate_limits=RateLimits(global_per_second=LIMIT_RPS))
    fake.limits.set_route_limit(" ".join(MESSAGES), 5, 5.0)
    await fake.start()
    settings = Settings(_env_file=None, discord_token=fake.token, discord_api_base_url=fake.url)
    front = DiscordFrontEnd(settings, dispatcher)
    try:
        await front.start()
        up = time.perf_counter()
        channels = await subscribe_all(fake, dispatcher, n)
        fake.posts.latency = tuning.latency
        # The alert comes to a bot that has been up for a second: its login and command sync
        # are not in the fan-out's first second (racewatch run's worker waits the same second).
        await asyncio.sleep(max(0.0, up + 1.0 - time.perf_counter()))
        reply = await dispatcher.run_line(SCORE, CONSOLE_CALLER)
        assert not reply.is_error, reply
        # the import checks after the alert's write (a curator's write meanwhile would send
        # it back to check again) and the fan-out starts once it writes
        child = await start_import(workdir, import_rows, steps) if import_rows else None
        worker = DeliveryWorker(
            db,
            {"discord": front},
            pace={"discord": tuning.pace},
            concurrency=tuning.concurrency,
            batch=tuning.batch,
        )
        first = len(fake.requests)
        writes = count_writes(db)
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.wait_for(worker.drain(), timeout=max(120.0, n / 5))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"per message: {writes[0] / n:.3f} write transactions "
            f"({worker.recorder.writes / n:.3f} of them records of sends), "
            f"{cpu * 1000 / n:.2f} ms CPU (this process: worker, client and fake server)"
        )
        async with db.read() as conn:
            statuses = await count_by_status(conn)
        concurrent = await import_figures(child)
    finally:
        await front.close()
        await fake.close()
        await db.close()
    return report(fake, channels, first, elapsed, statuses) + concurrent


def count_writes(db: Database) -> list[int]:
    """A counter of the write transactions the worker's engine begins from now on."""
    count = [0]

    def on_begin(conn: Any) -> None:
        count[0] += bool(conn.get_execution_options().get("write", False))

    event.listen(db.engine.sync_engine, "begin", on_begin)
    return count


def report(
    fake: FakeDiscord, channels: list[str], first: int, elapsed: float, statuses: dict[str, int]
) -> str:
    """Print what the fake saw; return the summary line."""
    sends = [r for r in fake.requests[first:] if (r.method, r.route) == MESSAGES]
    codes = Counter(r.status for r in sends)
    counts = [len(fake.messages(c)) for c in channels]
    lost = sum(1 for c in counts if c == 0)
    duplicates = sum(c - 1 for c in counts if c > 1)
    delivered = len(channels) - lost
    achieved = delivered / elapsed
    print(f"outbox rows by status: {dict(sorted(statuses.items()))}")
    print(f"message POSTs: {len(sends)} by status {dict(sorted(codes.items()))}")
    print(f"global-limit 429s: {fake.limits.global_refusals}")
    print(f"resends answered by nonce: {len(fake.posts.nonce_hits)}")
    print(f"wall time {elapsed:.2f} s for {delivered} messages")
    return (
        f"fanout: channels={len(channels)} limit_rps={LIMIT_RPS} achieved_rps={achieved:.1f} "
        f"ratio={achieved / LIMIT_RPS:.2f} http_429={codes.get(429, 0)} lost={lost} "
        f"duplicates={duplicates}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--pace", type=float, default=DiscordFrontEnd.pace)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--import-rows", type=int, default=0, help="a concurrent import")
    parser.add_argument("--import-steps", default="", help="STEP_SECONDS,PAUSE,PAUSE_SHARE")
    parser.add_argument("--import-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        asyncio.run(import_child(*args.import_child))
        return
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    tuning = Tuning(args.pace, args.concurrency, args.batch, args.latency)
    print(f"{tuning}")
    with tempfile.TemporaryDirectory() as workdir:
        figures = fan_out(args.channels, tuning, Path(workdir), args.import_rows, args.import_steps)
        print(asyncio.run(figures))


if __name__ == "__main__":
    main()
