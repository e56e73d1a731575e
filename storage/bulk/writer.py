"""Write an import plan: its pages, then what ends it in one audited transaction.

On PostgreSQL (`finish`) the pages go in one transaction while rows are still checked; on
SQLite (`prepare`, `staged`, `publish_staged`) they are made before the write lock and
written in steps by `storage.bulk.staging`. `PlanWriter` sends each chunk's new rows as
multi-row INSERTs with ids from counters (no RETURNING round trip); at the end it corrects
rows that later rows changed, updates existing rows (audited with their values), and
appends one event per new model and score, all carrying the import's `batch`, so that
alerts and digests can summarise an import in one message. The audit keeps the new rows as
runs of ids, so `/admin undo` takes an import back. Event hooks run once per batch."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from operator import attrgetter
from typing import Any

from sqlalchemy import JSON, Table, bindparam, func, insert, select, text, update

from storage.benchmarks import BENCHMARK_COLUMNS
from storage.bulk.plan import ImportPlan, NewModel, NewScore, Ref
from storage.changes import Change, to_json
from storage.engine import schema
from storage.engine.aio import AsyncConnection
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


Columns = list[Sequence[Any]]  # a page's values a column at a time, in the statement's order
Prepare = Callable[[Sequence[int], list[tuple[Any, ...]]], Columns]


def _driver_insert(
    change: Change, table: Table, columns: tuple[str, ...], encoded: tuple[str, ...] = ()
) -> tuple[str, Prepare]:
    """The dialect's INSERT text (of the id, then `columns`) and a function turning a page's
    ids and rows into the driver's values, a column at a time.

    The column types' own bind processors convert values (dates, JSON, UTC times), so the
    rows are stored exactly as SQLAlchemy would store them, without its per-row overhead:
    a page is converted a column at a time, and a converted value is remembered (bulk rows
    repeat their dates and flags). The JSON columns named in `encoded` are JSON text already.
    """
    dialect = change.conn.dialect
    columns = ("id", *columns)
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

    def prepare(ids: Sequence[int], page: list[tuple[Any, ...]]) -> Columns:
        cells: Columns = [ids, *zip(*page, strict=True)]
        if not in_order:
            cells = [cells[i] for i in where]
        for i, convert in steps:
            cells[i] = list(map(convert, cells[i]))
        return cells

    return compiled.string, prepare


# Values bound to one multi-row INSERT on SQLite (the limit is 32,766 from SQLite 3.32, 999
# before): about 3,000 rows, so SQLite's thread hands over to Python's a few times a chunk,
# not dozens (a 100,000-row import: 20% faster than 1,000-row pages, about 20 MB more).
SQLITE_VARIABLES = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 999


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


async def send_page(conn: AsyncConnection, sql: str, columns: Columns) -> None:
    """One driver call per page. On SQLite straight to aiosqlite (the same connection and
    transaction), as one multi-row INSERT: SQLite then inserts the page without taking
    Python's lock once per row, so checking and encoding go on while it writes (and
    SQLAlchemy's adapter would keep about 150 bytes per row until commit)."""
    if conn.dialect.name != "sqlite":
        await conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    width, count = len(columns), len(columns[0])
    values: list[Any] = [None] * (width * count)  # row after row, laid out a column at a time
    for i, column in enumerate(columns):
        values[i::width] = column
    await driver.execute(_rows_sql(sql, width, count), values)


# The columns a later row of the import may still change once a row is written.
MODEL_FACTS = ("released", "release_precision", "params_b", "context_tokens", "weights")
SCORE_FACTS = ("is_current", "released")
MODEL_COLUMNS = ("name", "org_id", *MODEL_FACTS, "access", "source")
SCORE_COLUMNS = (
    "model_id",
    "benchmark_id",
    "country",
    "value",
    "stderr",
    "reported_on",
    "source",
    "added_by",
    *SCORE_FACTS,
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
        await _update_by_id(change, schema.metadata.tables[name], columns, params)


async def _update_by_id(
    change: Change, table: Table, columns: tuple[str, ...], params: list[dict[str, Any]]
) -> None:
    """`UPDATE table SET columns WHERE id = :row_id` for each dict of `params`, in one call."""
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({c: bindparam(c) for c in columns})
    )
    await change.conn.execute(statement, params)


def _release_events(models: list[NewModel], at: datetime, batch: str) -> Iterator[tuple[Any, ...]]:
    """One event per new model, with its facts as they end (a later row may fill one)."""
    labels: dict[tuple[Any, Any], str] = {}  # release dates and facts repeat across models
    facts: dict[tuple[Any, Any], str] = {}
    for m in models:
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


def _score_events(
    scores: list[NewScore], status: str, at: datetime, batch: str
) -> Iterator[tuple[Any, ...]]:
    """One event per new or changed score: nothing in it changes once its row is checked."""
    quoted: dict[str, str] = {}  # each source as JSON text (a model's rows share theirs)
    days: dict[date, str] = {}
    shown: dict[float, tuple[str, str]] = {}  # each value as said, and as JSON (they repeat)
    for s in scores:
        if (source := quoted.get(s.source)) is None:
            source = quoted[s.source] = json.dumps(s.source)
        if (day := days.get(s.reported_on)) is None:
            day = days[s.reported_on] = s.reported_on.isoformat()
        if (value := shown.get(s.value)) is None or not s.value:  # 0.0 == -0.0: said apart
            value = shown[s.value] = (f"{s.value:g}", repr(float(s.value)))
        yield (
            "score",
            at,
            f"{s.model_name} scored {value[0]} on {s.benchmark_name}",
            s.model_name,
            s.organization,
            s.country,
            s.benchmark_name,
            batch,
            # json.dumps of {value, source, status, reported_on}, made a few times faster
            f'{{"value": {value[1]}, "source": {source}, "status": "{status}", '
            f'"reported_on": "{day}"}}',
        )


DEPTH = 8  # pages queued in SQLite's thread at most (up to 240,000 bound values)


class _Pages:
    """Pages on their way to the database. On SQLite up to `DEPTH` wait in the driver's
    thread, which writes them while Python goes on checking rows and preparing pages;
    elsewhere one at a time, since a connection runs one statement at a time. `settle`
    before any other statement."""

    def __init__(self, change: Change) -> None:
        self.change = change
        self.depth = DEPTH if change.conn.dialect.name == "sqlite" else 1
        self.pending: deque[asyncio.Future[None]] = deque()

    async def send(self, table: str, sql: str, columns: Columns) -> None:
        while len(self.pending) >= self.depth:
            await self.pending.popleft()
        self.pending.append(asyncio.ensure_future(send_page(self.change.conn, sql, columns)))
        await asyncio.sleep(0)  # let it reach the driver before Python goes on

    async def settle(self) -> None:
        while self.pending:
            await self.pending.popleft()

    def abandon(self) -> None:
        """On an error: the transaction rolls back, so pages not yet written are dropped."""
        for page in self.pending:
            page.cancel()
        self.pending.clear()


class _Recorded:
    """Pages kept instead of sent: a plan's pages made before the write lock is taken."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, str, Columns]] = []  # (table, INSERT text, values)

    async def send(self, table: str, sql: str, columns: Columns) -> None:
        self.pages.append((table, sql, columns))

    async def settle(self) -> None:
        """Nothing is on its way."""

    def abandon(self) -> None:
        self.pages.clear()


_model_facts: Callable[[NewModel], tuple[Any, ...]] = attrgetter(*MODEL_FACTS)
_score_facts: Callable[[NewScore], tuple[Any, ...]] = attrgetter(*SCORE_FACTS)


class PlanWriter:
    """Writes an import plan while its rows are still being checked, in one transaction.

    `write_new` writes what the plan gained since its last call (benchmarks, organizations,
    models, their names, scores) and returns while SQLite still writes it. A later row may
    still change a row written: fill a new model's facts, make another report of a pair
    current, give a model its release date; `finish` corrects those rows, applies the
    updates of existing rows (audited), appends the batch's events and runs the hooks once.
    Ids come from counters (SQLite: the write lock makes max(id) + 1 onwards ours) or from
    the sequences; the audit keeps new rows as runs of ids, so `/admin undo` takes it back.
    """

    def __init__(self, change: Change, plan: ImportPlan, batch: str) -> None:
        self.change = change
        self.plan = plan
        self.batch = batch
        self.pages: _Pages | _Recorded = _Pages(change)
        self.next_id: dict[str, int] = {}
        self.first_id: dict[str, int] = {}  # where each table's new ids start (SQLite)
        # the ids of rows this import creates, by key (an existing row's id maps to itself)
        self.benchmark_ids: dict[Ref, int] = {}
        self.org_ids: dict[Ref, int] = {}
        self.model_ids: dict[Ref, int] = {}
        self.done = Written(0, 0, 0, 0, 0, 0)  # plan rows written so far
        self.event_ids: list[int] = []
        self.statements: dict[tuple[str, tuple[str, ...]], tuple[str, Prepare]] = {}

    async def settle(self) -> None:
        """Wait for the pages sent so far: before any other statement on the connection."""
        await self.pages.settle()

    def abandon(self) -> None:
        """On an error (the transaction rolls back): drop the pages not yet written."""
        self.pages.abandon()

    async def _ids(self, table: Table, count: int) -> Sequence[int]:
        if self.change.conn.dialect.name != "sqlite":
            await self.pages.settle()
            return await reserve_ids(self.change, table, count)
        if table.name not in self.next_id:
            await self.pages.settle()
            self.next_id[table.name] = (await reserve_ids(self.change, table, 1))[0]
            self.first_id[table.name] = self.next_id[table.name]
        start = self.next_id[table.name]
        self.next_id[table.name] = start + count
        return range(start, start + count)

    async def _insert(
        self,
        table: Table,
        columns: tuple[str, ...],
        rows: Iterable[tuple[Any, ...]],
        ids: Sequence[int],
        *,
        audit: bool = True,
        encoded: tuple[str, ...] = (),
    ) -> None:
        """Send `rows` (values in `columns` order) with their `ids`, a page at a time."""
        if not ids:
            return
        if audit:
            self.change.inserted(table, ids)
        key = (table.name, columns)
        if (statement := self.statements.get(key)) is None:  # its converters remember values
            statement = self.statements[key] = _driver_insert(self.change, table, columns, encoded)
        sql, prepare = statement
        size = _page_size(self.change, len(columns) + 1)
        rows = iter(rows)
        for start in range(0, len(ids), size):
            page = list(islice(rows, size))
            await self.pages.send(table.name, sql, prepare(ids[start : start + len(page)], page))

    async def _names(self, kind: str, entities: list[tuple[str, str, int]]) -> None:
        """Each new entity answers to its name: (normalized key, label, id) rows."""
        rows = [(kind, key, label, entity_id) for key, label, entity_id in entities]
        ids = await self._ids(schema.names, len(rows))
        await self._insert(schema.names, ("kind", "key", "label", "entity_id"), rows, ids)

    async def write_new(self) -> None:
        """Write the rows the plan gained since the last call, in dependency order."""
        plan, done = self.plan, self.done
        benchmarks = plan.benchmarks[done.benchmarks :]
        ids = await self._ids(schema.benchmarks, len(benchmarks))
        specs = [tuple(c[k] for k in BENCHMARK_COLUMNS) for _, c in benchmarks]
        await self._insert(schema.benchmarks, BENCHMARK_COLUMNS, specs, ids)
        self.benchmark_ids.update(zip((key for key, _ in benchmarks), ids, strict=True))
        named = [(k, c["name"], i) for (k, c), i in zip(benchmarks, ids, strict=True)]
        await self._names("benchmark", named)

        orgs = plan.organizations[done.organizations :]
        ids = await self._ids(schema.organizations, len(orgs))
        rows = [(o.name, o.country, o.source) for o in orgs]
        await self._insert(schema.organizations, ("name", "country", "source"), rows, ids)
        self.org_ids.update(zip((o.key for o in orgs), ids, strict=True))
        await self._names(
            "organization", [(o.key, o.name, i) for o, i in zip(orgs, ids, strict=True)]
        )

        models = plan.models[done.models :]
        ids = await self._ids(schema.models, len(models))
        for m, i in zip(models, ids, strict=True):
            m.id, m.written = i, _model_facts(m)
            self.model_ids[m.key] = i
        org_id = self.org_ids.get
        rows = [
            (m.name, org_id(m.org, m.org), *_model_facts(m), "unknown", m.source) for m in models
        ]
        await self._insert(schema.models, MODEL_COLUMNS, rows, ids)
        await self._names("model", [(m.key, m.name, m.id) for m in models])

        scores = plan.scores[done.scores :]
        ids = await self._ids(schema.scores, len(scores))
        model_id, benchmark_id = self.model_ids.get, self.benchmark_ids.get
        for s, i in zip(scores, ids, strict=True):
            s.id, s.written = i, _score_facts(s)
        rows = [
            (
                model_id(s.model, s.model),
                benchmark_id(s.benchmark, s.benchmark),
                s.country,
                s.value,
                s.stderr,
                s.reported_on,
                s.source,
                self.change.actor,
                *_score_facts(s),
            )
            for s in scores
        ]
        await self._insert(schema.scores, SCORE_COLUMNS, rows, ids)
        await self._events(_score_events(scores, "added", self.change.at, self.batch), len(scores))
        self.done = Written(
            len(plan.benchmarks), len(plan.organizations), len(plan.models), len(plan.scores), 0, 0
        )

    async def _correct(self) -> None:
        """Rows written before a later row changed them get their final values."""
        await self._correct_rows(schema.models, MODEL_FACTS, self.plan.models, _model_facts)
        await self._correct_rows(schema.scores, SCORE_FACTS, self.plan.scores, _score_facts)

    async def _correct_rows(
        self,
        table: Table,
        facts: tuple[str, ...],
        rows: Sequence[Any],
        now: Callable[[Any], tuple[Any, ...]],
    ) -> None:
        params = [
            {"row_id": row.id, **dict(zip(facts, values, strict=True))}
            for row in rows
            if row.written != (values := now(row))
        ]
        if params:
            await _update_by_id(self.change, table, facts, params)

    async def _events(self, events: Iterable[tuple[Any, ...]], count: int) -> None:
        ids = await self._ids(schema.events, count)
        await self._insert(
            schema.events, EVENT_COLUMNS, events, ids, audit=False, encoded=("payload",)
        )
        self.event_ids.extend(ids)

    async def _last_events(self) -> None:
        plan, at, batch = self.plan, self.change.at, self.batch
        await self._events(_release_events(plan.models, at, batch), len(plan.models))
        changed = plan.changed_scores
        await self._events(_score_events(changed, "updated", at, batch), len(changed))

    async def finish(self) -> Written:
        """Write the rest, correct what later rows changed, update, append the events."""
        await self.write_new()
        await self._last_events()
        return await self._complete()

    async def prepare(self) -> None:
        """SQLite, before the write lock: make every page of the plan now, with ids from
        where each table ends (`change` may be a read connection's); `staged` hands them to
        `storage.bulk.staging.write_steps`, and `publish_staged` ends the import."""
        self.pages = _Recorded()
        await self.write_new()
        await self._last_events()

    async def publish(self, change: Change) -> Written | None:
        """A small import: write the pages `prepare` made in `change`'s transaction, then what
        `finish` does after them; None (nothing written) when a table's end moved meanwhile."""
        recorded = self.pages
        assert isinstance(recorded, _Recorded)
        for name, first in self.first_id.items():
            table = schema.metadata.tables[name]
            if (await reserve_ids(change, table, 1))[0] != first:
                return None
        change.rows.extend(self.change.rows)  # the new rows' runs of ids, for the audit
        self.change, self.pages = change, _Pages(change)
        for name, sql, columns in recorded.pages:
            await self.pages.send(name, sql, columns)
        return await self._complete(correct=False)  # pages made once all rows were checked

    def staged(self) -> tuple[dict[str, tuple[int, int]], list[tuple[str, str, Columns]]]:
        """After `prepare`: each table's run of new ids (first, last) and the pages that fill
        them, for `storage.bulk.staging.write_steps`."""
        recorded = self.pages
        assert isinstance(recorded, _Recorded)
        ranges = {
            name: (first, self.next_id[name] - 1)
            for name, first in self.first_id.items()
            if self.next_id[name] > first
        }
        return ranges, recorded.pages

    async def publish_staged(self, change: Change) -> Written:
        """In the publish's transaction, once the staged rows are written: what `finish`
        does after writing them (corrections, updates of existing rows, events' hooks)."""
        change.rows.extend(self.change.rows)  # the new rows' runs of ids, for the audit
        self.change, self.pages = change, _Pages(change)
        return await self._complete(correct=False)  # pages made once all rows were checked

    async def _complete(self, *, correct: bool = True) -> Written:
        plan = self.plan
        await self.pages.settle()
        if correct:
            await self._correct()
        await _updates(self.change, plan)
        await self.change.appended(self.event_ids)
        return Written(
            len(plan.benchmarks),
            len(plan.organizations),
            len(plan.models),
            len(plan.scores),
            len(plan.updates),
            len(self.event_ids),
        )
