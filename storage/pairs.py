"""Reads for /gap: two models by name, then the benchmarks they share and the lag's rivals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    ScalarSelect,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)

from storage.bulk.staging import published
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import Query, run_together, to_date
from storage.models import COLUMNS as MODEL_COLUMNS
from storage.models import model_row
from storage.names import normalize
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


# (name, release day, score, release precision) of the models that can set a lag
Rivals = dict[tuple[int, str], list[tuple[str, date | None, float, str]]]
KEY_A, KEY_B = bindparam("key_a", type_=String), bindparam("key_b", type_=String)

MODELS_BY_KEY = Query(
    select(*MODEL_COLUMNS, n.c.key)
    .select_from(n)
    .join(m, m.c.id == n.c.entity_id)
    .join(o, o.c.id == m.c.org_id)
    .where(
        n.c.kind == "model",
        or_(n.c.key == KEY_A, n.c.key == KEY_B),
        published(n),
    )
)


def _model_id(key: BindParameter[str]) -> ScalarSelect[int]:
    # no need to leave out an import's names here: its rows are all left out of the pair
    return select(n.c.entity_id).where(n.c.kind == "model", n.c.key == key).scalar_subquery()


MODEL_A, MODEL_B = _model_id(KEY_A), _model_id(KEY_B)


def _shared() -> Subquery:
    """Each benchmark both models have: their scores, the leader's country, the trailing score."""
    sa, sb = s.alias("sa"), s.alias("sb")
    higher = b.c.higher_is_better.is_(True)
    a_leads = case((higher, sa.c.value > sb.c.value), else_=sa.c.value < sb.c.value)
    return (
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
                sb.c.model_id == MODEL_B,
                sb.c.is_current.is_(True),
                published(sb),
            ),
        )
        .join(b, b.c.id == sa.c.benchmark_id)
        .where(sa.c.model_id == MODEL_A, sa.c.is_current.is_(True), published(sa))
        .subquery("shared")
    )


def _reaches(score: FromClause, pair: FromClause) -> ColumnElement[bool]:
    """A current score of the leader's country at least as good as the pair's trailing one:
    one index range per benchmark."""
    return and_(
        score.c.benchmark_id == pair.c.benchmark_id,
        score.c.is_current.is_(True),
        score.c.country == pair.c.leader,
        published(score),
        case(
            (pair.c.higher_is_better.is_(True), score.c.value >= pair.c.trailing),
            else_=score.c.value <= pair.c.trailing,
        ),
    )


def _pairings_with_rivals() -> Query:
    """Each shared benchmark, once per rival that can set the lag (SPEC §3): of the leader's
    country's models whose score reaches the trailing one, the first released (ties kept),
    the undated ones and the pair itself (the lag leaves the trailing model out).
    """
    shared = _shared()
    other = s.alias("other")
    first_day = (
        select(func.min(other.c.released))
        .where(_reaches(other, shared), other.c.model_id.not_in((MODEL_A, MODEL_B)))
        .scalar_subquery()
    )
    # MATERIALIZED: the first day is found once per benchmark, not once per rival row
    pair = select(shared, first_day.label("first_day")).cte("pair").prefix_with("MATERIALIZED")
    rival = s.alias("rival")
    return Query(
        select(
            pair.c.benchmark_id,
            pair.c.benchmark,
            pair.c.higher_is_better,
            pair.c.a,
            pair.c.b,
            pair.c.leader,
            m.c.name,
            rival.c.released,
            rival.c.value,
            m.c.release_precision,
        )
        .select_from(pair)
        .outerjoin(rival, _reaches(rival, pair))
        .outerjoin(m, m.c.id == rival.c.model_id)
        .where(
            or_(
                rival.c.model_id.is_(None),
                rival.c.released.is_(None),
                rival.c.released == pair.c.first_day,
                rival.c.model_id.in_((MODEL_A, MODEL_B)),
            )
        )
    )


PAIRINGS_WITH_RIVALS = _pairings_with_rivals()


@dataclass(frozen=True)
class Comparison:
    """Two models by name, the benchmarks both have (by name) and, keyed with each one's
    leader's country, the models of that country that can set the lag."""

    models: dict[str, ModelRow]  # by normalized name; an unknown name is absent
    pairings: list[Pairing]
    rivals: Rivals


async def compare(conn: AsyncConnection, name_a: str, name_b: str) -> Comparison:
    """Both models and what /gap compares of them, in two queries run together."""
    keys = {"key_a": normalize(name_a), "key_b": normalize(name_b)}
    models, rows = await run_together(conn, (MODELS_BY_KEY, keys), (PAIRINGS_WITH_RIVALS, keys))
    width = len(MODEL_COLUMNS)
    pairings: dict[int, Pairing] = {}
    rivals: Rivals = {}
    for benchmark_id, benchmark, higher, value_a, value_b, leader, rival, day, value, how in rows:
        if benchmark_id not in pairings:
            pairings[benchmark_id] = Pairing(
                benchmark_id, benchmark, bool(higher), value_a, value_b
            )
        if rival is not None:
            found = (rival, to_date(day), value, how or "day")
            rivals.setdefault((benchmark_id, leader), []).append(found)
    return Comparison(
        {row[width]: model_row(row[:width]) for row in models},
        sorted(pairings.values(), key=lambda p: p.benchmark),
        rivals,
    )
