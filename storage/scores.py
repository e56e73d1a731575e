"""Scores: every source's report of a model on a benchmark; the newest report is current."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.bulk.staging import published
from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import NO_LIMIT, Query, to_date
from storage.figures import figure
from storage.rows import ScoreRow, Standing

s, m, o, b = schema.scores, schema.models, schema.organizations, schema.benchmarks
n = schema.names


SCORE_COLUMNS = (
    s.c.id,
    s.c.model_id,
    m.c.name,
    s.c.benchmark_id,
    b.c.name,
    s.c.value,
    s.c.stderr,
    s.c.reported_on,
    s.c.source,
    s.c.added_by,
    s.c.is_current,
    b.c.higher_is_better,
)
_MODEL_SCORES = (
    select(*SCORE_COLUMNS)
    .join(m, m.c.id == s.c.model_id)
    .join(b, b.c.id == s.c.benchmark_id)
    .where(
        s.c.model_id == bindparam("model_id"),
        published(s),
        or_(
            bindparam("benchmark_id", type_=Integer).is_(None),
            s.c.benchmark_id == bindparam("benchmark_id", type_=Integer),
        ),
    )
    .order_by(b.c.name, s.c.reported_on.desc(), s.c.id.desc())
)
CURRENT_SCORES = Query(_MODEL_SCORES.where(s.c.is_current.is_(True)))
ALL_SCORES = Query(_MODEL_SCORES)


def score_row(row: tuple[Any, ...]) -> ScoreRow:
    reported = to_date(row[7])
    assert reported is not None
    return ScoreRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        reported,
        row[8],
        row[9],
        bool(row[10]),
        bool(row[11]),
    )


async def model_scores(
    conn: AsyncConnection,
    model_id: int,
    *,
    benchmark_id: int | None = None,
    current_only: bool = True,
) -> list[ScoreRow]:
    """A model's scores by benchmark name; all reports (newest first) unless `current_only`."""
    query = CURRENT_SCORES if current_only else ALL_SCORES
    return [
        score_row(r) for r in await query.all(conn, model_id=model_id, benchmark_id=benchmark_id)
    ]


class byte_order(FunctionElement[str]):
    """A text compared by code point on every database (PostgreSQL's may follow a locale)."""

    type = String()
    inherit_cache = True


@compiles(byte_order)
def _byte_order(element: byte_order, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))  # SQLite compares bytes (BINARY)


@compiles(byte_order, "postgresql")
def _byte_order_postgresql(element: byte_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def tie_order(value: Any, higher_is_better: bool, released: Any, name: Any) -> tuple[Any, ...]:
    """The one ranking order, the same on SQLite and PostgreSQL and in `frontier.best`: best
    score first; among equal scores the earlier release, dated before undated; then the name
    by code point."""
    best = value.desc() if higher_is_better else value.asc()
    return best, released.is_(None), released.asc(), byte_order(name)


def _standings(higher_is_better: bool) -> Query:
    """Current scores on a benchmark, best first, with optional filters as parameters."""
    value = s.c.value
    country = bindparam("country", type_=String)
    reaching = bindparam("reaching", type_=Float)
    return Query(
        select(
            m.c.name,
            o.c.name,
            o.c.country,
            m.c.released,
            m.c.release_precision,
            m.c.weights,
            value,
            s.c.reported_on,
        )
        .select_from(s)
        .join(m, m.c.id == s.c.model_id)
        .join(o, o.c.id == m.c.org_id)
        .where(
            s.c.benchmark_id == bindparam("benchmark_id"),
            s.c.is_current.is_(True),
            published(s),
            or_(country.is_(None), o.c.country == country),
            or_(bindparam("open_only", type_=Boolean).is_(False), m.c.weights == "open"),
            or_(reaching.is_(None), value >= reaching if higher_is_better else value <= reaching),
        )
        .order_by(*tie_order(value, higher_is_better, m.c.released, m.c.name))
        .limit(bindparam("limit", type_=Integer))
    )


STANDINGS = {True: _standings(True), False: _standings(False)}


async def standings(
    conn: AsyncConnection,
    benchmark_id: int,
    *,
    country: str | None = None,
    open_only: bool = False,
    reaching: float | None = None,
    higher_is_better: bool = True,
    limit: int | None = None,
) -> list[Standing]:
    """Current scores on a benchmark, best first; `reaching` keeps those at least that good."""
    rows = await STANDINGS[higher_is_better].all(
        conn,
        benchmark_id=benchmark_id,
        country=country,
        open_only=open_only,
        reaching=reaching,
        limit=NO_LIMIT if limit is None else limit,
    )
    return [Standing(r[0], r[1], r[2], to_date(r[3]), r[4], r[5], r[6], _day(r[7])) for r in rows]


def _day(value: Any) -> date:
    day = to_date(value)
    assert day is not None
    return day


async def add_score(
    change: Change,
    *,
    model_id: int,
    benchmark_id: int,
    value: float,
    reported_on: date,
    source: str,
    added_by: str,
    stderr: float | None = None,
    batch: str | None = None,
) -> str:
    """Record one source's report; returns "added", "updated" or "unchanged"."""
    conn = change.conn
    names = (
        await conn.execute(
            select(m.c.name, o.c.name, o.c.country, b.c.name, m.c.released)
            .join(o, o.c.id == m.c.org_id)
            .join(b, b.c.id == benchmark_id)
            .where(m.c.id == model_id)
        )
    ).one()
    pair = and_(s.c.model_id == model_id, s.c.benchmark_id == benchmark_id, published(s))
    same = (await conn.execute(select(s).where(pair, s.c.source == source))).first()
    fields = {"value": value, "stderr": stderr, "reported_on": reported_on}
    if same is not None and all(getattr(same, k) == v for k, v in fields.items()):
        return "unchanged"
    if same is not None:
        await change.update(s, same.id, {**fields, "added_by": added_by})
        status = "updated"
    else:
        await change.insert(
            s,
            {
                "model_id": model_id,
                "benchmark_id": benchmark_id,
                "country": names[2],
                "released": names[4],
                "source": source,
                "added_by": added_by,
                "is_current": False,
                **fields,
            },
        )
        status = "added"
    await _mark_current(change, model_id, benchmark_id)
    await change.event(
        "score",
        f"{names[0]} scored {figure(value)} on {names[3]}",
        model=names[0],
        organization=names[1],
        country=names[2],
        benchmark=names[3],
        batch=batch,
        payload={"value": value, "source": source, "reported_on": reported_on, "status": status},
    )
    return status


async def _mark_current(change: Change, model_id: int, benchmark_id: int) -> None:
    """Flag the newest report of the pair as current, and only it."""
    rows = (
        await change.conn.execute(
            select(s.c.id, s.c.is_current)
            .where(s.c.model_id == model_id, s.c.benchmark_id == benchmark_id, published(s))
            .order_by(s.c.reported_on.desc(), s.c.id.desc())
        )
    ).all()
    for index, (score_id, is_current) in enumerate(rows):
        if is_current != (index == 0):
            await change.update(s, score_id, {"is_current": index == 0})
