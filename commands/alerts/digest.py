"""/digest schedule and /digest preview, and the digest itself: what is new, by topic.

A digest covers the events after the channel's previous digest up to the moment it was
planned, grouped by topic (an import's rows as one line), with the race as it stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from commands.analysis.schedules import (
    DEFAULT_TIME,
    DEFAULT_ZONE,
    WEEKDAYS,
    Schedule,
    local_label,
    next_slot,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from commands.core.errors import UserError
from commands.core.registry import REGISTRY, Option, OptionType, Permission, Request
from commands.core.reply import Field, Reply
from commands.slash.race import _entries, _headline
from commands.slash.subscriptions import channel_key, describe, new_subscription
from storage.benchmarks import all_benchmarks
from storage.engine.db import Database
from storage.events import EventRow, events_between, last_event_id
from storage.names import normalize
from storage.outbox.deliveries import Delivery
from storage.outbox.digests import digest_start
from storage.subscriptions import (
    Subscription,
    get_subscription,
    mismatch,
    save_subscription,
    topic_of,
)

TOPIC_TITLES = {
    "leads": "Lead changes",
    "forecasts": "Forecasts",
    "releases": "Releases",
    "scores": "Scores",
    "access": "Access",
    "news": "News",
}
ORDER = ("leads", "forecasts", "releases", "scores", "access", "news")
LINES = {"condensed": 6, "full": 25}
RACE_LINES = {"condensed": 5, "full": 15}
FIELD_ROOM = 1000  # Discord allows 1024 characters per field

REGISTRY.group("digest", description="This channel's scheduled digest")


def _topic_lines(events: Sequence[EventRow], most: int) -> list[str]:
    """One line per event; an import's events on one line; at most `most` lines."""
    lines: list[str] = []
    batches: dict[str, list[EventRow]] = {}
    for event in events:
        if event.batch is None:
            lines.append(f"• {event.summary}")
        elif event.batch not in batches:
            batches[event.batch] = [event]
            lines.append(f"batch:{event.batch}")
        else:
            batches[event.batch].append(event)
    for batch, members in batches.items():
        noun = "event" if len(members) == 1 else "events"
        said = (
            f"• {len(members):,} {noun} from one import (batch {batch}), e.g. {members[0].summary}"
        )
        lines[lines.index(f"batch:{batch}")] = said
    shown: list[str] = []
    for line in lines[:most]:
        if sum(len(x) + 1 for x in shown) + len(line) > FIELD_ROOM - 30:
            break
        shown.append(line)
    if len(shown) < len(lines):
        shown.append(f"… and {len(lines) - len(shown)} more")
    return shown


def compose_digest(
    sub: Subscription,
    events: Sequence[EventRow],
    *,
    period_end: datetime,
    race: Sequence[str],
    title: str = "",
) -> Reply:
    """A channel's digest: new events by topic, then the race summary."""
    by_topic: dict[str, list[EventRow]] = {}
    for event in events:
        by_topic.setdefault(topic_of(event.kind), []).append(event)
    fields = tuple(
        Field(
            f"{TOPIC_TITLES[topic]} ({len(by_topic[topic])})",
            "\n".join(_topic_lines(by_topic[topic], LINES[sub.format])),
            inline=False,
        )
        for topic in ORDER
        if topic in by_topic
    )
    count = len(events)
    body = f"{count} new since the last digest." if count else "Nothing new since the last digest."
    day = local_label(period_end, sub.timezone).rsplit(" ", 2)[0]
    return Reply(
        title=title or f"Racewatch {sub.digest or 'daily'} digest: {day}",
        body=body,
        fields=fields,
        extra=("The race now:", *race) if race else (),
        footer=f"Racewatch digest · {local_label(period_end, sub.timezone)}",
    )


def follows_benchmark(sub: Subscription, name: str) -> bool:
    """Whether the channel's benchmark filters let a benchmark into its race summary."""
    rules = [f for f in sub.filters if f.key == "benchmark"]
    named = [f for f in rules if normalize(f.value) == normalize(name)]
    if any(f.exclude for f in named):
        return False
    return not any(not f.exclude for f in rules) or bool(named)


async def race_summary(conn: AsyncConnection, sub: Subscription) -> list[str]:
    """Who leads between the US and China on the benchmarks the channel follows, as /race
    says it; at most a few lines (a deployment may track hundreds of benchmarks)."""
    most = RACE_LINES[sub.format]
    lines: list[str] = []
    for bench in await all_benchmarks(conn):
        if not follows_benchmark(sub, bench.name):
            continue
        entries = await _entries(conn, bench)
        if entries and (found := _headline(bench, entries)):
            if len(lines) == most:
                lines.append("… more in /race")
                break
            lines.append(found[1])
    return lines


async def digest_events(
    conn: AsyncConnection, sub: Subscription, after_id: int, upto_id: int
) -> list[EventRow]:
    events = await events_between(conn, after_id, upto_id, sub.kinds)
    return [e for e in events if mismatch(sub, e) is None]


async def digest_reply(conn: AsyncConnection, sub: Subscription, delivery: Delivery) -> Reply:
    """The digest an outbox row owes: exactly the span it was planned with."""
    assert delivery.cursor_from is not None and delivery.cursor_to is not None
    assert delivery.period_end is not None
    events = await digest_events(conn, sub, delivery.cursor_from, delivery.cursor_to)
    return compose_digest(
        sub, events, period_end=delivery.period_end, race=await race_summary(conn, sub)
    )


@REGISTRY.command(
    "digest",
    "schedule",
    description="Post a digest of what is new daily or weekly, or stop it",
    permission=Permission.CHANNEL_MANAGER,
    options=(
        Option("every", "How often", choices=("daily", "weekly", "off"), required=True),
        Option("time", "Local time of day: 09:00 (default)"),
        Option("timezone", "IANA time zone: Europe/Berlin, America/New_York, UTC (default)"),
        Option("day", "Weekly digests: the weekday (default mon)", choices=WEEKDAYS),
        Option("empty", "Post a digest even when nothing is new", type=OptionType.BOOLEAN),
    ),
    examples=(
        "/digest schedule daily 09:00 Europe/Berlin",
        "/digest schedule weekly 08:30 America/New_York day:mon empty:yes",
    ),
)
async def schedule_digest(request: Request, db: Database) -> Reply:
    platform, workspace, channel = channel_key(request.caller)
    every: str = request.get("every")
    async with db.write(request.caller.actor, f"digest {every}", request.now) as change:
        existing = await get_subscription(change.conn, platform, workspace, channel)
        if every == "off":
            if existing is None or existing.digest is None:
                raise UserError("This channel has no digest to stop.")
            values: dict[str, object] = {"digest": None}
        else:
            schedule = Schedule(
                every,
                parse_time(request.get("time", existing.digest_time if existing else DEFAULT_TIME)),
                parse_timezone(
                    request.get("timezone", existing.timezone if existing else DEFAULT_ZONE)
                ),
                parse_weekday(request.get("day", "mon")) if every == "weekly" else None,
            )
            values = {
                "digest": every,
                "digest_time": f"{schedule.at:%H:%M}",
                "timezone": schedule.timezone,
                "weekday": schedule.weekday,
                "digest_since": request.now,  # the next slot after now, not one just past
                "digest_through": None,
            }
            if existing is None or existing.digest is None:
                # A new digest starts from now; a moved one still owes what came since the last.
                values["digest_cursor"] = await last_event_id(change.conn)
            if request.get("empty") is not None:
                values["post_empty"] = request.get("empty")
        if existing is None:
            values = {**new_subscription((platform, workspace, channel), instant=False), **values}
        await save_subscription(change, existing, values)
        saved = await get_subscription(change.conn, platform, workspace, channel)
    assert saved is not None
    lines = describe(saved, request.now)
    if every == "off" and not saved.instant:
        lines.append("This channel now gets nothing: /subscribe mode:instant, or /unsubscribe.")
    title = "Digest stopped" if every == "off" else "Digest scheduled"
    return Reply(title=title, body="\n".join(lines))


@REGISTRY.command(
    "digest",
    "preview",
    description="What this channel's next digest would say if it were posted now",
    permission=Permission.CHANNEL_MANAGER,
    examples=("/digest preview",),
)
async def preview_digest(request: Request, db: Database) -> Reply:
    platform, workspace, channel = channel_key(request.caller)
    async with db.read() as conn:
        sub = await get_subscription(conn, platform, workspace, channel)
        if sub is None:
            raise UserError("This channel is not subscribed: /subscribe, then /digest schedule.")
        events = await digest_events(
            conn, sub, await digest_start(conn, sub), await last_event_id(conn)
        )
        race = await race_summary(conn, sub)
    nxt = ""
    if sub.digest is not None:
        schedule = Schedule(sub.digest, parse_time(sub.digest_time), sub.timezone, sub.weekday)
        nxt = f" (due {local_label(next_slot(schedule, request.now), sub.timezone)})"
    reply = compose_digest(
        sub, events, period_end=request.now, race=race, title=f"Preview of the next digest{nxt}"
    )
    return Reply(
        title=reply.title,
        body=reply.body,
        fields=reply.fields,
        extra=reply.extra,
        footer=reply.footer,
        ephemeral=True,
    )
