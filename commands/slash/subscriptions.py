"""/subscribe, /unsubscribe and /subscriptions: which channels follow the race, and how.

A subscription belongs to one channel of one workspace (platform, workspace, channel):
its topics and filters, instant alerts and/or a digest schedule, its format, and whether
delivery is paused. Every query is scoped by the caller's platform and workspace, so one
workspace can never see or change another's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commands.alerts.channels import channel_key, describe, new_subscription, sample_alert
from commands.alerts.explain import explain, last_delivery_line
from commands.alerts.terms import describe_topics, parse_terms
from commands.core.errors import UserError
from commands.core.lookup import resolve_benchmark, resolve_model, resolve_organization
from commands.core.options import parse_country, parse_integer
from commands.core.registry import REGISTRY, Option, OptionType, Permission, Request
from commands.core.reply import Field, Reply
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.events import get_event, last_event_id
from storage.outbox.log import latest_deliveries
from storage.subscriptions import (
    TOPICS,
    Filter,
    Subscription,
    get_subscription,
    remove_subscription,
    save_subscription,
    workspace_subscriptions,
)

MANAGER = Permission.CHANNEL_MANAGER
MODES = ("instant", "digest", "both")


async def canonical_filters(conn: AsyncConnection, filters: tuple[Filter, ...]) -> list[Filter]:
    """Filters with their names resolved forgivingly (`glm 5.2` -> `GLM-5.2`)."""
    resolved: list[Filter] = []
    for rule in filters:
        if rule.key == "model":
            value = (await resolve_model(conn, rule.value)).name
        elif rule.key == "org":
            value = (await resolve_organization(conn, rule.value)).name
        elif rule.key == "benchmark":
            value = (await resolve_benchmark(conn, rule.value)).name
        else:
            value = parse_country(rule.value, "country")
        resolved.append(Filter(rule.key, value, rule.exclude))
    return resolved


def _mode_values(mode: str | None, existing: Subscription | None, now: datetime) -> dict[str, Any]:
    if mode is None:
        return {}
    values: dict[str, Any] = {"instant": mode in ("instant", "both")}
    if mode == "instant":
        values["digest"] = None
    elif existing is None or existing.digest is None:
        values.update(digest="daily", digest_since=now, digest_through=None)
    return values


@REGISTRY.command(
    "subscribe",
    description="Post race news in this channel: topics, filters, instant or digest",
    permission=MANAGER,
    options=(
        Option("topics", f"all, or some of: {' '.join(TOPICS)}; or test: post a sample alert now"),
        Option(
            "filters",
            'e.g. org:"Zhipu AI" -benchmark:SWE-Marathon country:CN model:GLM-5.2',
            type=OptionType.TEXT,
        ),
        Option("mode", "instant alerts, a digest, or both", choices=MODES),
        Option("format", "condensed (default) or full", choices=("condensed", "full")),
        Option(
            "mention",
            "A role (Slack: user group) to ping on lead changes only; none to stop",
            type=OptionType.ROLE,
        ),
    ),
    examples=(
        "/subscribe all",
        "/subscribe test",
        '/subscribe leads scores org:"Zhipu AI" -benchmark:SWE-Marathon',
        "/subscribe releases country:CN mode:both format:full",
    ),
)
async def subscribe(request: Request, db: Database) -> Reply:
    platform, workspace, channel = channel_key(request.caller)
    if request.caller.post_problem:
        raise UserError(f"{request.caller.post_problem} Nothing was changed.")
    if request.caller.mention_problem:
        raise UserError(f"{request.caller.mention_problem} Nothing was changed.")
    if str(request.get("topics") or "").strip().lower() == "test":
        return await _test(request, db, (platform, workspace, channel))
    terms = parse_terms(request.get("topics"), request.get("filters"))
    async with db.write(request.caller.actor, "subscribe", request.now) as change:
        existing = await get_subscription(change.conn, platform, workspace, channel)
        key = (platform, workspace, channel)
        values: dict[str, Any] = {} if existing else new_subscription(key)
        if terms.topics is not None:
            values["topics"] = list(terms.topics)
        if terms.filters is not None:
            filters = await canonical_filters(change.conn, terms.filters)
            values["filters"] = [f.as_json() for f in filters]
        if request.get("format"):
            values["format"] = request.get("format")
        values |= _mode_values(request.get("mode"), existing, request.now)
        if request.get("mention"):
            mention = str(request.get("mention")).strip()
            values["mention"] = None if mention.lower() in ("none", "off") else mention
        if values.get("digest") and not (existing and existing.digest):
            values["digest_cursor"] = await last_event_id(change.conn)
        change.action = f"subscribe {platform} channel {channel}"
        await save_subscription(change, existing, values)
        saved = await get_subscription(change.conn, platform, workspace, channel)
    assert saved is not None
    title = "Subscription updated" if existing else "This channel is subscribed"
    lines = describe(saved, request.now)
    if saved.digest and not (existing and existing.digest):
        lines.append("Change the digest's time with /digest schedule daily 09:00 Europe/Berlin.")
    return Reply(title=title, body="\n".join(lines))


async def _test(request: Request, db: Database, key: tuple[str, str, str]) -> Reply:
    """Post a sample alert here now, the way alerts are posted; subscribe nothing."""
    if request.get("filters") or request.get("mode") or request.get("format"):
        raise UserError("/subscribe test takes nothing else: it only posts a sample alert.")
    async with db.read() as conn:
        sub = await get_subscription(conn, *key)
        newest = await get_event(conn, await last_event_id(conn))
    sample = sample_alert(newest)
    state = "This channel is subscribed" if sub else "This channel is not subscribed yet"
    return Reply(
        title="Test alert posted",
        body=f"A sample alert was posted here. {state}; nothing was changed.",
        ephemeral=True,
        post=sample,
    )


@REGISTRY.command(
    "unsubscribe",
    description="Stop posting race news here, or only some topics",
    permission=MANAGER,
    options=(Option("topics", "Only these topics (default: everything)"),),
    examples=("/unsubscribe", "/unsubscribe news"),
)
async def unsubscribe(request: Request, db: Database) -> Reply:
    platform, workspace, channel = channel_key(request.caller)
    terms = parse_terms(request.get("topics"))
    async with db.write(request.caller.actor, "unsubscribe", request.now) as change:
        sub = await get_subscription(change.conn, platform, workspace, channel)
        if sub is None:
            raise UserError("This channel is not subscribed; nothing was changed.")
        change.action = f"unsubscribe {platform} channel {channel}"
        dropped = TOPICS if terms.topics is None else terms.topics
        left = [t for t in sub.topics if t not in dropped]
        if left:
            await save_subscription(change, sub, {"topics": left})
            return Reply(
                title="Topics removed", body=f"Still following: {describe_topics(tuple(left))}."
            )
        await remove_subscription(change, sub)
    return Reply(title="Unsubscribed", body="This channel gets no more alerts or digests.")


@REGISTRY.command(
    "subscriptions",
    description="This workspace's subscriptions, or why an event was (not) posted here",
    permission=MANAGER,
    options=(
        Option(
            "why",
            "An event number (in each alert's footer): was it posted here, and if not, why?",
        ),
    ),
    examples=("/subscriptions", "/subscriptions why 45"),
)
async def subscriptions(request: Request, db: Database) -> Reply:
    platform, workspace, channel = channel_key(request.caller)
    async with db.read() as conn:
        if request.get("why") is not None:
            return await _why(conn, request, (platform, workspace, channel))
        subs = await workspace_subscriptions(conn, platform, workspace)
        latest = await latest_deliveries(conn, [s.id for s in subs])
    if not subs:
        return Reply(
            title="No subscriptions", body="No channel here is subscribed. Try /subscribe all."
        )
    fields = tuple(
        Field(
            f"Channel {s.channel_id}" + (" (this channel)" if s.channel_id == channel else ""),
            "\n".join([*describe(s, request.now), last_delivery_line(latest.get(s.id), s)]),
            inline=False,
        )
        for s in subs
    )
    paused = sum(1 for s in subs if s.paused_reason)
    body = f"{len(subs)} subscribed channel(s)" + (f", {paused} paused" if paused else "") + "."
    return Reply(title="Subscriptions", body=body, fields=fields)


def event_number(text: str) -> int:
    """`45`, `#45`, `why 45` or `event #45` (Slack and the console type the word why too)."""
    words = [w for w in text.lower().replace("#", " ").split() if w not in ("why", "event")]
    if len(words) == 1 and words[0].isascii() and words[0].isdigit():
        return parse_integer(words[0], "why", 1)
    raise UserError(
        f"`{text}` is not an event number: write /subscriptions why 45 "
        "(the number is in each alert's footer)."
    )


async def _why(conn: AsyncConnection, request: Request, key: tuple[str, str, str]) -> Reply:
    sub = await get_subscription(conn, *key)
    if sub is None:
        raise UserError("This channel is not subscribed, so nothing is posted here.")
    number = event_number(request.get("why"))
    event = await get_event(conn, number)
    if event is None:
        raise UserError(f"There is no event #{number}.")
    answer = await explain(conn, sub, event, request.now)
    return Reply(title=f"Event #{event.id} in this channel", body=f"{event.summary}\n\n{answer}")
