"""Digest schedules as local times in an IANA time zone: parsing and the slots they give.

Pure (no clock, no I/O): a slot is the UTC instant of the local time on a given day, so a
09:00 Europe/Berlin digest is at 08:00 UTC in winter and 07:00 UTC in summer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from commands.core.errors import UserError
from storage.subscriptions import Subscription

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME = "09:00"
DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class Schedule:
    """Daily, or weekly on `weekday` (0 = Monday), at `at` local time in `timezone`."""

    every: str  # daily | weekly
    at: time
    timezone: str
    weekday: int | None = None

    def __str__(self) -> str:
        weekly = self.every == "weekly" and self.weekday is not None
        day = f" on {WEEKDAYS[self.weekday or 0].title()}" if weekly else ""
        return f"{self.every}{day} at {self.at:%H:%M} {self.timezone}"

    def slot_on(self, day: date) -> datetime | None:
        """The UTC instant of this schedule's local time on `day`, if it fires that day."""
        if self.every == "weekly" and day.weekday() != self.weekday:
            return None
        return datetime.combine(day, self.at, tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)


def schedule_of(sub: Subscription) -> Schedule | None:
    if sub.digest is None:
        return None
    return Schedule(sub.digest, parse_time(sub.digest_time), sub.timezone, sub.weekday)


def previous_slot(schedule: Schedule, now: datetime) -> datetime:
    """The latest time the schedule fired at or before `now`."""
    today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    for back in range(0, 9):
        slot = schedule.slot_on(today - timedelta(days=back))
        if slot is not None and slot <= now:
            return slot
    raise AssertionError("a schedule fires at least weekly")


def next_slot(schedule: Schedule, now: datetime) -> datetime:
    """The first time the schedule fires after `now`."""
    today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    for ahead in range(-1, 9):
        slot = schedule.slot_on(today + timedelta(days=ahead))
        if slot is not None and slot > now:
            return slot
    raise AssertionError("a schedule fires at least weekly")


def parse_time(text: str) -> time:
    """`09:00`, `9:30`, `9`, `9am`, `6:30 pm` -> a local time of day."""
    value = text.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:[:h.](\d{2}))?(am|pm)?", value)
    if match is None:
        raise UserError(f"`{text}` is not a time of day: write 09:00, 18:30 or 9am.")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise UserError(f"`{text}` is not a time of day: with am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError(f"`{text}` is not a time of day: write 09:00, 18:30 or 9am.")
    return time(hour, minute)


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_timezone(text: str) -> str:
    """An IANA time zone name (`Europe/Berlin`), in any case; refused with examples."""
    name = _zones().get(text.strip().lower())
    if name is not None:
        try:
            ZoneInfo(name)
            return name
        except ZoneInfoNotFoundError:
            pass
    raise UserError(
        f"`{text}` is not a time zone I know: use an IANA name such as Europe/Berlin, "
        "America/New_York, Asia/Shanghai or UTC."
    )


def parse_weekday(text: str) -> int:
    word = text.strip().lower()[:3]
    if word not in WEEKDAYS:
        raise UserError(f"`{text}` is not a weekday: use one of {', '.join(WEEKDAYS)}.")
    return WEEKDAYS.index(word)


def local_label(at: datetime, timezone: str) -> str:
    """`Tue 24 Nov 2026 09:00 CET`: how a channel sees an instant."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %Y %H:%M %Z")
