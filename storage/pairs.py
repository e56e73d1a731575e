"""Reads for /gap: two models with their current scores, and the rivals that set the lag."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, String, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.models import COLUMNS as MODEL_COLUMNS
from storage.models import model_row
from storage.names import normalize
from storage.query import Query, to_date
from storage.rows import ModelRow

s, m, o, b = schema.scores, schema.models, schema.organizations, schema.benchmarks
n = schema.names


class Scored(NamedTuple):
    """A model's current score on one benchmark: what /gap compares."""

    benchmark_id: int
    benchmark: str
    value: float
    higher_is_better: bool


def _with_scores() -> Query:
    """Models by name key, each row with one of its current scores (or none)."""
    key_a, key_b = bindparam("key_a", type_=String), bindparam("key_b", type_=String)
    return Query(
        select(*MODEL_COLUMNS, n.c.key, s.c.benchmark_id, b.c.name, s.c.value, b.c.higher_is_better)
        .select_from(n)
        .join(m, m.c.id == n.c.entity_id)
        .join(o, o.c.id == m.c.org_id)
        .outerjoin(s, and_(s.c.model_id == m.c.id, s.c.is_current.is_(True)))
        .outerjoin(b, b.c.id == s.c.benchmark_id)
        .where(n.c.kind == "model", or_(n.c.key == key_a, n.c.key == key_b))
    )


WITH_SCORES = _with_scores()


async def two_models_with_scores(
    conn: AsyncConnection, name_a: str, name_b: str
) -> dict[str, tuple[ModelRow, list[Scored]]]:
    """Both models (by name or alias) with their current scores, in one query.

    Keyed by the normalized name; a name that stands for no model is absent.
    """
    found: dict[str, tuple[ModelRow, list[Scored]]] = {}
    width = len(MODEL_COLUMNS)
    for row in await WITH_SCORES.all(conn, key_a=normalize(name_a), key_b=normalize(name_b)):
        key = row[width]
        if key not in found:  # the model's columns repeat on each of its score rows
            found[key] = (model_row(row[:width]), [])
        scores = found[key][1]
        if row[width + 1] is not None:
            bench_id, bench, value, higher = row[width + 1 :]
            scores.append(Scored(bench_id, bench, value, bool(higher)))
    return found


def _rivals(higher_is_better: bool) -> Select[Any]:
    """The leader's country's scores reaching the trailing score of a pair, per shared benchmark.

    The trailing score is the pair's lower one (the higher one where lower is better), so
    each branch is a range on the covering index.
    """
    pair = s.alias("pair")
    model_a, model_b = bindparam("model_a", type_=Integer), bindparam("model_b", type_=Integer)
    a_value = func.max(case((pair.c.model_id == model_a, pair.c.value)))
    b_value = func.max(case((pair.c.model_id == model_b, pair.c.value)))
    a_leads = a_value > b_value if higher_is_better else a_value < b_value
    trailing = (
        select(
            pair.c.benchmark_id,
            (func.min if higher_is_better else func.max)(pair.c.value).label("value"),
            case(
                (a_leads, bindparam("country_a", type_=String)),
                else_=bindparam("country_b", type_=String),
            ).label("country"),
        )
        .where(pair.c.model_id.in_((model_a, model_b)), pair.c.is_current.is_(True))
        .group_by(pair.c.benchmark_id)
        .having(func.count() == 2)
        .subquery("trailing")
    )
    value, at = s.c.value, trailing.c.value
    return (
        select(s.c.benchmark_id, s.c.country, m.c.name, m.c.released, value)
        .select_from(trailing)
        .join(b, b.c.id == trailing.c.benchmark_id)
        .join(s, s.c.benchmark_id == trailing.c.benchmark_id)
        .join(m, m.c.id == s.c.model_id)
        .where(
            b.c.higher_is_better.is_(higher_is_better),
            s.c.is_current.is_(True),
            s.c.country == trailing.c.country,
            value >= at if higher_is_better else value <= at,
        )
    )


RIVALS = Query(union_all(_rivals(True), _rivals(False)))

Rivals = dict[tuple[int, str], list[tuple[str, date | None, float]]]


async def lag_rivals(conn: AsyncConnection, a: ModelRow, b: ModelRow) -> Rivals:
    """For each benchmark both models have, keyed with the leader's country: the models of
    that country that reached the trailing score, as (model, released, value). One query.
    """
    rows = await RIVALS.all(
        conn, model_a=a.id, model_b=b.id, country_a=a.country, country_b=b.country
    )
    found: Rivals = {}
    for benchmark_id, country, name, released, value in rows:
        found.setdefault((benchmark_id, country), []).append((name, to_date(released), value))
    return found
