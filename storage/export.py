"""Reading the race data out in bulk (`racewatch export`): every score with its model and
benchmark, and the models that have no score yet, in the order an import writes them back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func, select

from storage.bulk.staging import published
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import to_date

m, o, b, s = schema.models, schema.organizations, schema.benchmarks, schema.scores
PARTITION = 2_000  # rows fetched per driver call


@dataclass(frozen=True)
class ExportFilter:
    """Which rows to export; the default is everything."""

    benchmark_id: int | None = None
    country: str | None = None
    org_id: int | None = None
    model_id: int | None = None
    since: date | None = None  # scores reported on or after this day
    current_only: bool = False  # only the current report of each model and benchmark

    @property
    def scores_only(self) -> bool:
        """Whether the filter is about scores, so that models without one are left out."""
        return self.benchmark_id is not None or self.since is not None


@dataclass(frozen=True, slots=True)
class ModelFacts:
    name: str
    organization: str
    country: str
    released: date | None
    release_precision: str | None
    weights: str | None
    params_b: float | None
    context_tokens: int | None
    source: str


@dataclass(frozen=True, slots=True)
class ScoreFacts:
    benchmark: str
    value: float
    stderr: float | None
    reported_on: date
    source: str
    unit: str
    higher_is_better: bool
    min_value: float | None
    max_value: float | None
    description: str
    benchmark_source: str


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One line of an export: a model, and one of its scores (None for a model without)."""

    model: ModelFacts
    score: ScoreFacts | None


MODEL_COLUMNS = (
    m.c.name,
    o.c.name,
    o.c.country,
    m.c.released,
    m.c.release_precision,
    m.c.weights,
    m.c.params_b,
    m.c.context_tokens,
    m.c.source,
)
SCORE_COLUMNS = (
    b.c.name,
    s.c.value,
    s.c.stderr,
    s.c.reported_on,
    s.c.source,
    b.c.unit,
    b.c.higher_is_better,
    b.c.min_value,
    b.c.max_value,
    b.c.description,
    b.c.source,
)


def _models(query: Select[Any], f: ExportFilter) -> Select[Any]:
    query = query.join(o, o.c.id == m.c.org_id).where(published(m))
    if f.country is not None:
        query = query.where(o.c.country == f.country)
    if f.org_id is not None:
        query = query.where(m.c.org_id == f.org_id)
    if f.model_id is not None:
        query = query.where(m.c.id == f.model_id)
    return query


def scores_query(f: ExportFilter) -> Select[Any]:
    """Scores by model, then benchmark, oldest report first: an import marks the last of
    the newest day current, as the database did (newest report, then highest id)."""
    query = _models(
        select(*MODEL_COLUMNS, *SCORE_COLUMNS)
        .select_from(s)
        .join(m, m.c.id == s.c.model_id)
        .join(b, b.c.id == s.c.benchmark_id),
        f,
    )
    query = query.where(published(s))
    if f.benchmark_id is not None:
        query = query.where(s.c.benchmark_id == f.benchmark_id)
    if f.since is not None:
        query = query.where(s.c.reported_on >= f.since)
    if f.current_only:
        query = query.where(s.c.is_current.is_(True))
    return query.order_by(m.c.id, b.c.id, s.c.reported_on, s.c.id)


def models_without_scores_query(f: ExportFilter) -> Select[Any]:
    query = _models(select(*MODEL_COLUMNS).select_from(m), f)
    scored = exists().where(s.c.model_id == m.c.id, published(s))
    return query.where(~scored).order_by(m.c.id)


def _model(row: Any) -> ModelFacts:
    return ModelFacts(
        row[0], row[1], row[2], to_date(row[3]), row[4], row[5], row[6], row[7], row[8]
    )


def _score(row: Any) -> ScoreFacts:
    reported = to_date(row[12])
    assert reported is not None
    return ScoreFacts(
        row[9], row[10], row[11], reported, row[13], row[14], bool(row[15]), *row[16:20]
    )


async def export_rows(conn: AsyncConnection, f: ExportFilter) -> AsyncIterator[ExportRow]:
    """Every matching score (with its model), then the matching models without a score."""
    result = await conn.stream(scores_query(f))
    async for part in result.partitions(PARTITION):
        for row in part:
            yield ExportRow(_model(row), _score(row))
    if f.scores_only:
        return
    result = await conn.stream(models_without_scores_query(f))
    async for part in result.partitions(PARTITION):
        for row in part:
            yield ExportRow(_model(row), None)


async def count_rows(conn: AsyncConnection, f: ExportFilter) -> int:
    """How many rows `export_rows` yields (for a progress bar)."""
    total = 0
    queries = [scores_query(f)] + ([] if f.scores_only else [models_without_scores_query(f)])
    for query in queries:
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        total += int((await conn.execute(counted)).scalar_one())
    return total
