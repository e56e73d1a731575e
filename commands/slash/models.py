"""/models [org] [country] [since] [open_only]: the models on record, newest release first."""

from __future__ import annotations

from commands.analysis import phrases
from commands.core.lookup import resolve_organization
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Request
from commands.core.reply import WEIGHTS_KEY, Reply, Table, clip, weights_mark
from storage.engine.db import Database
from storage.listings import models_where

SHOWN = 25


@REGISTRY.command(
    "models",
    description="Models on record, newest first, by organization, country or release date",
    options=(
        Option("org", "Only this organization's models", autocomplete=Autocomplete.ORGANIZATION),
        Option("country", "Only models from this country (e.g. CN)", type=OptionType.COUNTRY),
        Option("since", "Only models released on or after this date", type=OptionType.DATE),
        Option("open_only", "Only open-weights models", type=OptionType.BOOLEAN),
    ),
    examples=("/models", "/models country:CN since:2026-01 open-only", '/models org:"Zhipu AI"'),
)
async def models(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        org = request.get("org")
        org_row = await resolve_organization(conn, org) if org else None
        since = request.get("since")
        found = await models_where(
            conn,
            org_id=org_row.id if org_row else None,
            country=request.get("country"),
            since=since.day if since else None,
            open_only=request.get("open_only", False),
        )
    filters = [
        text
        for text in (
            org_row.name if org_row else None,
            request.get("country"),
            f"since {since}" if since else None,
            "open weights" if request.get("open_only") else None,
        )
        if text
    ]
    title = "Models" + (f" ({', '.join(filters)})" if filters else "")
    if not found:
        return Reply(title=title, body="No models match.")
    table = Table(
        ("Model", "Org", "CC", "W", "Released"),
        tuple(
            (
                clip(m.name, 18),
                clip(m.organization, 12),
                m.country,
                weights_mark(m.weights),
                phrases.released(m) if m.released else "?",
            )
            for m in found[:SHOWN]
        ),
    )
    more = len(found) - SHOWN
    footer = WEIGHTS_KEY
    if more > 0:
        footer = f"...and {more} more: narrow it with org, country or since. {footer}"
    return Reply(title=f"{title}: {len(found)}", table=table, footer=footer)
