"""SIGKILL `racewatch run` in the middle of a fan-out, start it again: every channel gets the
alert exactly once.

The test process runs the fake Discord (three guilds, 120 subscribed channels) and writes
one score through the public command path; the outbox then owes each channel one alert.
The fake answers each message late, so when the first process is killed some channels
have their message, some sends are under way (the message exists, the answer never comes
back) and the rest are still owed. The second process must send what is owed, resend what
it cannot know went out (Discord's `enforce_nonce` returns the original message) and never
resend what the outbox recorded as sent.
"""

from __future__ import annotations

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
from tests.support.processes import start_racewatch, until

GUILDS, CHANNELS_PER_GUILD = 3, 40
LATENCY = 0.4  # seconds between a message existing and its POST being answered
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm-k"
MESSAGES = ("POST", "/channels/{channel_id}/messages")


async def subscribe_channels(fake: FakeDiscord, database_url: str) -> list[str]:
    """Each channel's manager subscribes it; then a curator's score owes all of them an alert."""
    db = Database(database_url)
    handlers.install(db)
    dispatcher = Dispatcher(db, SystemClock())
    channels: list[str] = []
    try:
        for g in range(GUILDS):
            guild = fake.guild_id if g == 0 else fake.add_guild(f"Guild {g}")
            for c in range(CHANNELS_PER_GUILD):
                channel = fake.add_channel(f"race-{g}-{c}", guild)
                manager = Caller(
                    platform=Platform.DISCORD,
                    user_id="7",
                    display_name="Manager",
                    workspace_id=guild,
                    channel_id=channel,
                    is_channel_manager=True,
                )
                reply = await dispatcher.run_line("/subscribe scores leads", manager)
                assert not reply.is_error, reply.body
                channels.append(channel)
        reply = await dispatcher.run_line(SCORE, CONSOLE_CALLER)
        assert not reply.is_error, reply.body
        async with db.read() as conn:
            assert await count_by_status(conn) == {"pending": len(channels)}
    finally:
        await db.close()
    return channels


async def outbox_of(database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        async with db.read() as conn:
            return await count_by_status(conn)
    finally:
        await db.close()


async def channels_marked_sent(database_url: str) -> set[str]:
    """The channels whose outbox row says "sent"."""
    d, s = schema.deliveries, schema.subscriptions
    query = select(s.c.channel_id).join(d, d.c.subscription_id == s.c.id)
    db = Database(database_url)
    try:
        async with db.read() as conn:
            return set((await conn.execute(query.where(d.c.status == "sent"))).scalars())
    finally:
        await db.close()


async def test_a_killed_fan_out_completes_after_restart_with_no_duplicate(
    db_path: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{db_path}"  # migrated and seeded
    fake = FakeDiscord()
    await fake.start()
    try:
        channels = await subscribe_channels(fake, database_url)
        fake.posts.latency = LATENCY

        def delivered() -> int:
            return len(fake.posts.counts())

        async def under_way() -> bool:  # some rows marked sent, some sends not answered yet
            if delivered() < 20 or len(await channels_marked_sent(database_url)) < 5:
                return False
            return fake.posts.answering > 0  # checked last: nothing runs between it and the kill

        first = await start_racewatch(fake, database_url, tmp_path, "first")
        try:
            await until(under_way, "fan-out under way", first, seconds=90)
            at_kill, unanswered = delivered(), fake.posts.answering
        finally:
            await first.kill()
        marked = await channels_marked_sent(database_url)
        assert marked and unanswered > 0 and at_kill < len(channels)

        second = await start_racewatch(fake, database_url, tmp_path, "second")
        try:
            await until(
                lambda: delivered() == len(channels), "alert in every channel", second, seconds=90
            )

            async def all_sent() -> bool:  # the last answers are marked just after they came
                return set(await outbox_of(database_url)) == {"sent"}

            await until(all_sent, "outbox marked sent", second, seconds=30)
        finally:
            await second.stop()

        posts = Counter(r.path.split("/")[2] for r in fake.sent(*MESSAGES))
        resends = sum(n - 1 for n in posts.values())
        print(
            f"kill-restart: channels={len(channels)} delivered_before_kill={at_kill} "
            f"marked_sent_before_kill={len(marked)} unanswered_at_kill={unanswered} "
            f"resends={resends} caught_by_nonce={len(fake.posts.nonce_hits)}"
        )
        assert all(posts[channel] == 1 for channel in marked)  # the outbox kept them from resends
        received = {channel: fake.messages(channel) for channel in channels}
        assert Counter(len(m) for m in received.values()) == {1: len(channels)}  # exactly once
        assert all("GLM-5.2" in m[0].text() for m in received.values())
        assert await outbox_of(database_url) == {"sent": len(channels)}
        assert all(r.status == 200 for r in fake.sent(*MESSAGES))
        # every resend was a send the killed process could not know had gone out
        assert len(fake.posts.nonce_hits) == resends >= unanswered
        assert fake.limits.global_refusals == 0
    finally:
        await fake.close()
