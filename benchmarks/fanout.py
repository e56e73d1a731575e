"""Fan-out at Discord's limits: one alert to N channels through the real discord.py client.

Run: .venv/bin/python benchmarks/fanout.py [--channels 1000] [--pace 47] [--concurrency 8]
Goal (issue #6) at N=1000: >= 0.9 of the 50 requests/s global limit, no 429 from the global
limit, nothing lost, nothing doubled. The fake Discord (tests/fakes) enforces 50 requests
per second globally and Discord's 5 messages per 5 s per channel; the channels subscribe
through /subscribe, a curator's /admin score add writes the event, and the DeliveryWorker
sends the outbox through DiscordFrontEnd.send. achieved_rps is messages delivered per
second of the worker's wall time, from its first claim until nothing is owed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.workers.delivery import DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.outbox.deliveries import count_by_status
from tests.support.fakes.discord_limits import RateLimits
from tests.support.fakes.discord_server import FakeDiscord

LIMIT_RPS = 50
CHANNELS_PER_GUILD = 500  # Discord's cap on a guild's channels
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm date:2026-11-20"
MESSAGES = ("POST", "/channels/{channel_id}/messages")


@dataclass(frozen=True)
class Tuning:
    """The worker's knobs, as the command line sets them."""

    pace: float
    concurrency: int
    batch: int
    latency: float  # the fake's answer time per message (Discord's is ~0.05-0.3 s)


async def subscribe_all(fake: FakeDiscord, dispatcher: Dispatcher, n: int) -> list[str]:
    """N channels across guilds of at most 500, each subscribed by its manager."""
    channels: list[str] = []
    guild = fake.guild_id
    for i in range(n):
        if i and i % CHANNELS_PER_GUILD == 0:
            guild = fake.add_guild(f"Racewatch guild {i // CHANNELS_PER_GUILD + 1}")
        channel = fake.add_channel(f"race-{i}", guild)
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="manager",
            display_name="Manager",
            workspace_id=guild,
            channel_id=channel,
            is_channel_manager=True,
        )
        reply = await dispatcher.run_line("/subscribe all", manager)
        assert not reply.is_error, reply
        channels.append(channel)
    return channels


async def fan_out(n: int, tuning: Tuning, workdir: Path) -> str:
    db = Database(f"sqlite:///{workdir}/fanout.db")
    await prepare(db)
    handlers.install(db)
    dispatcher = Dispatcher(db, SystemClock())
    fake = FakeDiscord(rate_limits=RateLimits(global_per_second=LIMIT_RPS))
    fake.limits.set_route_limit(" ".join(MESSAGES), 5, 5.0)
    await fake.start()
    settings = Settings(_env_file=None, discord_token=fake.token, discord_api_base_url=fake.url)
    front = DiscordFrontEnd(settings, dispatcher)
    try:
        await front.start()
        up = time.perf_counter()
        channels = await subscribe_all(fake, dispatcher, n)
        fake.posts.latency = tuning.latency
        # The alert comes to a bot that has been up for a second: its login and command sync
        # are not in the fan-out's first second (racewatch run's worker waits the same second).
        await asyncio.sleep(max(0.0, up + 1.0 - time.perf_counter()))
        reply = await dispatcher.run_line(SCORE, CONSOLE_CALLER)
        assert not reply.is_error, reply
        worker = DeliveryWorker(
            db,
            {"discord": front},
            pace={"discord": tuning.pace},
            concurrency=tuning.concurrency,
            batch=tuning.batch,
        )
        first = len(fake.requests)
        started = time.perf_counter()
        await asyncio.wait_for(worker.drain(), timeout=max(120.0, n / 5))
        elapsed = time.perf_counter() - started
        async with db.read() as conn:
            statuses = await count_by_status(conn)
    finally:
        await front.close()
        await fake.close()
        await db.close()
    return report(fake, channels, first, elapsed, statuses)


def report(
    fake: FakeDiscord, channels: list[str], first: int, elapsed: float, statuses: dict[str, int]
) -> str:
    """Print what the fake saw; return the summary line."""
    sends = [r for r in fake.requests[first:] if (r.method, r.route) == MESSAGES]
    codes = Counter(r.status for r in sends)
    counts = [len(fake.messages(c)) for c in channels]
    lost = sum(1 for c in counts if c == 0)
    duplicates = sum(c - 1 for c in counts if c > 1)
    delivered = len(channels) - lost
    achieved = delivered / elapsed
    print(f"outbox rows by status: {dict(sorted(statuses.items()))}")
    print(f"message POSTs: {len(sends)} by status {dict(sorted(codes.items()))}")
    print(f"global-limit 429s: {fake.limits.global_refusals}")
    print(f"resends answered by nonce: {len(fake.posts.nonce_hits)}")
    print(f"wall time {elapsed:.2f} s for {delivered} messages")
    return (
        f"fanout: channels={len(channels)} limit_rps={LIMIT_RPS} achieved_rps={achieved:.1f} "
        f"ratio={achieved / LIMIT_RPS:.2f} http_429={codes.get(429, 0)} lost={lost} "
        f"duplicates={duplicates}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--pace", type=float, default=DiscordFrontEnd.pace)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    tuning = Tuning(args.pace, args.concurrency, args.batch, args.latency)
    print(f"{tuning}")
    with tempfile.TemporaryDirectory() as workdir:
        print(asyncio.run(fan_out(args.channels, tuning, Path(workdir))))


if __name__ == "__main__":
    main()
