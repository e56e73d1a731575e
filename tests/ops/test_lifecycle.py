"""SIGTERM to `racewatch run` in the middle of a fan-out: it stops taking work, finishes
the sends under way, hands back the rows it claimed and exits 0; the next process sends
the rest. Every channel gets the alert exactly once, with no resend at all (the nonce that
catches resends after a SIGKILL has nothing to catch here)."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from storage.engine import schema
from storage.engine.db import Database
from storage.outbox.deliveries import count_by_status
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.operator import start_run, until

CHANNELS = 80
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm-k"
MESSAGES = ("POST", "/channels/{channel_id}/messages")


async def owe_an_alert_to_channels(fake: FakeDiscord, database_url: str) -> list[str]:
    """Subscribe CHANNELS channels, then a curator's score owes each of them one alert."""
    db = Database(database_url)
    handlers.install(db)
    dispatcher = Dispatcher(db, SystemClock())
    channels = []
    try:
        for c in range(CHANNELS):
            channel = fake.add_channel(f"race-{c}")
            manager = Caller(
                platform=Platform.DISCORD,
                user_id="7",
                workspace_id=fake.guild_id,
                channel_id=channel,
                is_channel_manager=True,
            )
            assert not (await dispatcher.run_line("/subscribe scores", manager)).is_error
            channels.append(channel)
        assert not (await dispatcher.run_line(SCORE, CONSOLE_CALLER)).is_error
    finally:
        await db.close()
    return channels


async def outbox(database_url: str) -> tuple[dict[str, int], set[str], list[str | None]]:
    """Rows by status, the channels marked sent, and who holds rows."""
    d, s = schema.deliveries, schema.subscriptions
    db = Database(database_url)
    try:
        async with db.read() as conn:
            counts = await count_by_status(conn)
            sent = select(s.c.channel_id).join(d, d.c.subscription_id == s.c.id)
            marked = set((await conn.execute(sent.where(d.c.status == "sent"))).scalars())
            holders = list(
                (
                    await conn.execute(select(d.c.claimed_by).where(d.c.status == "sending"))
                ).scalars()
            )
    finally:
        await db.close()
    return counts, marked, holders


async def test_sigterm_during_a_fan_out_loses_nothing_and_doubles_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{db_path}"
    fake = FakeDiscord()
    await fake.start()
    try:
        channels = await owe_an_alert_to_channels(fake, database_url)
        fake.posts.latency = 0.3  # sends are under way when the signal comes

        def delivered() -> int:
            return len(fake.posts.counts())

        settings = {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE_URL": fake.url,
            "RACEWATCH_DATABASE_URL": database_url,
            "RACEWATCH_LOG_LEVEL": "INFO",
        }
        first = await start_run(tmp_path, "first", **settings)
        await until(lambda: delivered() >= 10 and fake.posts.answering > 0, "sends", first, 90)
        assert await first.stop(signal.SIGTERM) == 0, first.tail()

        counts, marked, holders = await outbox(database_url)
        posted = Counter(r.path.split("/")[2] for r in fake.sent(*MESSAGES))
        assert holders == []  # every claimed row was handed back
        assert set(counts) <= {"sent", "pending"} and counts.get("pending"), counts
        assert set(posted) == marked  # each send under way finished and was recorded
        log = first.log.read_text()
        assert "SIGTERM received" in log and "racewatch: stopped" in log
        assert log.count(": sent in ") == len(marked)  # one line a delivery

        second = await start_run(tmp_path, "second", **settings)
        try:
            await until(lambda: delivered() == CHANNELS, "every alert", second, 90)

            async def all_sent() -> bool:
                return (await outbox(database_url))[0] == {"sent": CHANNELS}

            await until(all_sent, "outbox marked sent", second, 30)
        finally:
            assert await second.stop(signal.SIGINT) == 0, second.tail()
        posted = Counter(r.path.split("/")[2] for r in fake.sent(*MESSAGES))
        assert posted == Counter({channel: 1 for channel in channels})  # not one resend
        assert fake.posts.nonce_hits == []
    finally:
        await fake.close()
