"""Reads for /gap: two models by name, then the benchmarks they share and the lag's rivals."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Integer, String, and_, bindparam, case, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.models import COLUMNS as MODEL_COLUMNS
from storage.models import model_row
from storage.names import normalize
from storage.query import Query, to_date
from storage.rows import ModelRow

s, m, o, b = schema.scores, schema.models, schema.organizations, schema.benchmarks
n = schema.names


class Pairing(NamedTuple):
    """Both models' current scores on a benchmark they share."""

    benchmark_id: int
    benchmark: str
    higher_is_better: bool
    a: float
    b: float

    @property
    def edge(self) -> float:
        """A's advantage in points."""
        return self.a - self.b if self.higher_is_better else self.b - self.a


Rivals = dict[tuple[int, str], list[tuple[str, date | None, float]]]

MODELS_BY_KEY = Query(
    select(*MODEL_COLUMNS, n.c.key)
    .select_from(n)
    .join(m, m.c.id == n.c.entity_id)
    .join(o, o.c.id == m.c.org_id)
    .where(
        n.c.kind == "model",
        or_(
            n.c.key == bindparam("key_a", type_=String),
            n.c.key == bindparam("key_b", type_=String),
        ),
    )
)


async def two_models(conn: AsyncConnection, name_a: str, name_b: str) -> dict[str, ModelRow]:
    """Both models by name or alias, keyed by the normalized name; an unknown name is absent."""
    width = len(MODEL_COLUMNS)
    rows = await MODELS_BY_KEY.all(conn, key_a=normalize(name_a), key_b=normalize(name_b))
    return {row[width]: model_row(row[:width]) for row in rows}


def _pairings_with_rivals() -> Query:
    """Each benchmark both models have, once per rival: a model of the leader's country whose
    current score reaches the trailing one (the leader itself always does).
    """
    sa, sb, rival = s.alias("sa"), s.alias("sb"), s.alias("rival")
    higher = b.c.higher_is_better.is_(True)
    a_leads = case((higher, sa.c.value > sb.c.value), else_=sa.c.value < sb.c.value)
    pair = (
        select(
            sa.c.benchmark_id,
            b.c.name.label("benchmark"),
            b.c.higher_is_better,
            sa.c.value.label("a"),
            sb.c.value.label("b"),
            case((a_leads, sa.c.country), else_=sb.c.country).label("leader"),
            case((a_leads, sb.c.value), else_=sa.c.value).label("trailing"),
        )
        .join_from(
            sa,
            sb,
            and_(
                sb.c.benchmark_id == sa.c.benchmark_id,
                sb.c.model_id == bindparam("model_b", type_=Integer),
                sb.c.is_current.is_(True),
            ),
        )
        .join(b, b.c.id == sa.c.benchmark_id)
        .where(sa.c.model_id == bindparam("model_a", type_=Integer), sa.c.is_current.is_(True))
        .subquery("pair")
    )
    reaches = case(
        (pair.c.higher_is_better.is_(True), rival.c.value >= pair.c.trailing),
        else_=rival.c.value <= pair.c.trailing,
    )
    return Query(
        select(
            pair.c.benchmark_id,
            pair.c.benchmark,
            pair.c.higher_is_better,
            pair.c.a,
            pair.c.b,
            pair.c.leader,
            m.c.name,
            m.c.released,
            rival.c.value,
        )
        .select_from(pair)
        .outerjoin(
            rival,
            and_(
                rival.c.benchmark_id == pair.c.benchmark_id,
                rival.c.is_current.is_(True),
                rival.c.country == pair.c.leader,  # one index range per benchmark
                reaches,
            ),
        )
        .outerjoin(m, m.c.id == rival.c.model_id)
    )


PAIRINGS_WITH_RIVALS = _pairings_with_rivals()


async def pairings_with_rivals(
    conn: AsyncConnection, a: ModelRow, b: ModelRow
) -> tuple[list[Pairing], Rivals]:
    """The benchmarks both models have (by name), and for each, keyed with the leader's
    country, the models of that country that reached the trailing score and can set the
    lag, as (model, released, value). One query.

    The lag is set by the first of them to be released, so only the earliest (ties kept),
    the undated ones and the pair itself (the lag leaves the trailing model out) are built.
    """
    pairings: dict[int, Pairing] = {}
    grouped: dict[tuple[int, str], list[tuple[str, Any, float]]] = {}
    rows = await PAIRINGS_WITH_RIVALS.all(conn, model_a=a.id, model_b=b.id)
    for benchmark_id, benchmark, higher, value_a, value_b, leader, rival, day, value in rows:
        if benchmark_id not in pairings:
            pairings[benchmark_id] = Pairing(
                benchmark_id, benchmark, bool(higher), value_a, value_b
            )
        if rival is not None:
            grouped.setdefault((benchmark_id, leader), []).append((rival, day, value))
    pair = (a.name, b.name)
    return (
        sorted(pairings.values(), key=lambda p: p.benchmark),
        {key: _lag_setters(found, pair) for key, found in grouped.items()},
    )


def _lag_setters(
    rivals: list[tuple[str, Any, float]], pair: tuple[str, str]
) -> list[tuple[str, date | None, float]]:
    first = min(
        (day for name, day, _ in rivals if day is not None and name not in pair), default=None
    )
    return [
        (name, to_date(day), value)
        for name, day, value in rivals
        if day is None or day == first or name in pair
    ]
