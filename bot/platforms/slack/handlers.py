"""Slash-command handlers, one per registry root, generated in a loop and registered on Bolt.

Each handler acknowledges at once (Slack allows 3 s), runs the line through the shared
text syntax and answers through the response_url: in the channel, or only to the caller
for errors, refusals and ephemeral replies.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.errors import SendError
from bot.platforms.slack.files import fetch_file
from bot.platforms.slack.manifest import NAMESPACE
from bot.platforms.slack.render import render
from bot.platforms.slack.roles import WorkspaceRoles
from bot.platforms.slack.sending import UNAVAILABLE, error_code, post_reply, upload_image
from commands.core.caller import Caller, Platform
from commands.core.dispatch import Dispatcher, allowed
from commands.core.errors import UserError
from commands.core.registry import Command, OptionType, Permission, Registry
from commands.core.reply import Reply
from commands.core.textsyntax import parse_options, resolve, split_line

log = logging.getLogger(__name__)

SlashHandler = Callable[..., Awaitable[None]]

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")


def command_text(raw: str) -> str:
    """The text as typed: Slack sends `&`, `<`, `>` as entities and may wrap links in `<...>`."""
    unwrapped = _LINK.sub(lambda m: m.group(1), raw)
    return unwrapped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_line(root: str, text: str) -> str:
    """`/gap A B` as typed, or `/racewatch gap A B` as `/gap A B` (alone: `/help`)."""
    if root == NAMESPACE:
        return f"/{text.strip()}" if text.strip() else "/help"
    return f"/{root} {text}".strip()


def target_command(registry: Registry, line: str) -> Command | None:
    """The command a line names, if it names one (the dispatcher reports mistakes itself)."""
    try:
        return resolve(registry, split_line(line))[0]
    except UserError:
        return None


INVITE = "invite me with /invite @Racewatch in this channel, then try again."


async def post_problem(client: AsyncWebClient, channel_id: str) -> str:
    """Why the bot cannot post in the channel (conversations.info), or "" if it can or
    Slack would not say (e.g. an install without the channels:read scope)."""
    try:
        channel = (await client.conversations_info(channel=channel_id)).get("channel") or {}
    except SlackApiError as error:
        code = error_code(error)
        if code == "channel_not_found":
            return f"I cannot see this channel (private?): {INVITE}"
        log.warning("conversations.info for %s failed: %s", channel_id, code or error)
        return ""
    if channel.get("is_archived"):
        return "This channel is archived: I cannot post alerts here."
    if channel.get("is_member") is False and not channel.get("is_im"):
        return f"I am not a member of this channel, so I cannot post alerts here: {INVITE}"
    return ""


async def caller_from(
    payload: dict[str, Any], target: Command | None, roles: WorkspaceRoles
) -> Caller:
    """The neutral caller; the workspace is asked about admins, and whether the bot may
    post in the channel, only for channel commands."""
    user_id = str(payload.get("user_id", ""))
    team_id = str(payload.get("team_id", ""))
    channel_id = str(payload.get("channel_id", ""))
    curator = roles.is_curator(user_id)
    manager, problem = False, ""
    channel_command = target is not None and target.permission is Permission.CHANNEL_MANAGER
    if channel_command and not curator:
        manager = await roles.is_channel_manager(team_id, user_id)
    if channel_command and (curator or manager) and channel_id:
        problem = await post_problem(roles.client, channel_id)
    return Caller(
        platform=Platform.SLACK,
        user_id=user_id,
        display_name=str(payload.get("user_name", "")),
        workspace_id=team_id,
        channel_id=channel_id,
        is_curator=curator,
        is_channel_manager=manager,
        post_problem=problem,
    )


async def post_sample(client: AsyncWebClient, caller: Caller, reply: Reply) -> Reply:
    """Post a reply's channel message (the /subscribe test alert) the way alerts are sent."""
    if reply.post is None:
        return reply
    try:
        await post_reply(client, caller.channel_id, reply.post)
    except SendError as error:
        return Reply.error(f"I could not post the sample alert here: {error}.")
    return reply


CONVERTED = (OptionType.ATTACHMENT, OptionType.ROLE)  # values the front end turns into data
_SUBTEAM = re.compile(r"<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>|(S[A-Z0-9]{2,20})")


def _converted(command: Command | None) -> bool:
    return command is not None and any(o.type in CONVERTED for o in command.options)


def user_group(text: str) -> str:
    """A ROLE option on Slack: a user group's id (`S0RACERS`, or `<!subteam^S0RACERS|@x>`)."""
    if text.strip().lower() in ("none", "off"):
        return "none"
    match = _SUBTEAM.fullmatch(text.strip())
    if match is None:
        raise UserError(
            f"`{text}` is not a user group's id: give its ID (S..., in Slack's People > "
            "User groups, the group's menu > Copy group ID), or none."
        )
    return match.group(1) or match.group(2)


async def run_command(
    dispatcher: Dispatcher, client: AsyncWebClient, line: str, caller: Caller
) -> Reply:
    """Run the line; ATTACHMENT options name a Slack file, fetched only for those allowed;
    ROLE options name a user group."""
    target = target_command(dispatcher.registry, line)
    if target is None or not _converted(target) or not allowed(target, caller):
        return await post_sample(client, caller, await dispatcher.run_line(line, caller))
    try:
        command, words = resolve(dispatcher.registry, split_line(line))
        raw: dict[str, Any] = dict(parse_options(command, words))
        for option in command.options:
            if option.type is OptionType.ATTACHMENT and raw.get(option.name):
                raw[option.name] = await fetch_file(client, str(raw[option.name]))
            if option.type is OptionType.ROLE and raw.get(option.name):
                raw[option.name] = user_group(str(raw[option.name]))
    except UserError as error:
        return Reply.error(error.message)
    return await post_sample(client, caller, await dispatcher.run(command.path, raw, caller))


async def answer(
    reply: Reply, respond: AsyncRespond, client: AsyncWebClient, channel_id: str
) -> None:
    """Send the reply through the response_url, then share its image in the channel."""
    rendered = render(reply)
    private = reply.ephemeral or reply.is_error
    response = await respond(
        text=rendered.text,
        blocks=rendered.blocks,
        response_type="ephemeral" if private else "in_channel",
        unfurl_links=False,
        unfurl_media=False,
    )
    if response.status_code != 200:
        log.warning("response_url answered %s: %s", response.status_code, response.body)
    if reply.image is None:
        return
    if private:
        await respond(text="(The picture is only posted in channel replies.)")
        return
    try:
        await upload_image(client, channel_id, reply.image)
    except SlackApiError as error:
        code = error_code(error)
        reason = UNAVAILABLE.get(code, code)
        await respond(
            text=f"I could not post the picture here: {reason}.", response_type="ephemeral"
        )


def command_handler(root: str, dispatcher: Dispatcher, roles: WorkspaceRoles) -> SlashHandler:
    """The Bolt listener for `/<root>`: ack, run the line, answer."""

    async def handle(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        line = command_line(root, command_text(str(command.get("text") or "")))
        target = target_command(dispatcher.registry, line)
        await ack(text=f"Working on /{target.name}…" if target and target.slow else "")
        try:
            caller = await caller_from(command, target, roles)
            reply = await run_command(dispatcher, client, line, caller)
            await answer(reply, respond, client, str(command.get("channel_id", "")))
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s: Slack /%s failed", incident, root)
            await respond(
                text=f"Sorry, something went wrong on our side (incident {incident}).",
                response_type="ephemeral",
            )

    handle.__name__ = f"slack_{root}"
    return handle


def register_commands(app: AsyncApp, dispatcher: Dispatcher, roles: WorkspaceRoles) -> list[str]:
    """Register `/racewatch` and one command per registry root (for apps whose manifest
    declares them too); returns the commands (`/racewatch`, `/gap`, ...)."""
    names = [f"/{NAMESPACE}", *(f"/{root}" for root in dispatcher.registry.roots())]
    for name in names:
        app.command(name)(command_handler(name[1:], dispatcher, roles))
    return names
