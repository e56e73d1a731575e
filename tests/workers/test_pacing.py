"""The delivery pacer: a send holds its place in the window until a second after it ended."""

from __future__ import annotations

import asyncio
import contextlib

from bot.workers.pacing import Pacer


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_send_counts_until_a_second_after_its_answer() -> None:
    clock = Clock()
    pacer = Pacer(2, clock)
    first, second = pacer.slot(), pacer.slot()
    await first.__aenter__()
    await second.__aenter__()
    third = asyncio.create_task(_take(pacer))
    await asyncio.sleep(0.05)
    assert not third.done()  # two sends under way: the window is full

    clock.now = 5.0  # a long send: it still counts while it runs...
    await first.__aexit__(None, None, None)
    await asyncio.sleep(0.05)
    assert not third.done()  # ...and for a second after its answer came back

    clock.now = 6.0
    await second.__aexit__(None, None, None)  # wakes the waiter, which finds 5.0 expired
    await asyncio.wait_for(third, 5)


async def test_no_window_of_a_second_starts_more_than_the_rate() -> None:
    pacer = Pacer(5)
    started: list[float] = []
    loop = asyncio.get_running_loop()

    async def send() -> None:
        async with pacer.slot():
            started.append(loop.time())

    await asyncio.gather(*(send() for _ in range(8)))

    assert len(started) == 8
    for i, at in enumerate(started):
        assert sum(1 for other in started[i:] if other - at < 1.0) <= 5


async def _take(pacer: Pacer) -> None:
    async with pacer.slot():
        pass


async def test_a_failed_send_gives_its_place_back() -> None:
    clock = Clock()
    pacer = Pacer(1, clock)
    with contextlib.suppress(RuntimeError):
        async with pacer.slot():
            raise RuntimeError("the platform failed")
    clock.now = 1.0

    await asyncio.wait_for(_take(pacer), 5)
