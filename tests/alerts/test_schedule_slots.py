"""Digest slots and the pure due-digest decision, for any time zone, time of day and instant."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.workers.scheduler import due_digests
from commands.analysis.schedules import Schedule, next_slot, previous_slot
from storage.subscriptions import Subscription

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney")
# Local times that exist on every day (no zone above moves its clocks between 04:00 and 23:45).
TIMES = st.builds(time, st.integers(4, 23), st.sampled_from([0, 15, 30, 45]))
INSTANTS = st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC))
SCHEDULES = st.builds(
    Schedule,
    st.sampled_from(["daily", "weekly"]),
    TIMES,
    st.sampled_from(ZONES),
    st.integers(0, 6),
).map(lambda s: s if s.every == "weekly" else Schedule("daily", s.at, s.timezone))


def subscription(schedule: Schedule, through: datetime | None, since: datetime) -> Subscription:
    return Subscription(
        1,
        "slack",
        "T0",
        "C0",
        ("leads",),
        (),
        False,
        "condensed",
        schedule.every,
        f"{schedule.at:%H:%M}",
        schedule.timezone,
        schedule.weekday,
        False,
        since,
        through,
        0,
        None,
        None,
        "slack:U0",
        since,
    )


@given(SCHEDULES, INSTANTS)
def test_slots_are_the_local_time_around_now(schedule: Schedule, now: datetime) -> None:
    before, after = previous_slot(schedule, now), next_slot(schedule, now)

    assert before <= now < after
    for slot in (before, after):
        local = slot.astimezone(ZoneInfo(schedule.timezone))
        assert local.time() == schedule.at
        assert schedule.every == "daily" or local.weekday() == schedule.weekday
    period = timedelta(days=1 if schedule.every == "daily" else 7)
    assert period - timedelta(hours=1) <= after - before <= period + timedelta(hours=1)


@given(SCHEDULES, INSTANTS, st.integers(0, 40))
def test_a_channel_is_due_once_for_the_latest_slot_however_many_it_missed(
    schedule: Schedule, now: datetime, missed: int
) -> None:
    latest = previous_slot(schedule, now)
    last_planned = latest - timedelta(days=missed) - timedelta(minutes=1)
    since = last_planned - timedelta(days=30)

    due = due_digests([subscription(schedule, last_planned, since)], now)
    done = due_digests([subscription(schedule, latest, since)], now)

    assert [slot for _sub, slot in due] == [latest]
    assert done == []


@given(SCHEDULES, INSTANTS)
def test_a_new_schedule_waits_for_its_first_slot(schedule: Schedule, now: datetime) -> None:
    fresh = subscription(schedule, None, now)

    assert due_digests([fresh], now) == []
    assert due_digests([fresh], next_slot(schedule, now))[0][1] == next_slot(schedule, now)
