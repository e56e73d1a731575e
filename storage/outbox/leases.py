"""A worker's heartbeat: the leases of the rows it is sending, renewed while it lives.

Leases are short (seconds) and renewed every third of their length, so a worker that dies
(on any machine) lets its rows be claimed again within one lease, not after minutes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from storage.engine import schema
from storage.engine.aio import AsyncConnection


async def renew(conn: AsyncConnection, worker: str, until: datetime) -> int:
    """Extend every lease this worker holds; returns how many rows it holds."""
    d = schema.deliveries
    result = await conn.execute(
        update(d).where(d.c.claimed_by == worker, d.c.status == "sending").values(lease_until=until)
    )
    return int(result.rowcount)
