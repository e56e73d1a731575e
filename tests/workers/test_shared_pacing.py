"""The pacer shared by processes on PostgreSQL, as the platform sees it: however the sends
of several processes last, and whichever waits are cut short, no one-second window can
hold more than the limit's requests (each counted anywhere from its start to its answer)."""

from __future__ import annotations

import asyncio
import random
import time

from sqlalchemy import text

from bot.workers.pacing import SharedPacer
from storage.engine.db import Database

LIMIT = 4


def most_in_a_second(sends: list[tuple[float, float]]) -> int:
    """The most requests one window [x, x + 1) may hold, each seen anywhere in its
    (start, answer): the worst case is a window that begins at some answer."""
    return max(
        sum(1 for start, answer in sends if answer >= x and start < x + 1.0) for _s, x in sends
    )


async def test_processes_sharing_the_pace_never_exceed_it(postgres: Database) -> None:
    pacers = [SharedPacer(postgres, "discord:bot", LIMIT, f"host:1:{i}") for i in range(3)]
    rng = random.Random(17)
    sends: list[tuple[float, float]] = []

    async def send(pacer: SharedPacer, lasts: float) -> None:
        async with pacer.slot():
            start = time.monotonic()
            await asyncio.sleep(lasts)
            sends.append((start, time.monotonic()))

    async with asyncio.timeout(60):
        await asyncio.gather(*(send(p, rng.uniform(0.0, 0.08)) for p in pacers for _ in range(6)))
    for pacer in pacers:
        await pacer.close()

    assert len(sends) == 18
    assert most_in_a_second(sends) <= LIMIT
    assert await _places_held(postgres) == 0


async def test_a_closed_pacer_has_given_its_places_back(postgres: Database) -> None:
    """A stopping process gives its places back at once (not HOLD's 60 s on), and leaves no
    round running on a database about to close: that round's connection was left open."""
    pacer = SharedPacer(postgres, "discord:bot", LIMIT, "host:1:0")
    for _ in range(3):
        async with pacer.slot():
            pass
    await pacer.close()
    assert await _places_held(postgres) == 0
    async with pacer.slot():  # a closed pacer still paces, should a send come after all
        pass
    await pacer.close()
    assert await _places_held(postgres) == 0


async def _places_held(db: Database) -> int:
    async with db.read() as conn:
        held = await conn.scalar(text("SELECT count(*) FROM pace_places WHERE holder IS NOT NULL"))
        return int(held or 0)


async def test_a_wait_cut_short_gives_its_place_back(postgres: Database) -> None:
    first, second = (SharedPacer(postgres, "discord:bot", 1, f"host:1:{i}") for i in (1, 2))
    async with first.slot():
        answered = time.monotonic() + 0.05
        await asyncio.sleep(0.05)
    taken_at = await _held_since(postgres)
    cut = asyncio.create_task(_hold(first))  # takes the place ahead, waits for it...
    async with asyncio.timeout(30):
        while await _held_since(postgres) in (taken_at, 0.0):  # noqa: ASYNC110 (a row)
            await asyncio.sleep(0.02)
    cut.cancel()  # ...and is stopped before it sends

    async with asyncio.timeout(30), second.slot():  # not held for HOLD's 60 s
        started = time.monotonic()

    assert started >= answered + 1.0  # not free at the cancellation: a second after the answer


async def _held_since(db: Database) -> float:
    """When the bucket's one place was last taken (its hold runs from then); 0: not held."""
    async with db.read() as conn:
        row = await conn.execute(
            text("SELECT free_at FROM pace_places WHERE place = 0 AND holder IS NOT NULL")
        )
        return float(row.scalar() or 0.0)


async def _hold(pacer: SharedPacer) -> None:
    async with pacer.slot():
        raise AssertionError("cancelled before its place came free")
