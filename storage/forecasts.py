"""Forecasts: who said what would happen by when, and how it turned out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.rows import ForecastRow

f = schema.forecasts


def _row(row: Any) -> ForecastRow:
    return ForecastRow(
        row.id,
        row.who,
        row.claim,
        row.said_on,
        row.source,
        row.window_from,
        row.window_to,
        row.condition,
        row.status,
        row.resolved_on,
        row.resolution_note,
        row.added_by,
    )


async def get_forecast(conn: AsyncConnection, forecast_id: int) -> ForecastRow | None:
    row = (await conn.execute(select(f).where(f.c.id == forecast_id))).first()
    return None if row is None else _row(row)


async def list_forecasts(conn: AsyncConnection, status: str | None = None) -> list[ForecastRow]:
    query = select(f).order_by(f.c.window_to, f.c.id)
    if status is not None:
        query = query.where(f.c.status == status)
    return [_row(r) for r in await conn.execute(query)]


async def add_forecast(change: Change, values: Mapping[str, Any]) -> int:
    forecast_id = await change.insert(f, {"status": "open", **values})
    forecast = await get_forecast(change.conn, forecast_id)
    assert forecast is not None
    await change.event(
        "forecast",
        f"{forecast.who} forecasts: {forecast.claim} "
        f"({forecast.window_from.isoformat()} to {forecast.window_to.isoformat()})",
        payload={"forecast_id": forecast_id, "who": forecast.who},
    )
    return forecast_id


async def resolve_forecast(
    change: Change, forecast: ForecastRow, status: str, note: str | None
) -> None:
    """Close a forecast as hit, missed or withdrawn, with an event of its own."""
    await change.update(
        f, forecast.id, {"status": status, "resolved_on": change.at.date(), "resolution_note": note}
    )
    await change.event(
        "resolved",
        f"Forecast #{forecast.id} by {forecast.who} {status}: {forecast.claim}"
        + (f" ({note})" if note else ""),
        payload={"forecast_id": forecast.id, "status": status, "note": note},
    )
