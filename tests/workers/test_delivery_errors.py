"""The delivery worker acts on the neutral send errors alone: any front end raising them works."""

from __future__ import annotations

from datetime import timedelta

from bot.platforms.errors import ChannelForbidden, ChannelGone, Rejected, RetryLater, SendError
from bot.workers.delivery import DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.outbox.deliveries import count_by_status, outstanding

MANAGER = Caller(
    platform=Platform.DISCORD,
    user_id="7",
    display_name="Manager",
    workspace_id="g1",
    channel_id="c1",
    is_channel_manager=True,
)
SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/x"


class Failing:
    """A front end of no platform in particular whose every send fails with one error."""

    name = "discord"
    pace = 7.0

    def __init__(self, error: SendError) -> None:
        self.error = error
        self.tries = 0

    async def send(
        self, channel_id: str, reply: Reply, *, nonce: str | None = None, since: object = None
    ) -> str:
        self.tries += 1
        raise self.error


async def one_alert(db: Database, clock: FixedClock) -> Dispatcher:
    """Channel c1 subscribes to scores and a curator adds one: the outbox owes one message."""
    handlers.install(db)
    dispatcher = Dispatcher(db, clock)
    assert not (await dispatcher.run_line("/subscribe scores", MANAGER)).is_error
    assert not (await dispatcher.run_line(SCORE, CONSOLE_CALLER)).is_error
    return dispatcher


async def deliver_through(db: Database, clock: FixedClock, front: Failing) -> dict[str, int]:
    worker = DeliveryWorker(db, {front.name: front}, clock, name="w")
    assert await worker.run_once() == 1
    async with db.read() as conn:
        return await count_by_status(conn)


async def test_a_gone_or_forbidden_channel_pauses_with_the_front_ends_words(
    db: Database, clock: FixedClock
) -> None:
    dispatcher = await one_alert(db, clock)
    front = Failing(ChannelGone("c1", "404", "the channel went away (404)"))

    assert await deliver_through(db, clock, front) == {"paused": 1}
    listing = (await dispatcher.run_line("/subscriptions", MANAGER)).plain_text()
    assert "PAUSED since" in listing and "the channel went away (404)" in listing


async def test_forbidden_pauses_too(db: Database, clock: FixedClock) -> None:
    await one_alert(db, clock)
    front = Failing(ChannelForbidden("c1", "403", "no rights here"))

    assert await deliver_through(db, clock, front) == {"paused": 1}


async def test_retry_later_waits_as_long_as_the_platform_said(
    db: Database, clock: FixedClock
) -> None:
    await one_alert(db, clock)
    front = Failing(RetryLater("c1", "ratelimited", after=30.0))

    assert await deliver_through(db, clock, front) == {"pending": 1}
    async with db.read() as conn:
        assert await outstanding(conn, ["discord"]) == [clock.now() + timedelta(seconds=30)]


async def test_rejected_is_given_up(db: Database, clock: FixedClock) -> None:
    await one_alert(db, clock)
    front = Failing(Rejected("c1", "invalid_blocks"))

    assert await deliver_through(db, clock, front) == {"failed": 1}
    assert front.tries == 1


def test_the_front_end_declares_its_pace(db: Database) -> None:
    front = Failing(Rejected("c1", "x"))
    assert DeliveryWorker(db, {front.name: front}).pacers["discord"].limit == 7
    overridden = DeliveryWorker(db, {front.name: front}, pace={"discord": 3.0})
    assert overridden.pacers["discord"].limit == 3
