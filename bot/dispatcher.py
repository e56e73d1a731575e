"""The dispatcher a process answers commands with: on a prepared database, event handlers on.

Kept apart from `bot.app` so that `racewatch ask` and the console load only what a command
needs, not the health server, the workers or a platform.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from commands.alerts import handlers
from commands.core.clock import SystemClock
from commands.core.dispatch import Dispatcher
from commands.feeds.bundle import prepare_bundled
from commands.feeds.defaults import install_defaults
from storage.engine.db import Database

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_dispatcher(
    settings: Settings, kind: type[Dispatcher] = Dispatcher
) -> AsyncIterator[Dispatcher]:
    """A dispatcher on a migrated database (filled with the bundled dataset when new)."""
    db = Database(settings.database_url)
    try:
        if await prepare_bundled(db, settings.bundled):
            log.info("new database: loaded the bundled dataset")
        if settings.feeds_on and await install_defaults(db, SystemClock().now()):
            log.info("configured the default feeds (RACEWATCH_FEEDS=off stops polling)")
        handlers.install(db)  # inside every write: outbox rows, forecast resolution
        yield kind(db, SystemClock())
    finally:
        await db.close()
