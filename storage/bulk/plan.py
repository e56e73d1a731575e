"""A bulk import's plan, and the snapshot of the database it is checked against.

The snapshot is read once (a few queries, not one per row) so that checking 100,000 rows
costs dictionary look-ups; the plan lists exactly the rows to insert and update, so that
`storage.bulk.writer` can write it with a handful of `executemany` calls in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from storage.bulk.staging import published
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import Query, to_date
from storage.names import normalize
from storage.rows import BenchmarkRow, OrganizationRow

Ref = int | str  # an existing row's id, or the key of a row this import creates


@dataclass(slots=True)
class KnownModel:
    id: int
    name: str
    org_id: int
    released: date | None
    release_precision: str | None
    weights: str | None
    params_b: float | None
    context_tokens: int | None


@dataclass(slots=True)
class KnownScore:
    id: int
    value: float
    stderr: float | None
    reported_on: date
    is_current: bool
    added_by: str


@dataclass
class Snapshot:
    """Names (aliases included, by normalized key) and every score report, by pair."""

    orgs: dict[str, OrganizationRow]
    models: dict[str, KnownModel]
    benchmarks: dict[str, BenchmarkRow]
    scores: dict[tuple[int, int], dict[str, KnownScore]]  # (model, benchmark) -> source -> report
    org_names: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class NewOrganization:
    key: str
    name: str
    country: str
    source: str


@dataclass(slots=True)
class NewModel:
    key: str
    name: str
    org: Ref
    organization: str
    country: str
    released: date | None
    release_precision: str | None
    weights: str | None
    params_b: float | None
    context_tokens: int | None
    source: str
    id: int = 0  # once written (storage.bulk.writer.PlanWriter)
    written: tuple[Any, ...] = ()  # its facts as written, to correct them if a row fills one


@dataclass(slots=True)
class NewScore:
    model: Ref
    benchmark: Ref
    value: float
    stderr: float | None
    reported_on: date
    source: str
    model_name: str
    organization: str
    country: str
    benchmark_name: str
    is_current: bool = False
    row: int = 0  # the file's row that gave it
    released: date | None = None  # the model's, once every row is checked (a row may fill it)
    id: int = 0  # once written (storage.bulk.writer.PlanWriter)
    written: tuple[Any, ...] = ()  # (is_current, released) as written, corrected at the end


@dataclass(slots=True)
class RowUpdate:
    """An existing row's columns before and after (kept for the audit log and undo)."""

    table: str
    id: int
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class ImportPlan:
    """Everything an import will write, in dependency order."""

    benchmarks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (key, columns)
    organizations: list[NewOrganization] = field(default_factory=list)
    models: list[NewModel] = field(default_factory=list)
    scores: list[NewScore] = field(default_factory=list)
    updates: list[RowUpdate] = field(default_factory=list)
    changed_scores: list[NewScore] = field(default_factory=list)  # updated values, for events
    benchmarks_touched: set[Ref] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (
            self.benchmarks or self.organizations or self.models or self.scores or self.updates
        )


m, n, s = schema.models, schema.names, schema.scores
# The big reads, in one driver call each (`Query`): rows as plain tuples.
# rows of an import still being written are left out (storage.bulk.staging)
_NAMES = Query(select(n.c.kind, n.c.key, n.c.entity_id).where(published(n)))
_MODELS = Query(
    select(
        m.c.id,
        m.c.name,
        m.c.org_id,
        m.c.released,
        m.c.release_precision,
        m.c.weights,
        m.c.params_b,
        m.c.context_tokens,
    ).where(published(m))
)
_SCORES = Query(
    select(
        s.c.id,
        s.c.model_id,
        s.c.benchmark_id,
        s.c.source,
        s.c.value,
        s.c.stderr,
        s.c.reported_on,
        s.c.is_current,
        s.c.added_by,
    ).where(published(s))
)


@lru_cache(maxsize=4096)
def _day(value: Any) -> Any:
    """A stored date (ISO text on SQLite) as a date; dates repeat, so they are remembered."""
    return to_date(value)


async def data_version(conn: AsyncConnection) -> int:
    """The latest audit entry's id. Every write to the names, organizations, models,
    benchmarks and scores is audited, so while it stays the same so does a snapshot."""
    return int((await conn.execute(select(func.max(schema.audit.c.id)))).scalar() or 0)


async def load_snapshot(conn: AsyncConnection) -> Snapshot:
    """Read what an import needs to know, in five queries."""
    o, b = schema.organizations, schema.benchmarks
    orgs = {
        r.id: OrganizationRow(r.id, r.name, r.country, r.source)
        for r in await conn.execute(select(o).where(published(o)))
    }
    models = {
        r[0]: KnownModel(r[0], r[1], r[2], _day(r[3]), *r[4:]) for r in await _MODELS.all(conn)
    }
    benchmarks = {
        r.id: BenchmarkRow(
            r.id,
            r.name,
            r.description,
            r.unit,
            r.higher_is_better,
            r.min_value,
            r.max_value,
            r.source,
        )
        for r in await conn.execute(select(b).where(published(b)))
    }
    snapshot = Snapshot({}, {}, {}, {}, {i: org.name for i, org in orgs.items()})
    tables: dict[str, tuple[dict[str, Any], dict[int, Any]]] = {
        "organization": (snapshot.orgs, orgs),
        "model": (snapshot.models, models),
        "benchmark": (snapshot.benchmarks, benchmarks),
    }
    for kind, key, entity_id in await _NAMES.all(conn):
        if kind in tables and entity_id in tables[kind][1]:
            tables[kind][0][key] = tables[kind][1][entity_id]
    for name, table in (("organization", orgs), ("model", models), ("benchmark", benchmarks)):
        for row in table.values():  # canonical names, even if the names table missed one
            tables[name][0].setdefault(normalize(row.name), row)
    scores = snapshot.scores
    for sid, model, bench, source, value, stderr, reported, current, added_by in await _SCORES.all(
        conn
    ):  # one dict per pair: source -> its report
        scores.setdefault((model, bench), {})[source] = KnownScore(
            sid, value, stderr, _day(reported), bool(current), added_by
        )
    return snapshot
