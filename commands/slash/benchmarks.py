"""/benchmarks: every benchmark with what it measures, its range, direction and coverage."""

from __future__ import annotations

from commands.core.registry import REGISTRY, Request
from commands.core.reply import Reply, Table
from storage.engine.db import Database
from storage.listings import BenchmarkSummary, benchmark_summaries


def value_range(summary: BenchmarkSummary) -> str:
    """`0-100`, `≥0` or `open` for a benchmark without declared bounds."""
    low, high = summary.benchmark.min_value, summary.benchmark.max_value
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    if low is not None:
        return f"≥{low:g}"
    if high is not None:
        return f"≤{high:g}"
    return "open"


@REGISTRY.command(
    "benchmarks",
    description="Every benchmark: what it measures, range, direction, models and last update",
    examples=("/benchmarks",),
)
async def benchmarks(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        found = await benchmark_summaries(conn)
    if not found:
        return Reply(title="Benchmarks", body="No benchmarks yet.")
    table = Table(
        ("Benchmark", "Range", "Better", "Models", "Updated"),
        tuple(
            (
                f.benchmark.name,
                value_range(f),
                "higher" if f.benchmark.higher_is_better else "lower",
                str(f.models),
                f.last_report.isoformat() if f.last_report else "-",
            )
            for f in found
        ),
    )
    notes = tuple(
        f"{f.benchmark.name}: {f.benchmark.description} ({f.benchmark.unit})"
        for f in found
        if f.benchmark.description
    )
    return Reply(
        title=f"Benchmarks ({len(found)})",
        table=table,
        extra=notes,
        footer="/leaderboard BENCHMARK ranks the models on one of them.",
    )
