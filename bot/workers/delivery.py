"""The outbox worker: claims owed messages, sends them through the front ends, marks them.

Several workers (processes) may share one outbox: a claim takes rows with a lease, and a
row whose lease ran out (its worker died) is claimed again; a worker starting takes back at
once the rows of a dead worker on its own machine (`bot.workers.claimant`). Each message
carries a nonce derived from its row, so Discord drops the resend of a message that went
out just before a crash; Slack has no such key, so the row's nonce rides in the message's
metadata and a retry of a row an earlier try may have posted looks for it first.
Front ends raise the neutral errors of `bot.platforms.errors`: `RetryLater` after the wait
the platform named, else with capped exponential backoff and jitter; a channel that is gone
or forbids the bot pauses its subscription (with the reason, in /subscriptions and the
audit log). No send waits for the database's write lock (a long import holds SQLite's a
moment at a time): the next batch is claimed while half of the last is still to be sent,
rows wait in a lane per channel (`bot.workers.lanes`), and `bot.workers.recording` marks
sent rows sent, many in one write, off the send path.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot import metrics
from bot.platforms.errors import ChannelUnavailable, RetryLater, SendError
from bot.workers.claimant import is_gone, worker_name
from bot.workers.lanes import PAUSED, RECORDING, SETTLED, Lanes
from bot.workers.pacing import pacer_for
from bot.workers.recording import ACTOR, SentRecorder
from commands.alerts.instant import BatchReplies, delivery_reply
from commands.core.clock import Clock, SystemClock
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.outbox import deliveries as outbox
from storage.outbox import leases
from storage.outbox.deliveries import Delivery
from storage.subscriptions import Subscription, pause_subscription

log = logging.getLogger(__name__)

LONE_LEASE = timedelta(seconds=120)  # SQLite: a long import may hold the write lock a while
SHARED_LEASE = timedelta(seconds=10)
"""Lease of a claimed row where several processes deliver (PostgreSQL): renewed every 2 s
by a live worker's heartbeat, so a dead one's rows go to the others within 10 s, not 120."""
HEARTBEATS_PER_LEASE = 5


def lease_for(db: Database) -> timedelta:
    """The lease of a claimed row: short where other processes wait for it (PostgreSQL)."""
    return LONE_LEASE if db.is_sqlite else SHARED_LEASE


DEFAULT_PACE = 10.0
"""Sends per second through a sender that declares no `pace` of its own."""
RECORD_SHARE = 0.5  # of the lease: how long recording a send may be retried


class Sender(Protocol):
    """What the worker needs of a front end; its `pace` (sends per second), when it has one,
    sets how fast the worker sends through it."""

    async def send(
        self,
        channel_id: str,
        reply: Reply,
        *,
        nonce: str | None = None,
        since: datetime | None = None,
    ) -> str:
        """Post and return the platform's message id; raise `bot.platforms.errors` types;
        with `since`, first look for an earlier try's message (`bot.platforms.frontend`)."""
        ...


@dataclass(frozen=True)
class Backoff:
    """Capped exponential backoff with "equal jitter": half fixed, half random."""

    base: float = 2.0
    cap: float = 300.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        full = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        return float(full / 2 + rng.uniform(0, full / 2))


@dataclass(frozen=True)
class Verdict:
    """What to do after a failed send: retry (maybe after `retry_after`), pause or give up."""

    action: str  # retry | pause | fail
    reason: str
    retry_after: float | None = None


def judge(error: Exception) -> Verdict:
    """Read a front end's send error as retry, pause or fail (anything unknown: retry)."""
    if isinstance(error, ChannelUnavailable):
        return Verdict("pause", str(error))
    if isinstance(error, RetryLater):
        return Verdict("retry", str(error), error.after)
    if isinstance(error, SendError):
        return Verdict("retry" if error.retryable else "fail", str(error))
    return Verdict("retry", f"{type(error).__name__}: {error}")


def nonce_of(delivery: Delivery) -> str:
    """The same row always sends the same nonce (Discord allows 25 characters)."""
    return f"rw-{delivery.id}"


def unsure_since(delivery: Delivery) -> datetime | None:
    """When an earlier try may have posted this row (a 5xx, a timeout, a crash after the
    post): from its creation on, since no try began before. None on the first try."""
    return delivery.created_at if delivery.attempts > 1 else None


class DeliveryWorker:
    """Runs until stopped: claim due rows, send each through its platform, mark it."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        clock: Clock | None = None,
        *,
        name: str | None = None,
        batch: int = 100,
        concurrency: int = 16,
        lease: timedelta = LONE_LEASE,
        poll: float = 1.0,
        backoff: Backoff | None = None,
        max_attempts: int | None = None,
        pace: Mapping[str, float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.batches = BatchReplies()  # an import goes to many channels: read it once
        self.clock = clock or SystemClock()
        self.name = name or worker_name()
        self.batch, self.lease, self.poll = batch, lease, poll
        self.backoff = backoff or Backoff()
        self.max_attempts = max_attempts  # None: a platform outage, however long, loses nothing
        self.rng = rng or random.Random()
        rates = {p: getattr(s, "pace", DEFAULT_PACE) for p, s in self.senders.items()}
        rates.update(pace or {})
        self.pacers = {p: pacer_for(db, s, rates[p], self.name) for p, s in self.senders.items()}
        self.recorder = SentRecorder(db, self.name, self.clock)
        self._wake = asyncio.Event()
        # the next batch is claimed once half of the last is sent (`_pump`)
        self.lanes = Lanes(self._deliver, concurrency, batch // 2, self._wake.set)
        self._more = False  # the last claim was a full batch
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._heartbeat: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    async def start(self, settle: float = 1.0) -> None:
        """Deliver in the background from `settle` seconds on: the front ends' start-up calls
        (login, command sync) have just spent part of the platform's global budget."""
        self._task = asyncio.create_task(self.run(settle), name="delivery")
        if not self.db.is_sqlite:  # one process per SQLite file: no one else waits on a lease
            self._heartbeat = asyncio.create_task(self.heartbeat(), name="delivery-heartbeat")

    async def stop(self, grace: float = 0.0) -> None:
        """Claim nothing more, let sends under way finish (up to `grace` seconds), record
        what went out, give the pace places back, then hand back every row still claimed:
        nothing lost, nothing sent twice (a row handed back before its record would be
        claimed and posted again)."""
        self._stopping = self.lanes.stopping = True
        self._wake.set()
        if self._task is not None:
            if grace > 0:
                await asyncio.wait({self._task}, timeout=grace)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.lanes.end(cancel=True)
        await self.recorder.flush()
        for pacer in self.pacers.values():
            await pacer.close()
        if self._heartbeat is not None:  # renewed the leases of the rows being recorded
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        async with self.db.write(ACTOR, "release", self.clock.now()) as change:
            await outbox.release(change.conn, self.name, keep=self.recorder.given_up)

    async def run(self, settle: float = 0.0) -> None:
        await asyncio.sleep(settle)
        try:
            await self.recover()
        except Exception:  # their rows then wait for their lease to run out
            log.exception("delivery: could not take back the rows of stopped workers")
        await self._pump(until_idle=False)

    async def heartbeat(self) -> None:
        """Renew the leases of the rows this worker holds every fifth of a lease, so that
        when it dies the others take its rows within one lease (SHARED_LEASE on PostgreSQL)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / HEARTBEATS_PER_LEASE)
            try:
                await self.renew_leases()
            except Exception as error:  # the database is away: its leases may run out
                log.warning("delivery: could not renew the leases: %s", error)

    async def renew_leases(self) -> int:
        """One heartbeat: every row this worker holds is leased for `lease` from now."""
        now = self.clock.now()
        async with self.db.write(ACTOR, "heartbeat", now) as change:
            return await leases.renew(change.conn, self.name, now + self.lease)

    async def recover(self) -> list[str]:
        """Before the first claim: take back the rows of dead workers of this machine, and of
        this very name (a restarted container's process often gets the same pid; one worker
        per process, so the name is the process)."""
        async with self.db.write(ACTOR, "recover", self.clock.now()) as change:
            dead = [
                holder
                for holder in await outbox.holders(change.conn)
                if holder == self.name or is_gone(holder)
            ]
            for holder in dead:
                await outbox.release(change.conn, holder)
        if dead:
            log.warning("delivery: took back the rows of stopped workers %s", ", ".join(dead))
        return dead

    async def run_once(self) -> int:
        """Claim one batch of due rows, deliver and record them; returns how many were claimed."""
        claimed = await self._claim()
        await self.lanes.end(cancel=False)
        await self.recorder.flush()
        return claimed

    async def drain(self) -> None:
        """Deliver until nothing is owed, retries included (wrap it in `asyncio.timeout`)."""
        await self._pump(until_idle=True)

    async def _pump(self, until_idle: bool) -> None:
        """Keep the lanes fed: the next batch is claimed while half of the last is still to
        be sent, so a claim waiting for the write lock (a long import) stalls no send."""
        try:
            while not self._stopping:
                self._wake.clear()  # before the claim: a wake-up during the round is kept
                if self.lanes.unsent <= self.lanes.low:
                    try:
                        if await self._claim() and self._more:
                            continue  # a full batch: more may be due
                    except Exception:
                        log.exception("delivery: a round failed; trying again")
                    if until_idle and not self.lanes.unsent:
                        pause = await self._next_due()
                        if pause is None:
                            return
                        await asyncio.sleep(pause)
                        continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)
            await self.lanes.end(cancel=False)  # stopping: the sends under way finish
        finally:
            await self.lanes.end(cancel=True)

    async def _next_due(self) -> float | None:
        """Seconds until a row owed can be tried again (None: nothing is owed)."""
        await self.recorder.flush()  # a sent row is owed until it is recorded
        async with self.db.read() as conn:
            waits = await outbox.outstanding(conn, list(self.senders))
        if not waits:
            return None
        now = self.clock.now()
        later = [(w - now).total_seconds() for w in waits if w is not None]
        pause = min(later) if later and len(later) == len(waits) else 0.0
        return min(max(pause, 0.01), self.poll)

    async def _claim(self) -> int:
        """Claim a batch of due rows into their channels' lanes; returns how many are new."""
        if not self.senders:
            return 0
        now = self.clock.now()
        async with self.db.write(ACTOR, "claim", now) as change:
            claimed = await outbox.claim(
                change.conn,
                platforms=list(self.senders),
                worker=self.name,
                now=now,
                lease_until=now + self.lease,
                limit=self.batch,
            )
        self._more = len(claimed) >= self.batch
        return self.lanes.add(claimed)

    async def _deliver(self, delivery: Delivery, sub: Subscription) -> str:
        """Send one row: RECORDING once it is out (the recorder marks it), PAUSED when its
        subscription had to be paused, else SETTLED."""
        sender = self.senders[sub.platform]
        started = asyncio.get_running_loop().time()
        async with self.db.read() as conn:
            reply = await delivery_reply(conn, delivery, sub, self.batches)
        if reply is None:
            async with self.db.write(ACTOR, "skip", self.clock.now()) as change:
                await outbox.mark_skipped(change.conn, delivery.id, self.name, "filters changed")
            return SETTLED
        try:
            async with self.pacers[sub.platform].slot():
                ref = await sender.send(
                    sub.channel_id, reply, nonce=nonce_of(delivery), since=unsure_since(delivery)
                )
        except Exception as error:  # every front end error is judged; none may stop the worker
            return PAUSED if await self._failed(delivery, sub, judge(error)) else SETTLED
        # recorded even while the database refuses for a while (a long import holds SQLite's
        # write lock): retried for at most `RECORD_SHARE` of the lease from when the send
        # began, so the row stays ours and no other sender takes it and posts it again
        deadline = started + self.lease.total_seconds() * RECORD_SHARE
        recorded = self.recorder.record(delivery.id, ref, deadline)
        recorded.add_done_callback(functools.partial(self._recorded, delivery, sub, started))
        return RECORDING

    def _recorded(
        self, delivery: Delivery, sub: Subscription, started: float, done: asyncio.Future[bool]
    ) -> None:
        """The recorder is done with a sent row: it leaves the worker's hands."""
        self.lanes.held.discard(delivery.id)
        error = None if done.cancelled() else done.exception()
        if done.cancelled() or error is not None:
            log.error(
                "delivery #%s to %s was sent but could not be recorded (%s): its lease will run "
                "out and the resend carry the same nonce",
                delivery.id,
                sub.channel_id,
                error or "cancelled",
            )
            return
        if not done.result():
            log.warning("delivery #%s: sent after its lease was taken over", delivery.id)
        _log_delivery(delivery, sub, "sent", started)

    async def _failed(self, delivery: Delivery, sub: Subscription, verdict: Verdict) -> bool:
        now = self.clock.now()
        limit = self.max_attempts
        if verdict.action == "retry" and (limit is None or delivery.attempts < limit):
            wait = verdict.retry_after
            if wait is None:
                wait = self.backoff.delay(delivery.attempts, self.rng)
            log.info("delivery #%s: retry in %.1f s: %s", delivery.id, wait, verdict.reason)
            metrics.delivery(sub.platform, "retried")
            async with self.db.write(ACTOR, "retry", now) as change:
                await outbox.retry_later(
                    change.conn,
                    delivery.id,
                    self.name,
                    now + timedelta(seconds=wait),
                    verdict.reason,
                )
            return False
        if verdict.action == "pause":
            await self._pause(sub, verdict.reason, now)
            metrics.delivery(sub.platform, "paused")
            return True
        log.warning("delivery #%s to %s failed: %s", delivery.id, sub.channel_id, verdict.reason)
        metrics.delivery(sub.platform, "failed")
        async with self.db.write(ACTOR, "fail", now) as change:
            await outbox.mark_failed(change.conn, delivery.id, self.name, verdict.reason)
        return False

    async def _pause(self, sub: Subscription, reason: str, now: datetime) -> None:
        log.warning("pausing %s channel %s: %s", sub.platform, sub.channel_id, reason)
        action = f"pause subscription #{sub.id} ({sub.platform} channel {sub.channel_id})"
        async with self.db.write(ACTOR, action, now) as change:
            await pause_subscription(change, sub.id, reason)
            await outbox.hold_paused(change.conn, sub.id, reason)


def _log_delivery(delivery: Delivery, sub: Subscription, outcome: str, started: float) -> None:
    """One line and one count per message handled (the command lines' counterpart)."""
    ms = round((asyncio.get_running_loop().time() - started) * 1000)
    metrics.delivery(sub.platform, outcome)
    log.info(
        "delivery #%s (%s) to %s channel %s: %s in %d ms",
        delivery.id,
        delivery.kind,
        sub.platform,
        sub.channel_id,
        outcome,
        ms,
        extra={
            "fields": {
                "delivery": delivery.id,
                "platform": sub.platform,
                "outcome": outcome,
                "ms": ms,
            }
        },
    )
