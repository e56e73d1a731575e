"""/digest schedule and /digest preview: when this channel's digest is posted, and what the
next one would say (composed by `commands.alerts.digest`)."""

from __future__ import annotations

from commands.alerts.channels import channel_key, describe, new_subscription
from commands.alerts.digest import compose_digest, digest_events, race_summary
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
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.events import last_event_id
from storage.outbox.digests import digest_start
from storage.subscriptions import get_subscription, save_subscription

REGISTRY.group("digest", description="This channel's scheduled digest")


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
    if every != "off" and request.caller.post_problem:  # stopping one needs no right to post
        raise UserError(f"{request.caller.post_problem} Nothing was changed.")
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
