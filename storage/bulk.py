"""Write an import plan inside one audited transaction, with `executemany`, not row by row.

New rows come back with their ids (one multi-row INSERT ... RETURNING per page), are
recorded in the audit entry (so `/admin undo` takes an import back), and every new model
and score appends an event carrying the import's `batch`, so that alerts and digests can
summarise an import in one message. Event hooks run once per batch, with its first event.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain, islice
from typing import Any

from sqlalchemy import JSON, Table, bindparam, func, insert, select, text, update

from storage import schema
from storage.benchmarks import BENCHMARK_COLUMNS
from storage.bulk_plan import ImportPlan, NewModel, NewScore, Ref
from storage.changes import Change, EventHook, to_json
from storage.models import release_label

PAGE = 5_000  # rows per executemany: bounded memory, few round trips
MEMO = 4_096  # converted values remembered per column


@dataclass(frozen=True)
class Written:
    """How many rows of each kind an import wrote, and its events."""

    benchmarks: int
    organizations: int
    models: int
    scores: int
    updates: int
    events: int


async def reserve_ids(change: Change, table: Table, count: int) -> Sequence[int]:
    """Ids for `count` new rows, taken up front so inserts need no RETURNING round trip.

    SQLite: the transaction holds the write lock, so max(id) + 1 onwards is ours.
    PostgreSQL: the ids are drawn from the table's sequence.
    """
    conn = change.conn
    if conn.dialect.name == "postgresql":
        query = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"
        )
        return [int(i) for i in (await conn.execute(query, {"n": count})).scalars()]
    top = (await conn.execute(select(func.max(table.c.id)))).scalar()
    start = int(top or 0) + 1
    return range(start, start + count)


def _converter(step: Callable[[Any], Any], remember: bool) -> Callable[[Any], Any]:
    """A bind processor that leaves None alone; remembered when its values are hashable."""

    def convert(value: Any) -> Any:
        return None if value is None else step(value)

    return lru_cache(maxsize=MEMO)(convert) if remember else convert


def _driver_insert(
    change: Change, table: Table, columns: tuple[str, ...], encoded: tuple[str, ...] = ()
) -> tuple[str, Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]]:
    """The dialect's INSERT text and a function turning a page of rows into driver rows.

    The column types' own bind processors convert values (dates, JSON, UTC times), so the
    rows are stored exactly as SQLAlchemy would store them, without its per-row overhead:
    a page is converted a column at a time, and a converted value is remembered (bulk rows
    repeat their dates and flags). The JSON columns named in `encoded` are JSON text already.
    """
    dialect = change.conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or ())
    where = [columns.index(name) for name in names]
    in_order = where == list(range(len(columns)))
    steps = [
        (i, _converter(step, not isinstance(table.c[name].type, JSON)))
        for i, name in enumerate(names)
        if name not in encoded
        and (step := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]

    def prepare(page: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if in_order and not steps:
            return page
        cells: list[Any] = list(zip(*page, strict=True))
        if not in_order:
            cells = [cells[i] for i in where]
        for i, convert in steps:
            cells[i] = map(convert, cells[i])
        return list(zip(*cells, strict=True))

    return compiled.string, prepare


# Values bound to one multi-row INSERT on SQLite: about 1,000 rows (the limit is 32,766 from
# SQLite 3.32, 999 before; a prepared statement of 3,000 rows holds some 15 MB more).
SQLITE_VARIABLES = 10_000 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _page_size(change: Change, width: int) -> int:
    """Rows per page: on SQLite, as many as one multi-row INSERT can bind."""
    if change.conn.dialect.name != "sqlite":
        return PAGE
    return max(1, min(PAGE, SQLITE_VARIABLES // width))


@lru_cache(maxsize=64)
def _rows_sql(sql: str, width: int, count: int) -> str:
    """`INSERT ... VALUES (?, ...)` made to take `count` rows: `VALUES (?, ...), (?, ...)`."""
    one = "(" + ", ".join("?" * width) + ")"
    assert sql.endswith(one), sql
    return sql + f", {one}" * (count - 1)


async def _executemany(change: Change, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One driver call per page. On SQLite straight to aiosqlite (the same connection and
    transaction), as one multi-row INSERT: SQLite then inserts the page without taking
    Python's lock once per row, so checking and encoding go on while it writes (and
    SQLAlchemy's adapter would keep about 150 bytes per row until commit)."""
    if change.conn.dialect.name != "sqlite":
        await change.conn.exec_driver_sql(sql, rows)
        return
    raw = await change.conn.get_raw_connection()
    driver: Any = raw.driver_connection
    width = len(rows[0])
    await driver.execute(_rows_sql(sql, width, len(rows)), list(chain.from_iterable(rows)))


async def insert_many(
    change: Change,
    table: Table,
    columns: tuple[str, ...],
    rows: Iterable[tuple[Any, ...]],
    count: int,
    *,
    audit: bool = True,
    encoded: tuple[str, ...] = (),
    ids: Sequence[int] | None = None,
) -> Sequence[int]:
    """Insert `count` rows (values in `columns` order) in pages; return their ids (taken
    here unless given: see `reserve_ids`).

    The audit keeps the ids, as runs (`Change.inserted`): enough for undo, while the values
    stay in the table and in the batch's events.
    """
    if count == 0:
        return []
    if ids is None:
        ids = await reserve_ids(change, table, count)
    if audit:
        change.inserted(table, ids)
    sql, prepare = _driver_insert(change, table, ("id", *columns), encoded)
    numbered = ((i, *row) for i, row in zip(ids, rows, strict=True))
    size = _page_size(change, len(columns) + 1)
    writing: asyncio.Future[None] | None = None  # the page the database is writing now
    try:
        while page := list(islice(numbered, size)):
            prepared = prepare(page)  # while the previous page is written
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(_executemany(change, sql, prepared))
            await asyncio.sleep(0)  # let it reach the database before preparing the next
        if writing is not None:
            await writing
    finally:
        if writing is not None and not writing.done():
            writing.cancel()
    return ids


async def _names(change: Change, kind: str, entities: Sequence[tuple[str, str, int]]) -> None:
    """Each new entity answers to its name: (normalized key, label, id) rows."""
    rows = ((kind, key, label, entity_id) for key, label, entity_id in entities)
    await insert_many(
        change, schema.names, ("kind", "key", "label", "entity_id"), rows, len(entities)
    )


def _resolve(ref: Ref, ids: dict[str, int]) -> int:
    return ref if isinstance(ref, int) else ids[ref]


MODEL_COLUMNS = (
    "name",
    "org_id",
    "released",
    "release_precision",
    "params_b",
    "context_tokens",
    "weights",
    "access",
    "source",
)
SCORE_COLUMNS = (
    "model_id",
    "benchmark_id",
    "country",
    "released",
    "value",
    "stderr",
    "reported_on",
    "source",
    "added_by",
    "is_current",
)
EVENT_COLUMNS = (
    "kind",
    "at",
    "summary",
    "model",
    "organization",
    "country",
    "benchmark",
    "batch",
    "payload",
)


async def _models(change: Change, models: list[NewModel], orgs: dict[str, int]) -> dict[str, int]:
    rows = (
        (
            m.name,
            _resolve(m.org, orgs),
            m.released,
            m.release_precision,
            m.params_b,
            m.context_tokens,
            m.weights,
            "available",
            m.source,
        )
        for m in models
    )
    ids = await insert_many(change, schema.models, MODEL_COLUMNS, rows, len(models))
    await _names(change, "model", [(m.key, m.name, i) for m, i in zip(models, ids, strict=True)])
    return {m.key: i for m, i in zip(models, ids, strict=True)}


async def _scores(
    change: Change,
    scores: list[NewScore],
    models: dict[str, int],
    benchmarks: dict[str, int],
    ids: Sequence[int],
) -> None:
    rows = (
        (
            _resolve(s.model, models),
            _resolve(s.benchmark, benchmarks),
            s.country,
            s.released,
            s.value,
            s.stderr,
            s.reported_on,
            s.source,
            change.actor,
            s.is_current,
        )
        for s in scores
    )
    await insert_many(change, schema.scores, SCORE_COLUMNS, rows, len(scores), ids=ids)


async def _updates(change: Change, plan: ImportPlan) -> None:
    """Apply updates grouped by the columns they set: one executemany per group."""
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for row in plan.updates:
        columns = tuple(sorted(row.after))
        groups.setdefault((row.table, columns), []).append({"row_id": row.id, **row.after})
        change.rows.append(
            {
                "table": row.table,
                "id": row.id,
                "before": to_json({"id": row.id, **row.before}),
                "after": to_json({"id": row.id, **row.after}),
            }
        )
    for (name, columns), params in groups.items():
        table = schema.metadata.tables[name]
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(c) for c in columns})
        )
        await change.conn.execute(statement, params)


def _events(plan: ImportPlan, at: datetime, batch: str) -> Iterator[tuple[Any, ...]]:
    """One event per new model and per new or changed score, made as they are written."""
    labels: dict[tuple[Any, Any], str] = {}  # release dates and facts repeat across models
    facts: dict[tuple[Any, Any], str] = {}
    for m in plan.models:
        if (when := labels.get(key := (m.released, m.release_precision))) is None:
            when = labels[key] = release_label(*key)
        if (payload := facts.get(key := (m.released, m.weights))) is None:
            payload = facts[key] = json.dumps(to_json({"released": key[0], "weights": key[1]}))
        yield (
            "release",
            at,
            f"{m.name} ({m.organization}, {m.country}) released {when}",
            m.name,
            m.organization,
            m.country,
            None,
            batch,
            payload,
        )
    quoted: dict[str, str] = {}  # each source as JSON text (a model's rows share theirs)
    for status, scores in (("added", plan.scores), ("updated", plan.changed_scores)):
        for s in scores:
            if (source := quoted.get(s.source)) is None:
                source = quoted[s.source] = json.dumps(s.source)
            yield (
                "score",
                at,
                f"{s.model_name} scored {s.value:g} on {s.benchmark_name}",
                s.model_name,
                s.organization,
                s.country,
                s.benchmark_name,
                batch,
                # json.dumps of {value, source, status, reported_on}, made a few times faster
                f'{{"value": {float(s.value)!r}, "source": {source}, "status": "{status}", '
                f'"reported_on": "{s.reported_on.isoformat()}"}}',
            )


def _event_count(plan: ImportPlan) -> int:
    return len(plan.models) + len(plan.scores) + len(plan.changed_scores)


async def _insert_events(change: Change, plan: ImportPlan, batch: str, ids: Sequence[int]) -> None:
    await insert_many(
        change,
        schema.events,
        EVENT_COLUMNS,
        _events(plan, change.at, batch),
        len(ids),
        audit=False,
        encoded=("payload",),
        ids=ids,
    )


async def _together(change: Change, *writes: Awaitable[None]) -> None:
    """Independent inserts: on SQLite their pages interleave in the driver's thread, so one
    is made ready in Python while SQLite writes the other; elsewhere one after another,
    since a connection runs one statement at a time."""
    if change.conn.dialect.name == "sqlite":
        await asyncio.gather(*writes)
    else:
        for write in writes:
            await write


async def _run_hooks(change: Change, event_ids: Sequence[int]) -> None:
    """Hooks see an import's batch once, through its first event."""
    change.event_ids.extend(event_ids)
    hooks: Sequence[EventHook] = getattr(change, "_hooks", ())  # the db's on_event hooks
    if event_ids:
        for hook in hooks:
            await hook(change, event_ids[0])


async def write_plan(change: Change, plan: ImportPlan, batch: str) -> Written:
    """Everything the plan says, in dependency order, in the caller's transaction."""
    specs = [tuple(c[k] for k in BENCHMARK_COLUMNS) for _, c in plan.benchmarks]
    benchmark_ids = await insert_many(
        change, schema.benchmarks, BENCHMARK_COLUMNS, specs, len(specs)
    )
    await _names(
        change,
        "benchmark",
        [(k, c["name"], i) for (k, c), i in zip(plan.benchmarks, benchmark_ids, strict=True)],
    )
    orgs = plan.organizations
    org_ids = await insert_many(
        change,
        schema.organizations,
        ("name", "country", "source"),
        ((o.name, o.country, o.source) for o in orgs),
        len(orgs),
    )
    await _names(
        change, "organization", [(o.key, o.name, i) for o, i in zip(orgs, org_ids, strict=True)]
    )
    models = await _models(
        change, plan.models, {o.key: i for o, i in zip(orgs, org_ids, strict=True)}
    )
    benchmarks = {key: i for (key, _), i in zip(plan.benchmarks, benchmark_ids, strict=True)}
    score_ids = await reserve_ids(change, schema.scores, len(plan.scores))
    event_ids = await reserve_ids(change, schema.events, _event_count(plan))
    await _together(
        change,
        _scores(change, plan.scores, models, benchmarks, score_ids),
        _insert_events(change, plan, batch, event_ids),  # events: Python; scores: SQLite
    )
    await _updates(change, plan)
    await _run_hooks(change, event_ids)
    events = len(event_ids)
    return Written(
        len(benchmark_ids), len(org_ids), len(models), len(plan.scores), len(plan.updates), events
    )
