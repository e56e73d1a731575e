"""A channel's subscription as /subscribe and /digest both handle it: which channel the
caller means, a first subscription's defaults, the subscription in a few lines, and the
sample alert `/subscribe test` posts there right away."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commands.alerts.terms import describe_filters, describe_topics
from commands.analysis.schedules import (
    DEFAULT_TIME,
    DEFAULT_ZONE,
    local_label,
    next_slot,
    schedule_of,
)
from commands.core.caller import Caller, Platform
from commands.core.errors import UserError
from commands.core.reply import Reply
from storage.events import EventRow
from storage.subscriptions import TOPICS, Subscription

SAMPLE_FOOTER = "Racewatch TEST alert · a sample from /subscribe test; nothing was changed"


def channel_key(caller: Caller) -> tuple[str, str, str]:
    """(platform, workspace, channel) of the caller's channel; the console has none."""
    if caller.platform is Platform.CONSOLE or not caller.channel_id or not caller.workspace_id:
        raise UserError(
            "Subscriptions are for Discord and Slack channels: run this in the channel "
            "that should get the alerts (the console has no channel to post to)."
        )
    return caller.platform.value, caller.workspace_id, caller.channel_id


def new_subscription(key: tuple[str, str, str], *, instant: bool = True) -> dict[str, Any]:
    """A channel's first subscription: every topic, no filter, condensed, no digest yet."""
    platform, workspace, channel = key
    return {
        "platform": platform,
        "workspace_id": workspace,
        "channel_id": channel,
        "topics": list(TOPICS),
        "filters": [],
        "instant": instant,
        "format": "condensed",
        "digest": None,
        "digest_time": DEFAULT_TIME,
        "timezone": DEFAULT_ZONE,
        "post_empty": False,
        "digest_cursor": 0,
    }


def describe(sub: Subscription, now: datetime) -> list[str]:
    """A subscription in a few lines, as /subscribe, /subscriptions and /digest show it."""
    schedule = schedule_of(sub)
    digest = "off"
    if schedule is not None:
        empty = "posted" if sub.post_empty else "skipped"
        digest = (
            f"{schedule}, next {local_label(next_slot(schedule, now), sub.timezone)} "
            f"(empty ones {empty})"
        )
    lines = [
        f"Topics: {describe_topics(sub.topics)}",
        f"Filters: {describe_filters(sub.filters)}",
        f"Instant alerts: {'on' if sub.instant else 'off'}; format {sub.format}",
        f"Digest: {digest}",
    ]
    if sub.mention:
        lines.append(f"Lead changes ping: {sub.mention} (no other alert pings anyone)")
    if sub.paused_reason:
        when = local_label(sub.paused_at, sub.timezone) if sub.paused_at else "?"
        lines.append(f"PAUSED since {when}: {sub.paused_reason}. /subscribe again to resume.")
    return lines


def sample_alert(event: EventRow | None) -> Reply:
    """The newest event as this channel would see it, labelled as a test."""
    if event is None:
        return Reply(
            title="Test alert from Racewatch",
            body="This is how Racewatch alerts will look in this channel.",
            footer=SAMPLE_FOOTER,
        )
    return Reply(
        title="Test alert from Racewatch",
        body=f"A sample, event #{event.id} of {event.at:%Y-%m-%d} (already known):\n"
        f"{event.summary}",
        footer=SAMPLE_FOOTER,
    )
