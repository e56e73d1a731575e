"""Benchmarks: what each measures, its unit, direction and valid range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select

from storage.bulk.staging import published
from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import Query
from storage.names import add_name, normalize
from storage.rows import BenchmarkRow

# The columns a new benchmark is written with.
BENCHMARK_COLUMNS = (
    "name",
    "description",
    "unit",
    "higher_is_better",
    "min_value",
    "max_value",
    "source",
)

b, n = schema.benchmarks, schema.names
COLUMNS = (
    b.c.id,
    b.c.name,
    b.c.description,
    b.c.unit,
    b.c.higher_is_better,
    b.c.min_value,
    b.c.max_value,
    b.c.source,
)
BY_ID = Query(select(*COLUMNS).where(b.c.id == bindparam("id")))
BY_NAME = Query(
    select(*COLUMNS)
    .join(n, n.c.entity_id == b.c.id)
    .where(n.c.kind == "benchmark", n.c.key == bindparam("key"), published(n))
)


def _row(row: tuple[Any, ...]) -> BenchmarkRow:
    return BenchmarkRow(row[0], row[1], row[2], row[3], bool(row[4]), *row[5:8])


async def get_benchmark(conn: AsyncConnection, benchmark_id: int) -> BenchmarkRow:
    row = await BY_ID.first(conn, id=benchmark_id)
    if row is None:
        raise LookupError(f"no benchmark #{benchmark_id}")
    return _row(row)


async def find_benchmark(conn: AsyncConnection, name: str) -> BenchmarkRow | None:
    """The benchmark a name or alias stands for, in one query."""
    row = await BY_NAME.first(conn, key=normalize(name))
    return None if row is None else _row(row)


async def all_benchmarks(conn: AsyncConnection) -> list[BenchmarkRow]:
    query = select(*COLUMNS).where(published(b)).order_by(b.c.name)
    return [_row(tuple(r)) for r in await conn.execute(query)]


async def add_benchmark(
    change: Change, values: Mapping[str, Any], aliases: tuple[str, ...] = ()
) -> int:
    benchmark_id = await change.insert(b, dict(values))
    for label in (values["name"], *aliases):
        await add_name(change, "benchmark", label, benchmark_id)
    return benchmark_id
