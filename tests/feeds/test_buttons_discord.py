"""Approve / Edit / Reject buttons under /admin review on Discord, clicked through the fake."""

from __future__ import annotations

import asyncio
import json

from bot.workers.feeds import FeedWorker
from commands.core.caller import CONSOLE_CALLER
from storage.engine.db import Database
from tests.support.chat import DISCORD_CURATOR, DISCORD_MEMBER, Chat, open_chat
from tests.support.database import snapshot
from tests.support.fakes.discord_components import buttons, click_button, submit_modal
from tests.support.fakes.discord_interactions import InteractionRecord
from tests.support.fakes.feeds import FakeFeeds, hf_entry
from tests.support.feeds_world import POLICY
from tests.support.tables import audit_entries

HF = "/api/models"


async def queue(chat: Chat, fake: FakeFeeds, *repos: str) -> InteractionRecord:
    """Proposals of these new Qwen repositories, and the curator's /admin review listing."""
    listed = [hf_entry(f"Qwen/{repo}", "2027-03-21") for repo in repos]
    fake.serve(HF, json.dumps(listed).encode(), "application/json")
    await chat.curator(
        "admin feed add", {"name": "hf-qwen", "kind": "huggingface", "url": fake.url(HF)}
    )
    await FeedWorker(chat.db, chat.clock, POLICY).run_due()
    return await chat.discord.interaction("admin review", {}, user_id=DISCORD_CURATOR)


async def audit_actions(chat: Chat) -> list[str]:
    audit = await chat.dispatcher.run_line("/admin audit", CONSOLE_CALLER)
    return [what for _, _, what in audit_entries(audit)]


async def test_a_curator_approves_by_button_and_the_message_says_so(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B", "Qwen4-7B")
        shown = await listing.reply()
        assert shown.ephemeral
        assert set(buttons(shown.payload)) == {
            "Approve #1",
            "Edit #1",
            "Reject #1",
            "Approve #2",
            "Edit #2",
            "Reject #2",
        }
        click = await click_button(
            chat.discord, listing, "Approve #1", user_id=DISCORD_CURATOR, user_name="Ada"
        )
        await click.answered()
        assert click.updated  # the listing itself was replaced, nothing else was said
        now = await listing.reply()
        assert "Approved #1 by Ada: Done: model add Qwen4-72B" in now.text()
        assert set(buttons(now.payload)) == {"Approve #2", "Edit #2", "Reject #2"}
        assert now.ephemeral and now.payload["id"] == shown.payload["id"]
        assert "Qwen4-72B (Alibaba, CN)" in (await chat.curator("model", {"name": "Qwen4-72B"}))
        assert "model add Qwen4-72B (proposal #1 from feed hf-qwen)" in await audit_actions(chat)

        rejected = await click_button(
            chat.discord, listing, "Reject #2", user_id=DISCORD_CURATOR, user_name="Ada"
        )
        await rejected.answered()
        final = await listing.reply()
        assert "Rejected #2 by Ada" in final.text() and "Nothing to review." in final.text()
        assert buttons(final.payload) == {}


async def test_a_members_click_is_refused_and_changes_nothing(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B")
        before = await snapshot(db)
        shown = (await listing.reply()).payload
        click = await click_button(chat.discord, listing, "Approve #1", user_id=DISCORD_MEMBER)
        refusal = await click.reply()
        assert refusal.ephemeral and "curator" in refusal.text().lower()
        assert not click.updated and (await listing.reply()).payload == shown
        edit = await click_button(chat.discord, listing, "Edit #1", user_id=DISCORD_MEMBER)
        assert "curator" in (await edit.reply()).text().lower() and edit.modal is None
        assert await snapshot(db) == before


async def test_a_double_click_decides_once(db: Database, fake: FakeFeeds) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B")
        first, second = await asyncio.gather(
            click_button(chat.discord, listing, "Approve #1", user_id=DISCORD_CURATOR),
            click_button(chat.discord, listing, "Approve #1", user_id=DISCORD_CURATOR),
        )
        await first.answered()
        await second.answered()
        assert sorted([first.updated, second.updated]) == [False, True]
        loser = second if first.updated else first
        assert "already approved" in (await loser.reply()).text()
        actions = await audit_actions(chat)
        assert sum("model add Qwen4-72B" in a for a in actions) == 1


async def test_edit_opens_a_prefilled_modal_submitted_as_an_approval(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B")
        edit = await click_button(
            chat.discord, listing, "Edit #1", user_id=DISCORD_CURATOR, user_name="Ada"
        )
        await edit.answered()
        assert edit.modal is not None and edit.modal["title"] == "Edit and approve #1"
        prefilled = {
            row["components"][0]["custom_id"]: row["components"][0].get("value")
            for row in edit.modal["components"]
        }
        assert prefilled == {
            "name": "Qwen4-72B",
            "org": "Alibaba",
            "country": "CN",
            "released": "2027-03-21",
        }
        sent = await submit_modal(
            chat.discord, edit, {"name": "Qwen 4 72B"}, user_id=DISCORD_CURATOR, user_name="Ada"
        )
        await sent.answered()
        assert sent.updated
        assert "Approved #1 by Ada: Done: model add Qwen 4 72B" in (await listing.reply()).text()
        assert "Qwen 4 72B (Alibaba, CN)" in await chat.curator("model", {"name": "Qwen 4 72B"})
