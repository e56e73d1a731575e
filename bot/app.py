"""Builds storage, the command dispatcher and the front ends on one event loop, and runs them."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys

from bot.config import Settings
from bot.dispatcher import open_dispatcher
from bot.health import HealthServer, Watched
from bot.lifecycle import DRAIN_SECONDS, stop_signals
from bot.logs import masked_url
from bot.mistakes import NO_PLATFORM, SLACK_HALF, OperatorError
from bot.platforms.console import console
from bot.platforms.frontend import FrontEnd
from bot.served import ServedDispatcher
from commands.core.dispatch import Dispatcher
from storage.outbox.wakeup import Waker

log = logging.getLogger(__name__)


async def run(settings: Settings, *, freeze: bool = False) -> None:
    """Serve every configured front end until SIGTERM or SIGINT, then stop cleanly; the
    console when none is configured and a person is at the terminal. `freeze`: leave what
    starting loaded out of later collections (`racewatch run`; see `_freeze_started`)."""
    if not (settings.has_discord or settings.has_slack):
        if settings.slack_bot_token is not None:
            raise OperatorError(SLACK_HALF)
        if not sys.stdin.isatty():
            raise OperatorError(NO_PLATFORM)
        async with open_dispatcher(settings) as dispatcher:
            print(
                "No DISCORD_TOKEN or Slack tokens are set: opening the console on "
                f"{masked_url(settings.database_url)}."
            )
            await console(dispatcher)
        return
    with stop_signals() as stop:
        health = HealthServer(settings)
        await health.start()
        try:
            async with open_dispatcher(settings, ServedDispatcher) as dispatcher:
                assert isinstance(dispatcher, ServedDispatcher)
                await _serve(settings, dispatcher, health, stop, freeze)
        finally:
            await health.close()


async def _serve(
    settings: Settings,
    dispatcher: ServedDispatcher,
    health: HealthServer,
    stop: asyncio.Event,
    freeze: bool,
) -> None:
    """Start the front ends, the outbox worker and the scheduler; on `stop`, stop taking
    commands, finish those in flight, hand back claimed rows and close every connection."""
    from bot.workers.delivery import DeliveryWorker, lease_for
    from bot.workers.feeds import FeedWorker
    from bot.workers.leader import Leadership
    from bot.workers.scheduler import AlertScheduler

    fronts = {f.name: f for f in _front_ends(settings, dispatcher)}
    worker = DeliveryWorker(dispatcher.db, fronts, lease=lease_for(dispatcher.db))
    waker = Waker(dispatcher.db, worker.wake)  # a commit that owes messages wakes the worker
    scheduler = Leadership(  # one scheduler among all processes (PostgreSQL advisory lock)
        dispatcher.db,
        lambda: AlertScheduler(dispatcher.db, dispatcher.clock, on_planned=worker.wake),
    )
    feeds = FeedWorker(dispatcher.db, dispatcher.clock) if settings.feeds_on else None
    health.watched = Watched(dispatcher.db, fronts, lambda: scheduler.running)
    try:
        for front in fronts.values():
            await _start(front)
        await waker.start()
        await worker.start()  # sends what the outbox owes through the front ends
        await scheduler.start()  # plans digests and closes ended forecasts, in the leader
        if feeds is not None:
            await feeds.start()  # polls the feeds that are due
        if freeze:
            _freeze_started()
        health.state = "serving"
        log.info("racewatch: serving %s; health on port %s", ", ".join(fronts), health.port)
        await stop.wait()
        health.state = "stopping"
        log.info("racewatch: stopping: finishing the commands under way")
        left = await dispatcher.drain(DRAIN_SECONDS)
        if left:
            log.warning("racewatch: %d commands still running after %.0f s", left, DRAIN_SECONDS)
    finally:
        health.state = "stopping"
        if feeds is not None:
            await feeds.stop()
        await scheduler.stop()  # and lets the leadership go
        await worker.stop(grace=DRAIN_SECONDS)  # sends under way finish, the rest go back
        await waker.stop()
        for front in fronts.values():
            await front.close()
    log.info("racewatch: stopped")


def _freeze_started() -> None:
    """Freeze what starting to serve loaded and built (bot/start.py froze what loading the
    command line did): the front ends' and workers' packages (discord.py, Bolt, aiohttp),
    some 57,000 objects that live as long as the process. A full collection would walk them
    all again (30-40 ms on two busy cores) inside whichever command's allocations set it
    off. One collection first, so that start-up's garbage is not kept."""
    gc.collect()
    gc.freeze()


class StartFailed(RuntimeError):
    """A configured front end could not start (a refused token, an unreachable platform)."""


async def _start(front: FrontEnd) -> None:
    name = front.name.capitalize()
    try:
        await front.start()
    except Exception as error:
        log.debug("%s failed to start", name, exc_info=True)
        raise StartFailed(f"{name} could not start: {error}") from error


def _front_ends(settings: Settings, dispatcher: Dispatcher) -> list[FrontEnd]:
    front_ends: list[FrontEnd] = []
    if settings.has_discord:
        from bot.platforms.discord.frontend import DiscordFrontEnd

        front_ends.append(DiscordFrontEnd(settings, dispatcher))
    if settings.has_slack:
        from bot.platforms.slack.frontend import SlackFrontEnd

        front_ends.append(SlackFrontEnd(settings, dispatcher))
    return front_ends
