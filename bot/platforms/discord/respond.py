"""Answering one slash command: who asks, defer if slow, run through the dispatcher, reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord

from bot.platforms.discord.buttons import view_of
from bot.platforms.discord.render import NO_MENTIONS, render
from bot.platforms.errors import SendError
from commands.core.caller import Caller, Platform
from commands.core.dispatch import Dispatcher
from commands.core.options import Attachment
from commands.core.registry import Autocomplete, Command
from commands.core.reply import Reply

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0  # Discord wants a first answer within 3 s: defer if not done by then
MAX_ATTACHMENT = 64 * 1024 * 1024  # a guard on memory; commands set their own, lower limits
POSTING_RIGHTS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
}
"""What alerts need in a channel: to see it, post, show embeds and attach charts."""

Poster = Callable[[str, Reply], Awaitable[str]]


def post_problem(interaction: discord.Interaction) -> str:
    """Which posting rights the bot lacks in this channel, and where to grant them."""
    if interaction.guild_id is None:
        return ""
    rights = interaction.app_permissions
    missing = [label for name, label in POSTING_RIGHTS.items() if not getattr(rights, name)]
    if not missing:
        return ""
    return (
        f"I cannot post alerts in this channel: I lack {', '.join(missing)} here. "
        "Grant them to Racewatch (or its role) in Edit Channel > Permissions, then try again."
    )


def mention_problem(interaction: discord.Interaction, options: dict[str, Any]) -> str:
    """A role option the bot could not ping: Discord delivers a role mention only when the
    role is mentionable or the bot may Mention @everyone, @here, and All Roles there."""
    if interaction.app_permissions.mention_everyone:
        return ""
    for value in options.values():
        if isinstance(value, discord.Role) and not value.is_default() and not value.mentionable:
            return (
                f"I cannot ping @{value.name}: the role is not mentionable and I lack "
                'Mention @everyone, @here, and All Roles here. Turn on "Allow anyone to '
                f'@mention this role" in Server Settings > Roles > {value.name}, or grant '
                "Racewatch that permission in Edit Channel > Permissions, then try again."
            )
    return ""


def caller_of(interaction: discord.Interaction, curators: frozenset[str]) -> Caller:
    """The neutral caller: curators come from configuration, managers from Discord's rights."""
    user_id = str(interaction.user.id)
    in_guild = interaction.guild_id is not None
    return Caller(
        platform=Platform.DISCORD,
        user_id=user_id,
        display_name=interaction.user.display_name,
        workspace_id=str(interaction.guild_id) if in_guild else "dm",
        channel_id=str(interaction.channel_id or ""),
        is_curator=user_id in curators,
        is_channel_manager=in_guild and interaction.permissions.manage_channels,
        post_problem=post_problem(interaction),
    )


async def raw_options(options: dict[str, Any]) -> dict[str, Any]:
    """Discord values as the dispatcher takes them; uploaded files are read into bytes."""
    values: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, discord.Attachment):
            if value.size > MAX_ATTACHMENT:
                raise ValueError(
                    f"`{value.filename}` is {value.size // 1024} KiB; "
                    f"the limit is {MAX_ATTACHMENT // 1024} KiB."
                )
            value = Attachment(filename=value.filename, data=await value.read())
        elif isinstance(value, discord.Role):
            # a role option: its id, which alerts ping as <@&id>; @everyone stops the mention
            value = "none" if value.is_default() else str(value.id)
        values[name] = value
    return values


class InteractionResponder:
    """Runs commands for the tree; the dispatcher checks rights and never raises."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        curators: frozenset[str],
        defer_after: float = DEFER_AFTER,
        poster: Poster | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.curators = curators
        self.defer_after = defer_after
        self.poster = poster

    async def suggest(self, kind: Autocomplete, typed: str) -> list[str]:
        return await self.dispatcher.suggest(kind, typed, limit=25)

    async def invoke(
        self, interaction: discord.Interaction, command: Command, options: dict[str, Any]
    ) -> None:
        caller = replace(
            caller_of(interaction, self.curators),
            mention_problem=mention_problem(interaction, options),
        )
        task = asyncio.ensure_future(self._run(command, options, caller))
        try:
            if command.slow:
                await interaction.response.defer(thinking=True)
            elif not (await asyncio.wait({task}, timeout=self.defer_after))[0]:
                log.info("/%s is taking long: deferring", command.name)
                await interaction.response.defer(thinking=True)
        except discord.HTTPException:
            log.warning("/%s: Discord no longer takes an answer (too late?)", command.name)
            await task  # the command still finishes; only its answer is lost
            return
        await send_reply(interaction, await task)

    async def _run(self, command: Command, options: dict[str, Any], caller: Caller) -> Reply:
        try:
            raw = await raw_options(options)
        except (ValueError, discord.HTTPException) as error:
            return Reply.error(f"Could not read the attached file: {error}")
        reply = await self.dispatcher.run(command.path, raw, caller)
        if reply.post is None or self.poster is None:
            return reply
        try:  # the way alerts are sent, so a missing permission shows as it would for one
            await self.poster(caller.channel_id, reply.post)
        except SendError as error:
            return Reply.error(f"I could not post the sample alert here: {error}.")
        return reply


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer the interaction, or follow up a deferral (errors stay visible to the caller only)."""
    embed, content, files = render(reply)
    message: dict[str, Any] = {"content": content or None, "allowed_mentions": NO_MENTIONS}
    if embed is not None:
        message["embed"] = embed
    if files:
        message["files"] = files
    view = view_of(reply)
    if view is not None:  # buttons (the review queue's Approve / Edit / Reject)
        message["view"] = view
    if not interaction.response.is_done():
        await interaction.response.send_message(ephemeral=reply.ephemeral, **message)
        return
    if reply.ephemeral:
        # A deferral's visibility is fixed when deferring: replace the public
        # "thinking" message with a private follow-up.
        await interaction.delete_original_response()
    await interaction.followup.send(ephemeral=reply.ephemeral, wait=True, **message)
