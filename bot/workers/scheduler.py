"""When digests and forecast deadlines come due: APScheduler jobs derived from the tables.

The subscriptions and forecasts tables are the truth, not a job store: jobs are derived
from them at start and again whenever they change (checked every few seconds, so changes
made by another process or an undo count too). A job only wakes `tick()`, and `tick()`
decides from the tables and the clock alone (`due_digests` is pure), so a late, doubled or
missed job can neither lose nor double a digest; on start, missed digests are planned
once per channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from commands.alerts.resolution import resolve_missed
from commands.analysis.schedules import WEEKDAYS, Schedule, previous_slot, schedule_of
from commands.core.clock import Clock
from storage.engine.db import Database
from storage.forecasts import list_forecasts
from storage.outbox.digests import plan_digest
from storage.subscriptions import (
    Subscription,
    digest_subscriptions,
    schedule_signature,
    subscription_by_id,
)

log = logging.getLogger(__name__)

ACTOR = "racewatch:scheduler"


def due_digests(subs: Iterable[Subscription], now: datetime) -> list[tuple[Subscription, datetime]]:
    """Which channels owe a digest at `now`, and for which period end (pure).

    A channel is due when its schedule fired after the last period planned for it (or
    after the schedule was set); however many periods were missed, it is due once, for
    the latest.
    """
    due: list[tuple[Subscription, datetime]] = []
    for sub in subs:
        schedule = schedule_of(sub)
        if schedule is None or sub.paused_reason is not None:
            continue
        slot = previous_slot(schedule, now)
        since = sub.digest_through or sub.digest_since or sub.created_at
        if slot > since:
            due.append((sub, slot))
    return due


def digest_trigger(schedule: Schedule) -> CronTrigger:
    """The cron trigger of a schedule, in its own time zone (so DST moves it correctly)."""
    day = WEEKDAYS[schedule.weekday or 0] if schedule.every == "weekly" else "*"
    return CronTrigger(
        day_of_week=day,
        hour=schedule.at.hour,
        minute=schedule.at.minute,
        timezone=ZoneInfo(schedule.timezone),
    )


def derive_jobs(
    subs: Iterable[Subscription], deadlines: Iterable[datetime], now: datetime
) -> dict[str, BaseTrigger]:
    """One job per distinct digest schedule and per forecast deadline still ahead."""
    jobs: dict[str, BaseTrigger] = {}
    for sub in subs:
        schedule = schedule_of(sub)
        if schedule is not None and sub.paused_reason is None:
            jobs[f"digest:{schedule}"] = digest_trigger(schedule)
    for deadline in deadlines:
        if deadline > now:
            jobs[f"deadline:{deadline.isoformat()}"] = DateTrigger(run_date=deadline)
    return jobs


class AlertScheduler:
    """Plans digests and closes forecasts whose window ended, on an AsyncIOScheduler."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        on_planned: Callable[[], None] | None = None,
        refresh_every: float = 10.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_planned = on_planned
        self.refresh_every = refresh_every
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        self._signature: Any = None

    async def start(self) -> None:
        """Derive the jobs, catch up on anything missed while down, then run."""
        self.scheduler.start()
        await self.refresh()
        self.scheduler.add_job(
            self.refresh, IntervalTrigger(seconds=self.refresh_every), id="refresh"
        )

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    @property
    def jobs(self) -> dict[str, BaseTrigger]:
        return {job.id: job.trigger for job in self.scheduler.get_jobs() if job.id != "refresh"}

    async def refresh(self) -> None:
        """Derive the jobs again if the tables changed since the last look, then tick."""
        async with self.db.read() as conn:
            signature = (await schedule_signature(conn), await self._deadlines(conn))
            subs = await digest_subscriptions(conn)
        if signature == self._signature:
            return
        self._signature = signature
        wanted = derive_jobs(subs, signature[1], self.clock.now())
        for job in self.scheduler.get_jobs():
            if job.id != "refresh" and job.id not in wanted:
                job.remove()
        for job_id, trigger in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(self.tick, trigger, id=job_id)
        log.info("scheduler: %d digest and deadline jobs", len(wanted))
        await self.tick()

    async def _deadlines(self, conn: Any) -> tuple[datetime, ...]:
        """The instants open forecasts with a condition run out (the day after the window)."""
        ends = {
            datetime.combine(f.window_to + timedelta(days=1), time(0, 0), tzinfo=UTC)
            for f in await list_forecasts(conn, "open")
            if f.condition
        }
        return tuple(sorted(ends))

    async def tick(self) -> list[tuple[int, str]]:
        """Plan every digest due now and close ended forecasts; returns (subscription, outcome)."""
        now = self.clock.now()
        async with self.db.read() as conn:
            subs = await digest_subscriptions(conn)
        planned: list[tuple[int, str]] = []
        for sub, slot in due_digests(subs, now):
            async with self.db.write(ACTOR, f"digest for subscription #{sub.id}", now) as change:
                fresh = await subscription_by_id(change.conn, sub.id)
                if fresh is None or not due_digests([fresh], now):
                    continue  # another process planned it first
                planned.append((sub.id, await plan_digest(change.conn, fresh, slot, now)))
        closed = await resolve_missed(self.db, now)
        metrics.scheduler_run("planned" if planned or closed else "idle")
        if planned or closed:
            log.info("scheduler: digests %s, forecasts closed %s", planned, closed)
            if self.on_planned is not None:
                self.on_planned()
        return planned
