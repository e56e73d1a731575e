"""/news [about] [since]: what happened, newest first, each with its source."""

from __future__ import annotations

from commands.analysis import phrases
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Request
from commands.core.reply import Reply
from commands.core.subjects import resolve_subject
from storage.engine.db import Database
from storage.listings import news_where

SHOWN = 15


@REGISTRY.command(
    "news",
    description="News about a model, an organization or the whole race, newest first",
    options=(
        Option("about", "A model or an organization", autocomplete=Autocomplete.MODEL),
        Option("since", "Only news on or after this date", type=OptionType.DATE),
    ),
    examples=("/news", "/news GLM-5.2", '/news "Zhipu AI" since:2026-06'),
)
async def news(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        about = request.get("about")
        subject = await resolve_subject(conn, about) if about else None
        since = request.get("since")
        found = await news_where(
            conn,
            model_id=subject.model.id if subject and subject.model else None,
            org_id=subject.organization.id if subject and subject.organization else None,
            since=since.day if since else None,
        )
    title = (
        "News"
        + (f" about {subject.name}" if subject else "")
        + (f" since {since}" if since else "")
    )
    if not found:
        return Reply(title=title, body="No news match.")
    lines = tuple(
        f"{item.happened_on.isoformat() if item.happened_on else 'undated'}: {item.headline}"
        f" [{phrases.short_source(item.source)}]"
        for item in found[:SHOWN]
    )
    more = len(found) - SHOWN
    return Reply(
        title=title,
        body="\n".join(lines),
        footer=f"...and {more} older: add since to narrow it." if more > 0 else "",
    )
