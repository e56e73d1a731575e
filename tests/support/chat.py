"""The chat world: both real front ends against their fakes, the outbox worker, a movable clock.

`Chat` is one test's whole world: a manager types slash commands on Discord or Slack, a
curator writes, the delivery worker sends what the outbox owes, and the fakes record what
each channel received. Time only moves when a test moves `chat.clock`.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.platforms.slack.frontend import SlackFrontEnd
from bot.workers.delivery import Backoff, DeliveryWorker
from bot.workers.scheduler import AlertScheduler
from commands.alerts import handlers
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from storage.events import last_event_id
from storage.outbox.deliveries import outstanding
from tests.support import discord_world
from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_interactions import Posted
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.fakes.slack_requests import SlashCommandClient
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import (
    ADMIN,
    CURATOR,
    LISTED_MANAGER,
    READER,
    SIGNING_SECRET,
    slack_settings,
    texts,
)

# A Monday in winter (CET, UTC+1), six days before Europe moves its clocks on 28 March 2027.
START = datetime(2027, 3, 22, 10, 0, tzinfo=UTC)
DISCORD_CURATOR = discord_world.CURATOR
DISCORD_MANAGER = "4000000000000000002"
DISCORD_MEMBER = discord_world.MEMBER
MANAGER_PERMISSIONS = p.EVERYONE_PERMISSIONS | p.MANAGE_CHANNELS
SLACK_CHANNEL = "C0ALERTS"
SLACK_OTHER = "C0QUIET"
LEAD_CHANGE = {  # GLM-5.2 overtakes Opus-4.8 (75.1): the US lead on FrontierSWE goes to CN
    "model": "GLM-5.2",
    "benchmark": "FrontierSWE",
    "value": 76.0,
    "source": "https://example.org/glm",
    "date": "2027-03-20",
}


@dataclass
class Chat:
    """Everything a test drives: two platforms, one database, one clock, one worker."""

    db: Database
    clock: FixedClock
    dispatcher: Dispatcher
    discord: FakeDiscord
    discord_bot: DiscordFrontEnd
    slack: FakeSlack
    slack_bot: SlackFrontEnd
    slash: SlashCommandClient
    worker: DeliveryWorker
    channel: str  # the Discord channel that subscribes
    quiet: str  # a Discord channel that never subscribes

    async def discord_run(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        channel: str | None = None,
        user_id: str = DISCORD_MANAGER,
        permissions: int = MANAGER_PERMISSIONS,
    ) -> Posted:
        """A Discord user with Manage Channels (by default) types a slash command."""
        return await self.discord.run(
            command,
            options,
            channel_id=channel or self.channel,
            user_id=user_id,
            permissions=permissions,
        )

    async def curator(self, command: str, options: dict[str, Any]) -> str:
        """The Discord curator types an /admin command; what the answer says."""
        answer = await self.discord.run(
            command, options, channel_id=self.quiet, user_id=DISCORD_CURATOR
        )
        assert not answer.ephemeral, answer.text()
        return answer.text()

    async def slack_run(
        self,
        command: str,
        text: str = "",
        *,
        channel: str = SLACK_CHANNEL,
        user_id: str = ADMIN,
        team_id: str = "T0RACE",
    ) -> dict[str, Any]:
        """A Slack user (a workspace admin by default) types a slash command; the answer."""
        result = await self.slash.post(
            command, text, user_id=user_id, channel_id=channel, team_id=team_id
        )
        assert result.status == 200, result.body
        [message] = await self.slack.wait_for_responses(result.response_url)
        return message

    async def deliver(self, rounds: int = 200) -> None:
        """Send everything owed, moving the clock over each retry's wait instead of sleeping."""
        for _ in range(rounds):
            if await self.worker.run_once():
                continue
            async with self.db.read() as conn:
                waits = await outstanding(conn, list(self.worker.senders))
            if not waits:
                return
            due = min((w for w in waits if w is not None), default=self.clock.now())
            self.clock.set(max(self.clock.now(), due) + timedelta(milliseconds=1))
        raise AssertionError("the outbox did not drain")

    async def last_event(self) -> int:
        """The newest event's number (what an alert's footer shows)."""
        async with self.db.read() as conn:
            return await last_event_id(conn)

    def discord_texts(self, channel: str) -> list[str]:
        """What each message posted in a Discord channel says."""
        return [m.text() for m in self.discord.messages(channel)]

    def slack_texts(self, channel: str = SLACK_CHANNEL) -> list[str]:
        """What each message posted in a Slack channel says (its blocks' text)."""
        return [texts(m) for m in self.slack.posted if m.get("channel") == channel]

    def scheduler(self) -> AlertScheduler:
        return AlertScheduler(self.db, self.clock, on_planned=self.worker.wake)


@asynccontextmanager
async def open_chat(db: Database) -> AsyncIterator[Chat]:
    """Discord and Slack front ends on one database with the outbox hooks installed."""
    handlers.install(db)
    clock = FixedClock(START)
    dispatcher = Dispatcher(db, clock)
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord_fake = FakeDiscord()
    discord_fake.posts.clock = lambda: clock.now().timestamp()  # nonces expire in test time
    await discord_fake.start()
    discord_bot = DiscordFrontEnd(
        discord_world.discord_settings(discord_fake, discord_curator_ids=DISCORD_CURATOR),
        dispatcher,
    )
    async with FakeSlack() as slack_fake:
        slack_fake.messages.clock = lambda: clock.now().timestamp()  # messages' ts in test time
        for user, name, admin in ((READER, "reader", False), (ADMIN, "admin", True)):
            slack_fake.add_user(user, name, is_admin=admin)
        slack_fake.add_user(CURATOR, "curator")
        slack_fake.add_user(LISTED_MANAGER, "manager")
        slack_bot = SlackFrontEnd(slack_settings(slack_fake), dispatcher)
        channel, quiet = discord_fake.add_channel("race-alerts"), discord_fake.add_channel("misc")
        worker: DeliveryWorker | None = None
        try:
            await discord_bot.start()
            await slack_bot.start()
            worker = DeliveryWorker(
                db,
                {"discord": discord_bot, "slack": slack_bot},
                clock,
                name="test-worker",
                backoff=Backoff(base=2.0, cap=60.0),
                rng=random.Random(7),
            )
            yield Chat(
                db,
                clock,
                dispatcher,
                discord_fake,
                discord_bot,
                slack_fake,
                slack_bot,
                SlashCommandClient(slack_fake, slack_bot.listen_url, SIGNING_SECRET),
                worker,
                channel,
                quiet,
            )
        finally:
            if worker is not None:  # its pacer's last round, its records: done before the end
                await worker.stop()
            await slack_bot.close()
            await discord_bot.close()
            await discord_fake.close()
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
