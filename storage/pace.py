"""A platform's global rate limit shared by every process of one bot (PostgreSQL only).

Discord counts a bot's requests wherever they come from: 50 in any second. The budget is
`limit` places per bucket, a row each. A sender takes a place before its request and gives
it back after the answer; the place comes free one second later (on the database's clock,
the one clock every process shares). The platform saw the request somewhere between the
take and the answer, so no one-second window at its end can hold more than `limit`
requests, however many processes send and however the network bunches them up. Places are
given back and taken in one statement for all of a process's sends waiting or answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from storage.engine import schema
from storage.engine.aio import AsyncConnection

NOW = "extract(epoch FROM clock_timestamp())"

EXCHANGE = text(f"""
WITH given AS (
    SELECT CAST(:answered AS integer[]) AS answered,
        CAST(:answered AS integer[]) || CAST(:unused AS integer[]) AS places
), back AS (
    UPDATE pace_places SET holder = NULL,
        free_at = {NOW} + CASE WHEN place = ANY(given.answered) THEN :window ELSE 0 END
    FROM given
    WHERE bucket = :bucket AND holder = :holder AND place = ANY(given.places)
    RETURNING place
)
UPDATE pace_places SET holder = :holder, free_at = {NOW} + :hold
WHERE id IN (
    SELECT id FROM pace_places
    WHERE bucket = :bucket AND place < :limit AND free_at <= {NOW}
        AND place <> ALL(CAST(:answered AS integer[]) || CAST(:unused AS integer[]))
    ORDER BY free_at LIMIT :want FOR UPDATE SKIP LOCKED
)
RETURNING place
""")

NEXT_FREE = text(f"""
SELECT greatest(min(free_at) - {NOW}, 0) FROM pace_places
WHERE bucket = :bucket AND place < :limit
""")


LEFT_OVER = text(f"""
UPDATE pace_places SET holder = NULL, free_at = {NOW} + :after
WHERE bucket = :bucket AND holder = :holder
""")


async def open_places(
    conn: AsyncConnection, bucket: str, limit: int, holder: str, after: float
) -> None:
    """Make sure the bucket has its `limit` places, and let go of any this holder's name
    still holds (a restarted process often has its predecessor's pid): free `after` s on."""
    rows = [{"bucket": bucket, "place": i, "free_at": 0.0} for i in range(limit)]
    await conn.execute(insert(schema.pace_places).values(rows).on_conflict_do_nothing())
    await conn.execute(LEFT_OVER, {"bucket": bucket, "holder": holder, "after": after})


@dataclass(frozen=True)
class Exchange:
    """One holder's round: places to give back, and how many more it wants."""

    answered: Sequence[int]  # their requests were answered: free `window` seconds from now
    unused: Sequence[int]  # taken for a request that never went: free now
    want: int
    window: float = 1.0
    hold: float = 60.0  # a taken place is free again after this if never given back


async def exchange(
    conn: AsyncConnection, bucket: str, holder: str, limit: int, ask: Exchange
) -> list[int]:
    """Give places back and take up to `ask.want` free ones, in one statement (one round
    trip for all of a process's sends waiting or answered since its last round)."""
    if not (ask.want or ask.answered or ask.unused):
        return []
    params = {
        "bucket": bucket,
        "holder": holder,
        "limit": limit,
        "answered": list(ask.answered),
        "unused": list(ask.unused),
        "want": ask.want,
        "window": ask.window,
        "hold": ask.hold,
    }
    return [int(row[0]) for row in await conn.execute(EXCHANGE, params)]


async def next_free(conn: AsyncConnection, bucket: str, limit: int) -> float:
    """Seconds until the bucket's first place comes free (0: one is free now)."""
    value = (await conn.execute(NEXT_FREE, {"bucket": bucket, "limit": limit})).scalar()
    return float(value or 0.0)
