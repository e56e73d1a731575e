"""Models: releases with their organization, size, weights, licence and access."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import schema
from storage.changes import Change
from storage.names import add_name
from storage.rows import ModelRow

m, o = schema.models, schema.organizations


def _select() -> Select[Any]:
    return select(m, o.c.name.label("organization"), o.c.country).join(o, o.c.id == m.c.org_id)


def _row(row: Any) -> ModelRow:
    return ModelRow(
        row.id,
        row.name,
        row.org_id,
        row.organization,
        row.country,
        row.released,
        row.release_precision,
        row.params_b,
        row.context_tokens,
        row.weights,
        row.licence,
        row.access,
        row.access_note,
        row.source,
    )


async def get_model(conn: AsyncConnection, model_id: int) -> ModelRow:
    return _row((await conn.execute(_select().where(m.c.id == model_id))).one())


async def count_models(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(m))).scalar_one())


async def add_model(
    change: Change, values: Mapping[str, Any], aliases: tuple[str, ...] = ()
) -> int:
    """Insert a model with its names and append its release event."""
    model_id = await change.insert(m, dict(values))
    for label in (values["name"], *aliases):
        await add_name(change, "model", label, model_id)
    model = await get_model(change.conn, model_id)
    released = _when(model.released, model.release_precision)
    await change.event(
        "release",
        f"{model.name} ({model.organization}, {model.country}) released {released}",
        model=model.name,
        organization=model.organization,
        country=model.country,
        payload={"model_id": model_id, "released": released, "weights": model.weights},
    )
    return model_id


async def edit_model(change: Change, model_id: int, values: Mapping[str, Any]) -> None:
    await change.update(m, model_id, values)


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
