"""The scheduler's jobs come from the subscriptions and forecasts tables, at start and after
every change; each digest job is a cron trigger in the channel's own time zone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from bot.workers.scheduler import AlertScheduler
from tests.support.chat import Chat

BERLIN = "digest:daily at 09:00 Europe/Berlin"
NEW_YORK = "digest:weekly on Wed at 08:30 America/New_York"
SHANGHAI = "digest:daily at 18:00 Asia/Shanghai"


async def until(scheduler: AlertScheduler, holds: Callable[[set[str]], bool]) -> set[str]:
    """Wait (at most 10 s) for the scheduler's own refresh to derive jobs for which `holds`."""
    for _ in range(500):
        if holds(jobs := set(scheduler.jobs)):
            return jobs
        await asyncio.sleep(0.02)
    raise AssertionError(f"the jobs stayed {sorted(scheduler.jobs)}")


async def test_jobs_follow_the_tables_at_start_and_after_each_change(chat: Chat) -> None:
    await chat.discord_run(
        "digest schedule", {"every": "daily", "time": "09:00", "timezone": "Europe/Berlin"}
    )
    await chat.slack_run("/digest", "schedule daily 9am Europe/Berlin")  # the same job
    await chat.slack_run("/digest", "schedule weekly 08:30 America/New_York day:wed", channel="C2")
    await chat.discord_run("subscribe", {"topics": "all"}, channel=chat.quiet)  # no digest
    scheduler = AlertScheduler(chat.db, chat.clock, refresh_every=0.05)
    await scheduler.start()
    try:
        assert set(scheduler.jobs) == {BERLIN, NEW_YORK}

        await chat.slack_run("/digest", "schedule off", channel="C2")
        assert await until(scheduler, lambda jobs: NEW_YORK not in jobs) == {BERLIN}

        await chat.discord_run(
            "digest schedule", {"every": "daily", "time": "18:00", "timezone": "Asia/Shanghai"}
        )
        assert await until(scheduler, lambda jobs: SHANGHAI in jobs) == {BERLIN, SHANGHAI}

        await chat.curator(
            "admin forecast add",
            {
                "who": "A. Pundit",
                "claim": "China reaches 30 on SWE-Marathon",
                "window": "2027-03",
                "source": "https://example.org/f",
                "condition": "best CN score on SWE-Marathon >= 30",
            },
        )
        deadline = "deadline:2027-04-01T00:00:00+00:00"
        assert deadline in await until(scheduler, lambda jobs: len(jobs) == 3)

        await chat.slack_run("/unsubscribe")
        assert await until(scheduler, lambda jobs: BERLIN not in jobs) == {SHANGHAI, deadline}
    finally:
        scheduler.shutdown()


async def test_a_digest_job_fires_at_local_time_across_dst(chat: Chat) -> None:
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")
    scheduler = chat.scheduler()
    await scheduler.start()
    try:
        trigger = scheduler.jobs[BERLIN]
    finally:
        scheduler.shutdown()

    def next_fire(after: datetime) -> datetime:
        fire = trigger.get_next_fire_time(None, after)
        assert isinstance(fire, datetime)
        return fire.astimezone(UTC)

    assert next_fire(datetime(2027, 3, 27, 9, tzinfo=UTC)) == datetime(2027, 3, 28, 7, tzinfo=UTC)
    assert next_fire(datetime(2027, 3, 26, 9, tzinfo=UTC)) == datetime(2027, 3, 27, 8, tzinfo=UTC)
    assert next_fire(datetime(2027, 10, 30, 9, tzinfo=UTC)) == datetime(2027, 10, 31, 8, tzinfo=UTC)
