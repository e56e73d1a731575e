"""/forecasts [status]: who predicted what, by when, and how it is going."""

from __future__ import annotations

from datetime import date

from commands.core.registry import REGISTRY, Option, Request
from commands.core.reply import Reply, Table
from storage.engine.db import Database
from storage.forecasts import list_forecasts
from storage.rows import ForecastRow

STATUSES = ("open", "hit", "missed", "withdrawn")


def standing(forecast: ForecastRow, today: date) -> str:
    """Days left, days until the window opens, or the outcome."""
    if forecast.status != "open":
        note = f": {forecast.resolution_note}" if forecast.resolution_note else ""
        return f"{forecast.status}{note}"
    if today < forecast.window_from:
        return f"opens in {(forecast.window_from - today).days} days"
    if today <= forecast.window_to:
        return f"{(forecast.window_to - today).days} days left"
    return f"window ended {(today - forecast.window_to).days} days ago; awaiting resolution"


def _sources(found: list[ForecastRow]) -> tuple[str, ...]:
    """Each distinct source once, with the forecasts citing it."""
    cited: dict[str, list[str]] = {}
    for f in found:
        cited.setdefault(f.source, []).append(f"#{f.id}")
    return tuple(f"Source of {', '.join(ids)}: {source}" for source, ids in cited.items())


@REGISTRY.command(
    "forecasts",
    description="Forecasts with who said them, the claim, the window and days left or outcome",
    options=(Option("status", "Only forecasts with this status", choices=STATUSES),),
    examples=("/forecasts", "/forecasts open"),
)
async def forecasts(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        found = await list_forecasts(conn, request.get("status"))
    if not found:
        return Reply(title="Forecasts", body="No forecasts match.")
    today = request.now.date()
    table = Table(
        ("#", "Who", "Claim", "Said", "Window", "Status"),
        tuple(
            (
                str(f.id),
                f.who,
                f.claim,
                f.said_on.isoformat() if f.said_on else "?",
                f"{f.window_from.isoformat()} to {f.window_to.isoformat()}",
                standing(f, today),
            )
            for f in found
        ),
    )
    return Reply(
        title="Forecasts",
        table=table,
        extra=_sources(found),
        footer="Curators resolve a forecast with /admin forecast resolve ID status:hit.",
    )
