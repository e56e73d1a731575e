"""Recording sends as sent off the send path: many rows a write, retried while the database
is busy, so that a long write elsewhere (an import holding SQLite's write lock) stalls the
records and never the sends.

A send hands its row to `SentRecorder.record` and goes on; the recorder writes what has
gathered every `RECORD_EVERY` seconds, or at once when `RECORD_ROWS` rows wait or someone
`flush`es. A write the database refuses is tried again with backoff; a row is given up only
once its own deadline (set by the worker, well inside the row's lease) has passed, so no
other sender takes a row and posts it again while this one may still record it. An alert
whose change a curator undid while it was on its way is owed its correction by its record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from commands.alerts.instant import CORRECTED
from commands.core.clock import Clock
from storage.engine.db import Database
from storage.outbox import corrections
from storage.outbox import deliveries as outbox

log = logging.getLogger(__name__)

ACTOR = "racewatch:delivery"  # the audit name of the delivery worker and its recorder
RECORD_EVERY = 0.05  # seconds a record waits for others to share its write
RECORD_ROWS = 100  # rows that are written at once, without waiting
RECORD_FIRST_WAIT, RECORD_MAX_WAIT = 0.05, 2.0  # seconds between tries of a refused write


@dataclass
class _Sent:
    """A row the platform has, waiting to be recorded."""

    delivery_id: int
    at: datetime
    ref: str | None
    deadline: float  # event-loop time after which recording it is given up
    done: asyncio.Future[bool] = field(repr=False)


class SentRecorder:
    """Marks a worker's sent rows as sent, many in one write, in a task of its own."""

    def __init__(self, db: Database, worker: str, clock: Clock) -> None:
        self.db, self.worker, self.clock = db, worker, clock
        self.writes = 0  # write transactions that recorded rows (a benchmark reads it)
        self._pending: list[_Sent] = []
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._hurry = 0  # flushes waiting: write without the wait
        self.given_up: set[int] = set()  # rows sent but not recorded: left to their lease

    def record(self, delivery_id: int, ref: str | None, deadline: float) -> asyncio.Future[bool]:
        """Owe the row's record; the future says True once it is written, False if another
        worker had taken the row over, or holds the error that made the recorder give up."""
        loop = asyncio.get_running_loop()
        sent = _Sent(delivery_id, self.clock.now(), ref, deadline, loop.create_future())
        self._pending.append(sent)
        if len(self._pending) >= RECORD_ROWS:
            self._kick.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="delivery-record")
        return sent.done

    async def flush(self) -> None:
        """Write every row owed now, without the wait (retries included), and return when
        each is recorded or given up."""
        owed = [sent.done for sent in self._pending]
        if not owed:
            return
        self._hurry += 1
        self._kick.set()
        try:
            await asyncio.wait(owed)
        finally:
            self._hurry -= 1
        if not self._pending and self._task is not None:
            await self._task

    async def _run(self) -> None:
        wait = RECORD_FIRST_WAIT
        while self._pending:
            if not (self._hurry or self._kick.is_set()):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), RECORD_EVERY)
            self._kick.clear()
            batch = self._pending[:RECORD_ROWS]
            try:
                recorded = await self._write(batch)
            except DBAPIError as error:
                self._give_up(error, asyncio.get_running_loop().time() + wait)
                log.warning(
                    "delivery: %d message(s) sent but recording them failed (%s): again in %.2f s",
                    len(batch),
                    error.orig,
                    wait,
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, RECORD_MAX_WAIT)
                self._kick.set()
                continue
            except Exception as error:  # a fault of ours: the callers log it, nothing waits
                recorded = set()
                for sent in batch:
                    self.given_up.add(sent.delivery_id)
                    sent.done.set_exception(error)
            wait = RECORD_FIRST_WAIT
            del self._pending[: len(batch)]
            if len(self._pending) >= RECORD_ROWS:
                self._kick.set()
            for sent in batch:
                if not sent.done.done():
                    sent.done.set_result(sent.delivery_id in recorded)

    async def _write(self, batch: list[_Sent]) -> set[int]:
        rows = [(sent.delivery_id, sent.at, sent.ref) for sent in batch]
        now = self.clock.now()
        async with self.db.write(ACTOR, "sent", now) as change:
            recorded = await outbox.mark_sent(change.conn, self.worker, rows)
            await corrections.correct_late_sends(
                change.conn, recorded, corrected_kinds=CORRECTED, now=now
            )
        self.writes += 1
        return recorded

    def _give_up(self, error: DBAPIError, next_try: float) -> None:
        """Fail the rows whose deadline comes before the next try (their callers log it)."""
        late = [sent for sent in self._pending if sent.deadline < next_try]
        for sent in late:
            self._pending.remove(sent)
            self.given_up.add(sent.delivery_id)
            sent.done.set_exception(error)
