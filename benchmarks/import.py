"""Import at scale: a generated 100,000-row CSV into a fresh database; prints rows/s and memory.

Run: .venv/bin/python benchmarks/import.py [--rows 100000] [--runs 5] [--keep DIR]
Goal (issue #5): >= 20,000 rows/s and < 300 MB peak for 100,000 rows. It imports the file
into a fresh database `--runs` times (each in a fresh process; the median is the figure, as
a shared machine's speed drifts from run to run), imports it again (nothing may change),
then a copy with one bad row (refused whole). An import's time runs until it answers, its
commit synced to disk; the checkpoint that then copies the WAL into the database file runs
behind the answer and is printed beside it. Meanwhile a thread takes SQLite's write lock every
10 ms for an empty write, as chat commands would: the longest it waited is printed (issue 14:
the import holds the lock about a second at a time at most).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commands.imports.pipeline import import_file
from storage.engine.db import Database
from storage.engine.setup import prepare

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
BENCHMARKS = ("FrontierSWE", "PostTrainBench", "SWE-Marathon")  # in the bundled dataset
HEADER = "model,organization,country,release_date,benchmark,score,source,weights,date\n"


def write_rows(path: Path, count: int, seed: int = 5) -> None:
    """`count` score rows: models of 60 labs (US and CN), each on the three benchmarks."""
    rng = random.Random(seed)
    labs = [(f"Lab {i:02d}", "US" if i % 2 else "CN") for i in range(60)]
    start = date(2023, 1, 1)
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        for i in range(count):
            model = i // len(BENCHMARKS)
            lab, country = labs[model % len(labs)]
            released = start + timedelta(days=model % 1300)
            weights = "open" if model % 3 == 0 else "closed"
            score = round(rng.uniform(5, 95), 1)
            file.write(
                f"Bench-Model-{model},{lab},{country},{released},"
                f"{BENCHMARKS[i % len(BENCHMARKS)]},{score},"
                f"https://example.org/evals/{model},{weights},2026-11-01\n"
            )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LockProbe:
    """Another connection taking SQLite's write lock every 10 ms for an empty write, as chat
    commands would during the import: the longest it waits is about the longest the import
    holds the lock at a time."""

    def __init__(self, db_path: Path) -> None:
        self.conn = sqlite3.connect(
            db_path, timeout=120, isolation_level=None, check_same_thread=False
        )
        self.longest = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        while not self.stop.wait(0.01):
            started = time.perf_counter()
            self.conn.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.conn.execute("COMMIT")

    def __enter__(self) -> LockProbe:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.conn.close()


async def child(db_path: Path, csv_path: Path, label: str) -> None:
    """One import in this (fresh) process: its time, rows/s and the process's peak memory."""
    db = Database(f"sqlite:///{db_path}")
    await prepare(db, NOW)  # the bundled dataset, already there: checks and migrates only
    rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    before = peak_mb()
    with LockProbe(db_path) as probe:
        started = time.perf_counter()
        report = await import_file(db, csv_path, now=NOW)  # no bar: the figures stay readable
        elapsed = time.perf_counter() - started
    started = time.perf_counter()
    await db.settle()  # the checkpoint behind the answer: the WAL copied into the file
    copied = time.perf_counter() - started
    await db.close()
    c = report.counts
    holds = sorted(report.lock_holds) or [0.0]
    print(
        f"{label}: {rows:,} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s; "
        f"added {c['added']:,}, unchanged {c['unchanged']:,}, rejected {len(report.rejected)}, "
        f"written {report.written is not None}; peak memory {peak_mb():.0f} MB "
        f"(process before the import: {before:.0f} MB); checkpoint after it {copied:.2f} s; "
        f"longest wait of another write for the lock {probe.longest:.2f} s; "
        f"the import held the lock {len(report.lock_holds)} time(s), at most {holds[-1]:.2f} s "
        f"(median {statistics.median(holds):.2f} s)"
    )
    if report.rejected:
        print(f"  rejected {report.rejected[0].where}: {report.rejected[0].reason}")
    figures = {
        "rows_per_s": rows / elapsed,
        "seconds": elapsed,
        "peak_mb": peak_mb(),
        "lock_wait_s": probe.longest,
        "hold_max_s": holds[-1],
        "hold_median_s": statistics.median(holds),
    }
    print("RESULT " + json.dumps(figures))


def run_child(db_path: Path, csv_path: Path, label: str) -> dict[str, float]:
    """One import in a fresh process: prints its line, returns its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db_path), str(csv_path), label],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = {}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line.removeprefix("RESULT "))
        else:
            print(line, flush=True)
    return result


async def fresh(db_path: Path) -> None:
    """An empty database with the bundled dataset, as a new installation has."""
    db = Database(f"sqlite:///{db_path}")
    await prepare(db, NOW)
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="imports of the new file")
    parser.add_argument("--keep", type=Path, default=None, help="directory to keep files in")
    parser.add_argument("--child", nargs=3, metavar=("DB", "CSV", "LABEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        db_path, csv_path, label = args.child
        asyncio.run(child(Path(db_path), Path(csv_path), label))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="racewatch-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "rows.csv"
    write_rows(csv_path, args.rows)
    bad_path = folder / "rows-one-bad.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    lines[middle] = lines[middle].replace(",2026-11-01", ",2026-13-01")
    bad_path.write_text("".join(lines), encoding="utf-8")
    empty, db_path = folder / "empty.db", folder / "racewatch.db"
    empty.unlink(missing_ok=True)
    asyncio.run(fresh(empty))
    runs = []
    for run in range(1, args.runs + 1):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copy(empty, db_path)
        runs.append(run_child(db_path, csv_path, f"import {run}/{args.runs}"))
    speeds = sorted(r["rows_per_s"] for r in runs)
    print(
        f"new file, {args.runs} run(s): median {statistics.median(speeds):,.0f} rows/s "
        f"(slowest {speeds[0]:,.0f}, fastest {speeds[-1]:,.0f}; goal >= 20,000); "
        f"peak memory at most {max(r['peak_mb'] for r in runs):.0f} MB (goal < 300); "
        f"another write waited for the lock at most {max(r['lock_wait_s'] for r in runs):.2f} s"
    )
    hold_max = max(r["hold_max_s"] for r in runs)
    hold_median = statistics.median(r["hold_median_s"] for r in runs)
    seconds = statistics.median(r["seconds"] for r in runs)
    print(
        f"import: rows={args.rows} runs={args.runs} median_s={seconds:.2f} "
        f"rows_per_s={statistics.median(speeds):.0f} hold_max_s={hold_max:.2f} "
        f"hold_median_s={hold_median:.2f} "
        f"lock_wait_max_s={max(r['lock_wait_s'] for r in runs):.2f}"
    )
    run_child(db_path, csv_path, "re-import")
    run_child(db_path, bad_path, "one bad row")
    print(f"database: {db_path.stat().st_size / 1e6:.0f} MB in {folder}")


if __name__ == "__main__":
    main()
