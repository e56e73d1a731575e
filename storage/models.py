"""Models: releases with their organization, size, weights, licence and access."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from storage.bulk.staging import published
from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import Query, to_date
from storage.names import add_name, normalize
from storage.rows import ModelRow

m, o, n = schema.models, schema.organizations, schema.names
CHUNK = 500  # model ids per IN (...)
COLUMNS = (
    m.c.id,
    m.c.name,
    m.c.org_id,
    o.c.name,
    o.c.country,
    m.c.released,
    m.c.release_precision,
    m.c.params_b,
    m.c.context_tokens,
    m.c.weights,
    m.c.licence,
    m.c.access,
    m.c.access_note,
    m.c.source,
)


def _select() -> Select[Any]:
    return select(*COLUMNS).join(o, o.c.id == m.c.org_id)


BY_ID = Query(_select().where(m.c.id == bindparam("id")))
BY_NAME = Query(
    _select()
    .join(n, n.c.entity_id == m.c.id)
    .where(n.c.kind == "model", n.c.key == bindparam("key"), published(n))
)


def model_row(row: tuple[Any, ...]) -> ModelRow:
    """A model from the `COLUMNS` of a row, in order."""
    return ModelRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        to_date(row[5]),
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
        row[12],
        row[13],
    )


async def get_model(conn: AsyncConnection, model_id: int) -> ModelRow:
    row = await BY_ID.first(conn, id=model_id)
    if row is None:
        raise LookupError(f"no model #{model_id}")
    return model_row(row)


async def find_model(conn: AsyncConnection, name: str) -> ModelRow | None:
    """The model a name or alias stands for, in one query."""
    row = await BY_NAME.first(conn, key=normalize(name))
    return None if row is None else model_row(row)


async def count_models(conn: AsyncConnection) -> int:
    count = select(func.count()).select_from(m).where(published(m))
    return int((await conn.execute(count)).scalar_one())


async def add_model(
    change: Change,
    values: Mapping[str, Any],
    aliases: tuple[str, ...] = (),
    *,
    credit: str | None = None,
) -> int:
    """Insert a model with its names and append its release event (`credit`: its source,
    said in the alert, for a release a feed found)."""
    model_id = await change.insert(m, dict(values))
    for label in (values["name"], *aliases):
        await add_name(change, "model", label, model_id)
    model = await get_model(change.conn, model_id)
    released = _when(model.released, model.release_precision)
    said = f"{model.name} ({model.organization}, {model.country}) released {released}"
    await change.event(
        "release",
        said + (f" (source: {credit})" if credit else ""),
        model=model.name,
        organization=model.organization,
        country=model.country,
        payload={"model_id": model_id, "released": released, "weights": model.weights}
        | ({"source": credit} if credit else {}),
    )
    return model_id


async def edit_model(change: Change, model_id: int, values: Mapping[str, Any]) -> None:
    await change.update(m, model_id, values)
    if "org_id" in values or "released" in values:
        await scores_follow(change, [model_id])


async def scores_follow(change: Change, model_ids: Iterable[int]) -> None:
    """A model's scores carry its country and release date: set them from the model where
    they differ (after an edit, or an undo that put back a model's or a score's old values),
    audited. `storage.check.score_copies` verifies it."""
    scores = schema.scores
    wanted = sorted(set(model_ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = await change.conn.execute(
            select(scores.c.id, o.c.country, m.c.released)
            .join(m, m.c.id == scores.c.model_id)
            .join(o, o.c.id == m.c.org_id)
            .where(
                scores.c.model_id.in_(chunk),
                published(scores),
                (scores.c.country != o.c.country)
                | scores.c.released.is_distinct_from(m.c.released),
            )
            .order_by(scores.c.id)
        )
        for score_id, country, released in rows.all():
            await change.update(
                scores, score_id, {"country": country, "released": to_date(released)}
            )


async def set_access(change: Change, model_id: int, access: str, note: str | None) -> None:
    """Change a model's access status and record it as an event."""
    await change.update(m, model_id, {"access": access, "access_note": note})
    model = await get_model(change.conn, model_id)
    await change.event(
        "access",
        f"{model.name} is now {access}" + (f": {note}" if note else ""),
        model=model.name,
        organization=model.organization,
        country=model.country,
        payload={"model_id": model_id, "access": access, "note": note},
    )


def _when(day: date | None, precision: str | None) -> str:
    if day is None:
        return "(date unknown)"
    if precision == "month":
        return day.strftime("%Y-%m")
    if precision == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return day.isoformat()


release_label = _when
