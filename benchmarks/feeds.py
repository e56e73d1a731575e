"""Polling 20 feeds of 1,000 items each against the fake feed server: first and unchanged sync.

Run: .venv/bin/python benchmarks/feeds.py [--feeds 20] [--items 1000] [--runs 3]
Goals (issue 16): the unchanged sync sends one request per feed (a conditional GET answered
304) and takes under 1 s; the first sync (20,000 new Hugging Face items, each a proposal)
takes under 10 s. Each run uses a fresh database with the bundled articles; figures are the
median of the runs. The fake (tests/support/fakes/feeds.py) answers from memory on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.workers.feeds import FeedWorker
from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.feeds import count_pending
from tests.support.fakes.feeds import FakeFeeds, hf_entry

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def one_run(workdir: Path, feeds: int, items: int) -> tuple[float, float, int, int]:
    """(first_s, unchanged_s, unchanged_requests, proposals) for one fresh database."""
    db = Database(f"sqlite:///{workdir / 'bench.db'}")
    await prepare(db, NOW)
    clock = FixedClock(NOW)
    dispatcher = Dispatcher(db, clock)
    try:
        async with FakeFeeds() as fake:
            for f in range(feeds):
                names = (f"org{f}/Model-{f:02d}-{i:04d}" for i in range(items))
                listed = [hf_entry(name, "2026-11-20") for name in names]
                fake.serve(f"/hf/{f}", json.dumps(listed).encode(), "application/json")
                reply = await dispatcher.run_line(
                    f"/admin feed add hf-{f} huggingface {fake.url(f'/hf/{f}')}", CONSOLE_CALLER
                )
                assert not reply.is_error, reply.plain_text()
            worker = FeedWorker(db, clock)
            started = time.perf_counter()
            first = await worker.run_due()
            first_s = time.perf_counter() - started
            assert all(r.outcome == "changed" for r in first), [r.line() for r in first]
            async with db.read() as conn:
                proposals = await count_pending(conn)
            clock.set(clock.now().replace(day=25))  # every feed due again
            before = worker.requests
            started = time.perf_counter()
            again = await worker.run_due()
            unchanged_s = time.perf_counter() - started
            assert all(r.outcome == "unchanged" for r in again), [r.line() for r in again]
            return first_s, unchanged_s, worker.requests - before, proposals
    finally:
        await db.close()
        (workdir / "bench.db").unlink(missing_ok=True)


async def bench(feeds: int, items: int, runs: int) -> str:
    results = []
    for number in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as workdir:
            result = await one_run(Path(workdir), feeds, items)
        first_s, unchanged_s, requests, proposals = result
        print(
            f"run {number}: first {first_s:.2f} s ({proposals:,} proposals), "
            f"unchanged {unchanged_s:.3f} s in {requests} requests"
        )
        results.append(result)
    first = statistics.median(r[0] for r in results)
    unchanged = statistics.median(r[1] for r in results)
    requests = max(r[2] for r in results)
    return (
        f"feeds: feeds={feeds} items={feeds * items} first_s={first:.2f} "
        f"unchanged_s={unchanged:.3f} unchanged_requests={requests}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(asyncio.run(bench(args.feeds, args.items, args.runs)))


if __name__ == "__main__":
    main()
