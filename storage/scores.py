"""Scores: every source's report of a model on a benchmark; the newest report is current."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.changes import Change
from storage.rows import ScoreRow, Standing

s, m, o, b = schema.scores, schema.models, schema.organizations, schema.benchmarks


def _score_select() -> Select[Any]:
    return (
        select(s, m.c.name.label("model"), b.c.name.label("benchmark"), b.c.higher_is_better)
        .join(m, m.c.id == s.c.model_id)
        .join(b, b.c.id == s.c.benchmark_id)
    )


def _score(row: Any) -> ScoreRow:
    return ScoreRow(
        row.id,
        row.model_id,
        row.model,
        row.benchmark_id,
        row.benchmark,
        row.value,
        row.stderr,
        row.reported_on,
        row.source,
        row.added_by,
        row.is_current,
        row.higher_is_better,
    )


async def model_scores(
    conn: AsyncConnection,
    model_id: int,
    *,
    benchmark_id: int | None = None,
    current_only: bool = True,
) -> list[ScoreRow]:
    """A model's scores by benchmark name; all reports (newest first) unless `current_only`."""
    query = _score_select().where(s.c.model_id == model_id)
    if current_only:
        query = query.where(s.c.is_current.is_(True))
    if benchmark_id is not None:
        query = query.where(s.c.benchmark_id == benchmark_id)
    query = query.order_by(b.c.name, s.c.reported_on.desc(), s.c.id.desc())
    return [_score(r) for r in await conn.execute(query)]


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
    value = s.c.value
    query = (
        select(
            m.c.name,
            o.c.name.label("organization"),
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
        .where(and_(s.c.benchmark_id == benchmark_id, s.c.is_current.is_(True)))
        .order_by(value.desc() if higher_is_better else value.asc(), m.c.released, m.c.name)
    )
    if country is not None:
        query = query.where(o.c.country == country)
    if open_only:
        query = query.where(m.c.weights == "open")
    if reaching is not None:
        query = query.where(value >= reaching if higher_is_better else value <= reaching)
    if limit is not None:
        query = query.limit(limit)
    return [Standing(*row) for row in await conn.execute(query)]


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
    pair = and_(s.c.model_id == model_id, s.c.benchmark_id == benchmark_id)
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
                "source": source,
                "added_by": added_by,
                "is_current": False,
                **fields,
            },
        )
        status = "added"
    await _mark_current(change, model_id, benchmark_id)
    names = (
        await conn.execute(
            select(m.c.name, o.c.name, o.c.country, b.c.name)
            .join(o, o.c.id == m.c.org_id)
            .join(b, b.c.id == benchmark_id)
            .where(m.c.id == model_id)
        )
    ).one()
    await change.event(
        "score",
        f"{names[0]} scored {value:g} on {names[3]}",
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
            .where(s.c.model_id == model_id, s.c.benchmark_id == benchmark_id)
            .order_by(s.c.reported_on.desc(), s.c.id.desc())
        )
    ).all()
    for index, (score_id, is_current) in enumerate(rows):
        if is_current != (index == 0):
            await change.update(s, score_id, {"is_current": index == 0})
