"""Approve / Edit / Reject buttons under /admin review on Slack, clicked through the fake."""

from __future__ import annotations

import json

from bot.workers.feeds import FeedWorker
from commands.core.caller import CONSOLE_CALLER
from storage.engine.db import Database
from tests.support.chat import SLACK_CHANNEL, Chat, open_chat
from tests.support.database import snapshot
from tests.support.fakes.feeds import FakeFeeds, hf_entry
from tests.support.fakes.slack_actions import buttons, click_button, submit_modal
from tests.support.feeds_world import POLICY
from tests.support.slack_world import CURATOR, READER, texts
from tests.support.tables import audit_entries

HF = "/api/models"


async def queue(chat: Chat, fake: FakeFeeds, *repos: str) -> str:
    """Proposals of these new Qwen repositories; the response_url of the curator's listing."""
    listed = [hf_entry(f"Qwen/{repo}", "2027-03-21") for repo in repos]
    fake.serve(HF, json.dumps(listed).encode(), "application/json")
    await chat.curator(
        "admin feed add", {"name": "hf-qwen", "kind": "huggingface", "url": fake.url(HF)}
    )
    await FeedWorker(chat.db, chat.clock, POLICY).run_due()
    result = await chat.slash.post(
        "/admin", "review", user_id=CURATOR, user_name="curator", channel_id=SLACK_CHANNEL
    )
    assert result.status == 200, result.body
    await chat.slack.wait_for_responses(result.response_url)
    return result.response_url


async def audit_actions(chat: Chat) -> list[str]:
    audit = await chat.dispatcher.run_line("/admin audit", CONSOLE_CALLER)
    return [what for _, _, what in audit_entries(audit)]


async def test_a_curator_approves_by_button_and_the_message_says_so(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B", "Qwen4-7B")
        shown = chat.slack.shown(listing)
        assert shown["response_type"] == "ephemeral"
        assert set(buttons(shown)) == {
            "Approve #1",
            "Edit #1",
            "Reject #1",
            "Approve #2",
            "Edit #2",
            "Reject #2",
        }
        click = await click_button(
            chat.slash, listing, "Approve #1", user_id=CURATOR, user_name="curator"
        )
        assert click.status == 200
        [update] = await chat.slack.wait_for_responses(click.response_url)
        assert update["replace_original"] is True
        now = chat.slack.shown(listing)
        assert "Approved #1 by curator: Done: model add Qwen4-72B" in texts(now)
        assert set(buttons(now)) == {"Approve #2", "Edit #2", "Reject #2"}
        assert "model add Qwen4-72B (proposal #1 from feed hf-qwen)" in await audit_actions(chat)

        reject = await click_button(
            chat.slash, listing, "Reject #2", user_id=CURATOR, user_name="curator"
        )
        await chat.slack.wait_for_responses(reject.response_url)
        final = chat.slack.shown(listing)
        assert "Rejected #2 by curator" in texts(final) and "Nothing to review." in texts(final)
        assert buttons(final) == {}


async def test_a_readers_click_is_refused_and_changes_nothing(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B")
        before, shown = await snapshot(db), chat.slack.shown(listing)
        click = await click_button(chat.slash, listing, "Approve #1", user_id=READER)
        [refusal] = await chat.slack.wait_for_responses(click.response_url)
        assert refusal["response_type"] == "ephemeral" and not refusal["replace_original"]
        assert "curator" in texts(refusal).lower()
        edit = await click_button(chat.slash, listing, "Edit #1", user_id=READER)
        [no_form] = await chat.slack.wait_for_responses(edit.response_url)
        assert "curator" in texts(no_form).lower() and chat.slack.state.views == []
        assert chat.slack.shown(listing) == shown and await snapshot(db) == before


async def test_edit_opens_a_prefilled_modal_submitted_as_an_approval(
    db: Database, fake: FakeFeeds
) -> None:
    async with open_chat(db) as chat:
        listing = await queue(chat, fake, "Qwen4-72B")
        edit = await click_button(chat.slash, listing, "Edit #1", user_id=CURATOR)
        await chat.slack.wait_for(lambda: bool(chat.slack.state.views))
        [view] = chat.slack.state.views
        assert (
            view["trigger_id"] == edit.trigger_id and view["title"]["text"] == "Edit and approve #1"
        )
        prefilled = {
            b["element"]["action_id"]: b["element"].get("initial_value") for b in view["blocks"]
        }
        assert prefilled == {
            "name": "Qwen4-72B",
            "org": "Alibaba",
            "country": "CN",
            "released": "2027-03-21",
        }
        sent = await submit_modal(
            chat.slash, view, {"name": "Qwen 4 72B"}, user_id=CURATOR, user_name="curator"
        )
        assert sent.status == 200
        await chat.slack.wait_for_responses(edit.response_url)
        assert "Approved #1 by curator: Done: model add Qwen 4 72B" in texts(
            chat.slack.shown(listing)
        )
        assert "Qwen 4 72B (Alibaba, CN)" in await chat.curator("model", {"name": "Qwen 4 72B"})
