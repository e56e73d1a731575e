"""The digest: what is new since a channel's last one, by topic, with the race as it stands.

A digest covers the events after the channel's previous digest up to the moment it was
planned, grouped by topic (an import's rows as one line); /digest preview shows the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commands.alerts.kinds import TOPIC_WORDING
from commands.analysis.schedules import local_label
from commands.analysis.standings import benchmark_entries, headline
from commands.core.reply import Field, Reply
from storage.benchmarks import all_benchmarks
from storage.engine.aio import AsyncConnection
from storage.events import EventRow, events_between
from storage.names import normalize
from storage.outbox.deliveries import Delivery
from storage.subscriptions import Subscription, mismatch, topic_of

LINES = {"condensed": 6, "full": 25}
RACE_LINES = {"condensed": 5, "full": 15}
SECTION_ROOM = 970  # a section is read at a glance: about a thousand characters at most


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
        if sum(len(x) + 1 for x in shown) + len(line) > SECTION_ROOM:
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
            f"{topic.heading} ({len(by_topic[topic.name])})",
            "\n".join(_topic_lines(by_topic[topic.name], LINES[sub.format])),
            inline=False,
        )
        for topic in TOPIC_WORDING
        if topic.name in by_topic
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
        entries = await benchmark_entries(conn, bench)
        if entries and (found := headline(bench, entries)):
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
