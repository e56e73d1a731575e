"""Time /gap, /race, /leaderboard and /model through the dispatcher on a synthetic database.

Builds 10,000 models, 300 benchmarks and 20 countries with 3,000 and then 300,000 scores
over five years, and times each command through `Dispatcher.run` (the entry every front end
uses). The floor: the same /gap lookup as two plain sqlite3 queries on the same file.
Prints p50/p99 per command and size; the last line sums up the 300,000-score run.

    .venv/bin/python -m benchmarks.commands [--runs 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import migrate
from storage.names import normalize

MODELS, BENCHMARKS, COUNTRIES = 10_000, 300, 20
START = date(2021, 11, 1)
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def fill(path: Path, scores: int, rng: random.Random) -> list[tuple[str, list[int]]]:
    """Write the synthetic rows with plain sqlite3; returns each scored model's benchmarks."""
    con = sqlite3.connect(path)
    countries = [
        "US",
        "CN",
        "FR",
        "GB",
        "DE",
        "JP",
        "KR",
        "CA",
        "IL",
        "IN",
        "AE",
        "SG",
        "CH",
        "SE",
        "NL",
        "ES",
        "IT",
        "BR",
        "AU",
        "TW",
    ][:COUNTRIES]
    con.executemany(
        "INSERT INTO organizations (id, name, country, source) VALUES (?,?,?,?)",
        [(i + 1, f"Lab {i}", countries[i % COUNTRIES], "synthetic") for i in range(200)],
    )
    models = []
    for i in range(MODELS):
        day = START + timedelta(days=rng.randrange(5 * 365))
        models.append(
            (
                i + 1,
                f"Model-{i}",
                rng.randrange(200) + 1,
                day.isoformat(),
                "day",
                rng.choice(["open", "closed"]),
                "available",
                "synthetic",
            )
        )
    con.executemany(
        "INSERT INTO models (id, name, org_id, released, release_precision, weights,"
        " access, source) VALUES (?,?,?,?,?,?,?,?)",
        models,
    )
    con.executemany(
        "INSERT INTO benchmarks (id, name, description, unit, higher_is_better,"
        " min_value, max_value, source) VALUES (?,?,?,?,?,?,?,?)",
        [
            (i + 1, f"Bench-{i}", "synthetic", "points", 1, 0.0, 100.0, "synthetic")
            for i in range(BENCHMARKS)
        ],
    )
    names = [("model", normalize(m[1]), m[1], m[0]) for m in models]
    names += [
        ("benchmark", normalize(f"Bench-{i}"), f"Bench-{i}", i + 1) for i in range(BENCHMARKS)
    ]
    names += [("organization", normalize(f"Lab {i}"), f"Lab {i}", i + 1) for i in range(200)]
    con.executemany("INSERT INTO names (kind, key, label, entity_id) VALUES (?,?,?,?)", names)
    per_model = 30
    scored = rng.sample(range(1, MODELS + 1), scores // per_model)
    rows, taken = [], []
    for model_id in scored:
        benches = rng.sample(range(1, BENCHMARKS + 1), per_model)
        taken.append((f"Model-{model_id - 1}", benches))
        model = models[model_id - 1]
        country, released = countries[(model[2] - 1) % COUNTRIES], model[3]
        rows += [
            (
                model_id,
                b,
                country,
                released,
                round(rng.uniform(0, 100), 1),
                "2026-01-01",
                "synthetic",
            )
            for b in benches
        ]
    con.executemany(  # scores carry their model's country and release date, as the app writes
        "INSERT INTO scores (model_id, benchmark_id, country, released, value, reported_on,"
        " source, added_by, is_current) VALUES (?,?,?,?,?,?,?,'bench',1)",
        rows,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return taken


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def timed(run: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    for _ in range(10):  # warm caches and compiled statements
        await run()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        await run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def raw_gap(path: Path, pairs: list[tuple[str, str]], runs: int) -> list[float]:
    """The floor: a /gap lookup as two plain sqlite3 queries (one per model, by name key)."""
    con = sqlite3.connect(path)
    query = (
        "SELECT b.name, s.value FROM names n JOIN scores s ON s.model_id = n.entity_id "
        "JOIN benchmarks b ON b.id = s.benchmark_id WHERE n.kind = 'model' AND n.key = ? "
        "AND s.is_current = 1"
    )
    out = []
    for i in range(runs):
        a, b = pairs[i % len(pairs)]
        start = time.perf_counter()
        con.execute(query, (normalize(a),)).fetchall()
        con.execute(query, (normalize(b),)).fetchall()
        out.append((time.perf_counter() - start) * 1000)
    con.close()
    return out


async def measure(scores: int, runs: int, rng: random.Random) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = Database(f"sqlite:///{path}")
        await migrate(db)
        taken = fill(path, scores, rng)
        dispatcher = Dispatcher(db, FixedClock(NOW))
        shared = [(a, b) for (a, ba), (b, bb) in pairwise(taken) if set(ba) & set(bb)] or [
            (taken[0][0], taken[1][0])
        ]

        def pick() -> tuple[str, list[int]]:
            return rng.choice(taken)

        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "gap": lambda: dispatcher.run(
                ("gap",),
                dict(zip(("model_a", "model_b"), rng.choice(shared), strict=True)),
                CONSOLE_CALLER,
            ),
            "model": lambda: dispatcher.run(("model",), {"name": pick()[0]}, CONSOLE_CALLER),
            "race": lambda: dispatcher.run(
                ("race",), {"benchmark": f"Bench-{rng.randrange(BENCHMARKS)}"}, CONSOLE_CALLER
            ),
            "leaderboard": lambda: dispatcher.run(
                ("leaderboard",),
                {"benchmark": f"Bench-{rng.randrange(BENCHMARKS)}"},
                CONSOLE_CALLER,
            ),
        }
        results = {name: await timed(call, runs) for name, call in calls.items()}
        reply = await calls["gap"]()
        assert not getattr(reply, "is_error", True), reply
        results["raw_gap"] = raw_gap(path, shared, runs)
        await db.close()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    p50s: dict[int, dict[str, float]] = {}
    p99s: dict[int, dict[str, float]] = {}
    for scores in (3_000, 300_000):
        results = asyncio.run(measure(scores, args.runs, rng))
        p50s[scores], p99s[scores] = {}, {}
        for name, samples in results.items():
            p50, p99 = percentiles(samples)
            p50s[scores][name], p99s[scores][name] = p50, p99
            print(f"scores={scores:>7} {name:<12} p50={p50:7.3f} ms  p99={p99:7.3f} ms")
    big, small = p99s[300_000], p50s[3_000]
    ratio = p50s[300_000]["gap"] / p50s[300_000]["raw_gap"]
    growth = p50s[300_000]["gap"] / small["gap"]
    print(f"gap p50 at 300,000 vs 3,000 scores: {growth:.2f}x")
    print(
        f"commands: scores=300000 gap_p99_ms={big['gap']:.2f} model_p99_ms={big['model']:.2f} "
        f"race_p99_ms={big['race']:.2f} leaderboard_p99_ms={big['leaderboard']:.2f} "
        f"gap_vs_raw_sqlite={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
