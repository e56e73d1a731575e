"""/forecasts [status]: who predicted what, by when, and how it is going."""

from __future__ import annotations

from datetime import date, timedelta

from commands.core.registry import REGISTRY, Option, Request
from commands.core.reply import Reply, Table, clip
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
    return f"ended {(today - forecast.window_to).days} days ago, to resolve"


def window_label(start: date, end: date) -> str:
    """A window as short as it is exact: `2027-Q1`, `2026-11`, `2026-11..2026-12`, else days."""
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if not whole_months:
        same_year = end.strftime("%m-%d") if end.year == start.year else end.isoformat()
        return f"{start.isoformat()}..{same_year}"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    first, last = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    return first if months == 1 else f"{first}..{last}"


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
        ("#", "Who", "Window", "Status"),
        tuple(
            (
                str(f.id),
                clip(f.who, 14),
                window_label(f.window_from, f.window_to),
                standing(f, today),
            )
            for f in found
        ),
    )
    claims = tuple(
        f"#{f.id} {f.who} (said {f.said_on.isoformat() if f.said_on else 'on an unknown day'}): "
        f"{f.claim}"
        for f in found
    )
    return Reply(
        title="Forecasts",
        table=table,
        extra=(*claims, *_sources(found)),
        footer="Curators resolve a forecast with /admin forecast resolve ID status:hit.",
    )
