"""Builds storage, the command dispatcher and the front ends on one event loop, and runs them."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.config import Settings
from bot.dispatcher import open_dispatcher
from bot.platforms.console import console
from bot.platforms.frontend import FrontEnd
from commands.core.dispatch import Dispatcher

log = logging.getLogger(__name__)


async def _health_server(settings: Settings) -> web.AppRunner:
    """`GET /healthz` answers 200 while the process runs (for containers)."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.health_host, settings.health_port).start()
    return runner


async def run(settings: Settings) -> None:
    """Run every configured front end until stopped; the console when none is configured."""
    async with open_dispatcher(settings) as dispatcher:
        front_ends = _front_ends(settings, dispatcher)
        if not front_ends:
            print(
                "No DISCORD_TOKEN or Slack tokens are set: opening the console on "
                f"{settings.database_url}."
            )
            await console(dispatcher)
            return
        from bot.workers.delivery import DeliveryWorker
        from bot.workers.feeds import FeedWorker
        from bot.workers.scheduler import AlertScheduler

        health = await _health_server(settings)
        worker = DeliveryWorker(dispatcher.db, {f.name: f for f in front_ends})
        scheduler = AlertScheduler(dispatcher.db, dispatcher.clock, on_planned=worker.wake)
        feeds = FeedWorker(dispatcher.db, dispatcher.clock) if settings.feeds_on else None
        try:
            for front in front_ends:
                await _start(front)
            await worker.start()  # sends what the outbox owes through the front ends
            await scheduler.start()  # plans digests and closes ended forecasts
            if feeds is not None:
                await feeds.start()  # polls the feeds that are due
            await asyncio.Event().wait()
        finally:
            if feeds is not None:
                await feeds.stop()
            scheduler.shutdown()
            await worker.stop()
            for front in front_ends:
                await front.close()
            await health.cleanup()


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
