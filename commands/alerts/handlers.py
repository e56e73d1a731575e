"""What runs inside every writing transaction that appends events: the one list, installed
at start by whatever opens the database for writes (the app, the command line, tests).

Storage knows only that a `Database` has event handlers (`Database.on_event`); which ones,
and why, is said here. Each runs in the transaction of the write that appended the events,
so what it writes commits or rolls back with them, in this order:

1. `storage.outbox.deliveries.enqueue`: an outbox row for each instant subscription the
   events are for, so each alert is sent once, and never for a write that rolled back.
2. `commands.alerts.resolution.check_conditions`: a new score (or forecast) may meet an open
   forecast's condition; resolving it appends a `resolved` event, which runs this list again
   (its own alert is queued by 1; 2 ignores it).
"""

from __future__ import annotations

from storage.changes import Change, EventHook
from storage.engine.db import Database

# Each handler imports its module at the first event, so that a process that only reads (a
# console `racewatch ask`) does not load the outbox and the forecast conditions to install them.


async def enqueue(change: Change, event_id: int) -> None:
    from storage.outbox.deliveries import enqueue

    await enqueue(change, event_id)


async def check_conditions(change: Change, event_id: int) -> None:
    from commands.alerts.resolution import check_conditions

    await check_conditions(change, event_id)


HANDLERS: tuple[EventHook, ...] = (enqueue, check_conditions)


def install(db: Database) -> None:
    """Put the handlers on `db` (again is harmless: each is installed once)."""
    for handler in HANDLERS:
        if handler not in db.event_hooks:
            db.on_event(handler)
