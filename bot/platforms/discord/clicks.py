"""Button clicks (component interactions) and modal submissions on Discord.

A click runs its command as the person who clicked, through the dispatcher (their rights:
a refusal is answered to them alone and changes nothing). When it did something, the
message is replaced by the fresh answer of its own command under "Approved #12 by Alice",
so the decided proposal's buttons are gone; a click whose command answers with a form
opens it as a modal, whose submission runs the completed command the same way.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord

from bot.platforms.discord.buttons import CLICK, FORM, answers, modal_of, parse_id, view_of
from bot.platforms.discord.render import NO_MENTIONS, render
from bot.platforms.discord.respond import caller_of
from commands.core.dispatch import Dispatcher
from commands.core.reply import Form, FormField, Reply, after_click

log = logging.getLogger(__name__)


class Clicks:
    """Serves the component and modal-submit interactions whose custom_id is ours."""

    def __init__(self, dispatcher: Dispatcher, curators: frozenset[str]) -> None:
        self.dispatcher = dispatcher
        self.curators = curators

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """discord.py's `on_interaction`: slash commands go to the tree, not here."""
        data: dict[str, Any] = dict(interaction.data or {})
        parsed = parse_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        kind, command, refresh = parsed
        if interaction.type is discord.InteractionType.component and kind == CLICK:
            line = command
        elif interaction.type is discord.InteractionType.modal_submit and kind == FORM:
            given = answers(data)
            line = Form("", command, tuple(FormField(k, k) for k in given)).line(given)
        else:
            return
        try:
            await self._run(interaction, line, refresh)
        except discord.HTTPException:
            log.warning("a click on Discord: Discord no longer takes an answer (too late?)")
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s: Discord click %r failed", incident, line)
            if not interaction.response.is_done():
                text = f"Sorry, something went wrong on our side (incident {incident})."
                await interaction.response.send_message(text, ephemeral=True)

    async def _run(self, interaction: discord.Interaction, line: str, refresh: str) -> None:
        caller = caller_of(interaction, self.curators)
        done = await self.dispatcher.run_line(line, caller)
        if done.form is not None and not done.is_error:
            modal = modal_of(done.form, refresh)
            if modal is not None:
                await interaction.response.send_modal(modal)
                return
        if done.is_error or not refresh or interaction.message is None:
            await _private(interaction, done)
            return
        fresh = await self.dispatcher.run_line(refresh, caller)
        updated = after_click(fresh, done, caller.display_name)
        embed, content, _ = render(updated)
        await interaction.response.edit_message(
            content=content or None,
            embed=embed,
            view=view_of(updated),
            allowed_mentions=NO_MENTIONS,
        )


async def _private(interaction: discord.Interaction, reply: Reply) -> None:
    """An answer only the person who clicked sees (a refusal, or a reply with nothing to
    refresh)."""
    embed, content, _ = render(reply)
    await interaction.response.send_message(
        content=content or None,
        embed=embed or discord.utils.MISSING,
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
