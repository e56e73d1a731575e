"""A platform's global rate limit shared by every process of one bot (PostgreSQL only).

Discord counts a bot's requests wherever they come from: 50 in any second. The budget is
`limit` places per bucket, a row each, whose `free_at` says from when (on the database's
clock, the one clock every process shares) a request may start with it. A sender takes a
place, starts its request no sooner than `free_at`, and gives the place back free one
second after the answer. The platform saw the request somewhere between its start and its
answer, so the next request on that place arrives a second or more later: no one-second
window at the platform's end holds more than `limit` requests, however many processes send
and however the network bunches them up.

Each process keeps time on its own clock and speaks to the database in seconds from now,
rounded the safe way: a place given back "free in `after` s" is stamped with the database's
clock read after the process measured `after` (so no sooner than meant), and a place taken
"usable in `after` s" counts from the process's clock read after the answer came (so no
sooner than its `free_at`). One statement, one round trip, gives back all of a process's
answered places and takes places for all its waiting sends, including places that come
free within `ahead` seconds, which their sends wait out on their own clock.

Starts are also kept `spacing` apart (1/limit s), whoever takes the places: each place
taken starts at the first time from its `free_at` on that is that far from every start
already lined up (a held place's `free_at` is its start plus the hold). Places that come
free together (all of them, when an alert follows a quiet spell) so spread out instead of
going out in bursts that a process's few concurrent sends cannot keep up with. This only
shapes the flow: the limit holds by the places alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import Float, bindparam, text
from sqlalchemy.dialects.postgresql import insert

from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database

NOW = "extract(epoch FROM clock_timestamp())"

EXCHANGE = text(f"""
WITH RECURSIVE given AS (
    SELECT g.place, g.after
    FROM unnest(CAST(:places AS integer[]), CAST(:afters AS double precision[]))
        AS g(place, after)
), back AS (
    UPDATE pace_places AS p SET holder = NULL, free_at = {NOW} + given.after
    FROM given
    WHERE p.bucket = :bucket AND p.holder = :holder AND p.place = given.place
    RETURNING p.free_at
), free AS (
    SELECT id, free_at FROM pace_places
    WHERE bucket = :bucket AND place < :limit AND free_at <= {NOW} + :ahead
        AND place <> ALL(CAST(:places AS integer[]))
    ORDER BY free_at LIMIT :want FOR UPDATE SKIP LOCKED
), occupied AS (
    SELECT coalesce(array_agg(free_at - :hold), '{{}}') AS starts FROM pace_places
    WHERE bucket = :bucket AND holder IS NOT NULL
        AND free_at - :hold > {NOW} - :spacing
), numbered AS MATERIALIZED (
    SELECT id, greatest(free_at, {NOW}) AS free_at,
        row_number() OVER (ORDER BY free_at, id) AS k
    FROM free
), lined (k, id, start, starts) AS (
    SELECT 0::bigint, NULL::integer, NULL::double precision, starts FROM occupied
    UNION ALL
    SELECT n.k, n.id, pick.start, lined.starts || pick.start
    FROM lined JOIN numbered AS n ON n.k = lined.k + 1
    CROSS JOIN LATERAL (
        SELECT min(c) AS start
        FROM unnest(n.free_at || ARRAY(
            SELECT o + :spacing FROM unnest(lined.starts) AS o WHERE o + :spacing > n.free_at
        )) AS c
        WHERE NOT EXISTS (
            SELECT 1 FROM unnest(lined.starts) AS o WHERE abs(o - c) < :spacing * 0.999
        )
    ) AS pick
), taken AS (
    UPDATE pace_places AS p SET holder = :holder, free_at = lined.start + :hold
    FROM lined WHERE p.id = lined.id
    RETURNING p.id, p.place, lined.start
)
SELECT place, greatest(start - {NOW}, 0) FROM taken
UNION ALL
SELECT NULL, min(rest.free_at) - {NOW} FROM (
    SELECT free_at FROM back
    UNION ALL
    SELECT free_at FROM pace_places
    WHERE bucket = :bucket AND place < :limit
        AND place <> ALL(CAST(:places AS integer[])) AND id NOT IN (SELECT id FROM taken)
) AS rest
""").bindparams(
    bindparam("ahead", type_=Float(53)),
    bindparam("hold", type_=Float(53)),
    bindparam("spacing", type_=Float(53)),
)

LEFT_OVER = text(f"""
UPDATE pace_places SET holder = NULL, free_at = {NOW} + :after
WHERE bucket = :bucket AND holder = :holder
""")


@asynccontextmanager
async def connection(db: Database) -> AsyncIterator[AsyncConnection]:
    """A connection whose statements commit on their own: a round is one statement, so one
    round trip (no BEGIN, no COMMIT)."""
    async with db.engine.connect() as conn:
        yield await conn.execution_options(isolation_level="AUTOCOMMIT")


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

    back: Sequence[tuple[int, float]]  # (place, seconds from now it may be used again)
    want: int
    ahead: float = 0.0  # take places that come free up to this many seconds from now
    spacing: float = 0.0  # seconds at least between two starts, whoever takes the places
    hold: float = 60.0  # a taken place is free this long after its start if never given back


@dataclass(frozen=True)
class Exchanged:
    """What a round got: places, each with the seconds to wait before using it, and when
    the first place left (given back or another's) comes free (None: no place left)."""

    taken: list[tuple[int, float]] = field(default_factory=list)
    next_free: float | None = None


async def exchange(
    conn: AsyncConnection, bucket: str, holder: str, limit: int, ask: Exchange
) -> Exchanged:
    """Give places back and take up to `ask.want` that come free within `ask.ahead`, in one
    statement (one round trip for all of a process's sends waiting or answered)."""
    if not (ask.want or ask.back):
        return Exchanged()
    params = {
        "bucket": bucket,
        "holder": holder,
        "limit": limit,
        "places": [place for place, _after in ask.back],
        "afters": [after for _place, after in ask.back],
        "want": ask.want,
        "ahead": ask.ahead,
        "hold": ask.hold,
        "spacing": ask.spacing,
    }
    rows = (await conn.execute(EXCHANGE, params)).all()
    taken = [(int(place), float(after)) for place, after in rows if place is not None]
    nexts = [float(after) for place, after in rows if place is None and after is not None]
    return Exchanged(taken, max(nexts[0], 0.0) if nexts else None)
