"""Reads for the finding commands: /benchmarks, /models, /news and /timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from storage.bulk.staging import published
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import to_date
from storage.models import COLUMNS, model_row
from storage.rows import BenchmarkRow, ModelRow, NewsRow

b, s, m, o, n, e = (
    schema.benchmarks,
    schema.scores,
    schema.models,
    schema.organizations,
    schema.news,
    schema.events,
)


@dataclass(frozen=True)
class BenchmarkSummary:
    """A benchmark with how many models have a current score on it and the newest report."""

    benchmark: BenchmarkRow
    models: int
    last_report: date | None


@dataclass(frozen=True)
class AccessChange:
    """An access change as its event recorded it (the day it was recorded)."""

    on: date
    model: str
    summary: str


async def benchmark_summaries(conn: AsyncConnection) -> list[BenchmarkSummary]:
    current = (
        select(
            s.c.benchmark_id,
            func.count(func.distinct(s.c.model_id)).label("models"),
            func.max(s.c.reported_on).label("last"),
        )
        .where(s.c.is_current.is_(True), published(s))
        .group_by(s.c.benchmark_id)
        .subquery()
    )
    query = (
        select(
            b.c.id,
            b.c.name,
            b.c.description,
            b.c.unit,
            b.c.higher_is_better,
            b.c.min_value,
            b.c.max_value,
            b.c.source,
            func.coalesce(current.c.models, 0),
            current.c.last,
        )
        .outerjoin(current, current.c.benchmark_id == b.c.id)
        .where(published(b))
        .order_by(func.coalesce(current.c.models, 0).desc(), b.c.name)
    )
    return [
        BenchmarkSummary(BenchmarkRow(*row[:8]), int(row[8]), to_date(row[9]))
        for row in await conn.execute(query)
    ]


def _models() -> Select[Any]:
    return select(*COLUMNS).join(o, o.c.id == m.c.org_id).where(published(m))


async def models_where(
    conn: AsyncConnection,
    *,
    org_id: int | None = None,
    country: str | None = None,
    since: date | None = None,
    open_only: bool = False,
) -> list[ModelRow]:
    """Models matching every filter given, newest release first (undated last, then by name)."""
    query = _models()
    if org_id is not None:
        query = query.where(m.c.org_id == org_id)
    if country is not None:
        query = query.where(o.c.country == country)
    if since is not None:
        query = query.where(m.c.released >= since)
    if open_only:
        query = query.where(m.c.weights == "open")
    query = query.order_by(m.c.released.is_(None), m.c.released.desc(), m.c.name)
    return [model_row(row) for row in await conn.execute(query)]


async def news_where(
    conn: AsyncConnection,
    *,
    model_id: int | None = None,
    org_id: int | None = None,
    since: date | None = None,
) -> list[NewsRow]:
    """News about a model or an organization (or all), newest first, undated last."""
    query = (
        select(n.c.id, n.c.headline, n.c.happened_on, n.c.source, m.c.name, o.c.name)
        .outerjoin(m, m.c.id == n.c.model_id)
        .outerjoin(o, o.c.id == n.c.org_id)
    )
    if model_id is not None:
        query = query.where(n.c.model_id == model_id)
    if org_id is not None:
        query = query.where(n.c.org_id == org_id)
    if since is not None:
        query = query.where(n.c.happened_on >= since)
    query = query.order_by(n.c.happened_on.is_(None), n.c.happened_on.desc(), n.c.id.desc())
    return [NewsRow(*row[:2], to_date(row[2]), *row[3:]) for row in await conn.execute(query)]


async def access_changes(conn: AsyncConnection, models: list[str]) -> list[AccessChange]:
    """The access events of these models, oldest first."""
    if not models:
        return []
    query = (
        select(e.c.at, e.c.model, e.c.summary)
        .where(e.c.kind == "access", e.c.model.in_(models))
        .order_by(e.c.at, e.c.id)
    )
    return [
        AccessChange(at.date(), model, summary) for at, model, summary in await conn.execute(query)
    ]


async def provenance(conn: AsyncConnection, benchmark_id: int) -> tuple[list[str], date | None]:
    """The distinct sources of a benchmark's current scores and its newest report date."""
    query = (
        select(s.c.source, func.max(s.c.reported_on))
        .where(s.c.benchmark_id == benchmark_id, s.c.is_current.is_(True), published(s))
        .group_by(s.c.source)
        .order_by(func.count().desc(), s.c.source)
    )
    rows = list(await conn.execute(query))
    days = [day for _source, raw in rows if (day := to_date(raw)) is not None]
    return [source for source, _raw in rows], max(days, default=None)
