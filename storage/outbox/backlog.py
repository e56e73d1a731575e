"""How much the outbox owes: the number of unsent messages and when the oldest was owed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.engine import schema
from storage.engine.aio import AsyncConnection

OWED = ("pending", "sending")


async def backlog(conn: AsyncConnection) -> tuple[int, datetime | None]:
    """(messages owed, creation time of the oldest of them) for metrics and health."""
    d = schema.deliveries
    row = (
        await conn.execute(
            select(func.count(), func.min(d.c.created_at)).where(d.c.status.in_(OWED))
        )
    ).one()
    return int(row[0]), row[1]
