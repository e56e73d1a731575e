"""Benchmarks: what each measures, its unit, direction and valid range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.changes import Change
from storage.names import add_name
from storage.rows import BenchmarkRow

b = schema.benchmarks


def _row(row: Any) -> BenchmarkRow:
    return BenchmarkRow(
        row.id,
        row.name,
        row.description,
        row.unit,
        row.higher_is_better,
        row.min_value,
        row.max_value,
        row.source,
    )


async def get_benchmark(conn: AsyncConnection, benchmark_id: int) -> BenchmarkRow:
    return _row((await conn.execute(select(b).where(b.c.id == benchmark_id))).one())


async def all_benchmarks(conn: AsyncConnection) -> list[BenchmarkRow]:
    return [_row(r) for r in await conn.execute(select(b).order_by(b.c.name))]


async def add_benchmark(
    change: Change, values: Mapping[str, Any], aliases: tuple[str, ...] = ()
) -> int:
    benchmark_id = await change.insert(b, dict(values))
    for label in (values["name"], *aliases):
        await add_name(change, "benchmark", label, benchmark_id)
    return benchmark_id
