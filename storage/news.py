"""News: claims and happenings worth an alert, each with its source."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.rows import ModelRow, NewsRow

n, m, o = schema.news, schema.models, schema.organizations


async def add_news(
    change: Change,
    headline: str,
    source: str,
    happened_on: date | None,
    model: ModelRow | None = None,
    organization: tuple[int, str, str] | None = None,
) -> int:
    """Record a news item; `organization` is (id, name, country) when it concerns one lab."""
    org_id, org_name, country = organization or (None, None, None)
    if model is not None:
        org_id, org_name, country = model.org_id, model.organization, model.country
    news_id = await change.insert(
        n,
        {
            "headline": headline,
            "source": source,
            "happened_on": happened_on,
            "model_id": model.id if model else None,
            "org_id": org_id,
            "added_by": change.actor,
        },
    )
    await change.event(
        "news",
        headline,
        model=model.name if model else None,
        organization=org_name,
        country=country,
        payload={"news_id": news_id, "source": source},
    )
    return news_id


async def model_news(conn: AsyncConnection, model_id: int) -> list[NewsRow]:
    query = (
        select(n.c.id, n.c.headline, n.c.happened_on, n.c.source, m.c.name, o.c.name)
        .outerjoin(m, m.c.id == n.c.model_id)
        .outerjoin(o, o.c.id == n.c.org_id)
        .where(n.c.model_id == model_id)
        .order_by(n.c.happened_on, n.c.id)
    )
    return [NewsRow(*row) for row in await conn.execute(query)]
