"""The shared places of a global limit (PostgreSQL): what one process gives back, another
never gets sooner than meant, and starts stay apart whoever takes the places."""

from __future__ import annotations

import itertools
import time

from storage import pace
from storage.engine.db import Database

BUCKET = "discord:test"


async def _exchange(db: Database, holder: str, limit: int, ask: pace.Exchange) -> pace.Exchanged:
    async with pace.connection(db) as conn:
        await pace.open_places(conn, BUCKET, limit, "nobody", 1.0)
        return await pace.exchange(conn, BUCKET, holder, limit, ask)


async def test_a_place_given_back_is_never_handed_out_before_its_time(
    postgres: Database,
) -> None:
    [(place, wait)] = (await _exchange(postgres, "a", 1, pace.Exchange([], 1))).taken
    assert wait == 0.0  # a new bucket's places are free

    given = time.monotonic()  # "free 5 s from now", measured before the database's now
    await _exchange(postgres, "a", 1, pace.Exchange([(place, 5.0)], 0))
    early = await _exchange(postgres, "b", 1, pace.Exchange([], 1, ahead=0.0))
    assert early.taken == []
    assert early.next_free is not None and early.next_free > 0.0

    got = await _exchange(postgres, "b", 1, pace.Exchange([], 1, ahead=30.0))
    answered = time.monotonic()
    [(again, wait)] = got.taken
    assert again == place
    assert answered + wait >= given + 5.0  # b starts it no sooner than a said


async def test_a_place_held_is_nobody_elses(postgres: Database) -> None:
    await _exchange(postgres, "a", 2, pace.Exchange([], 2))

    got = await _exchange(postgres, "b", 2, pace.Exchange([], 1, ahead=30.0))

    assert got.taken == []  # a's places stay a's until a gives them back


async def test_starts_keep_their_spacing_whoever_takes_the_places(postgres: Database) -> None:
    starts: list[float] = []
    slowest = 0.0
    for holder in ("a", "b", "a", "b"):
        asked = time.monotonic()
        got = await _exchange(postgres, holder, 8, pace.Exchange([], 2, spacing=0.2))
        answered = time.monotonic()
        slowest = max(slowest, answered - asked)
        starts += [answered + wait for _place, wait in got.taken]

    assert len(starts) == 8  # eight free places, all taken at once...
    starts.sort()  # ...to start 0.2 s apart (each read back within one round trip)
    assert all(b - a >= 0.2 - slowest for a, b in itertools.pairwise(starts))
    assert starts[-1] - starts[0] >= 7 * 0.2 - slowest
