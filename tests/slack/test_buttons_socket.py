"""The review queue's buttons over Socket Mode: clicks arrive as `interactive` envelopes."""

from __future__ import annotations

import json
import random
from typing import Any

from bot.workers.feeds import FeedWorker
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.fakes.feeds import FakeFeeds, hf_entry
from tests.support.fakes.slack_actions import buttons, click_button, submit_modal
from tests.support.fakes.slack_server import FakeSlack
from tests.support.feeds_world import POLICY
from tests.support.slack_world import CURATOR, READER, texts
from tests.support.world import NOW

HF = "/api/models"


async def test_review_buttons_over_socket_mode(
    fake_slack: FakeSlack, start_slack: Any, db: Database
) -> None:
    clock = FixedClock(NOW)
    dispatcher = Dispatcher(db, clock)
    async with FakeFeeds() as feeds:
        listed = [hf_entry(f"Qwen/{repo}", "2026-11-20") for repo in ("Qwen4-72B", "Qwen4-7B")]
        feeds.serve(HF, json.dumps(listed).encode(), "application/json")
        _front, slash = await start_slack(dispatcher, socket_mode=True)
        _ack, listing = await slash.socket(
            "/admin", f"feed add hf-qwen huggingface {feeds.url(HF)}", user_id=CURATOR
        )
        await fake_slack.wait_for_responses(listing)
        await FeedWorker(db, clock, POLICY, rng=random.Random(1)).run_due()
    _ack, listing = await slash.socket("/admin", "review", user_id=CURATOR)
    await fake_slack.wait_for_responses(listing)
    assert "Approve #1" in buttons(fake_slack.shown(listing))

    before = await snapshot(db)
    refused = await click_button(slash, listing, "Reject #1", user_id=READER)
    [said] = await fake_slack.wait_for_responses(refused.response_url)
    assert "curator" in texts(said).lower() and await snapshot(db) == before

    approve = await click_button(slash, listing, "Approve #1", user_id=CURATOR, user_name="curator")
    await fake_slack.wait_for_responses(approve.response_url)
    assert "Approved #1 by curator" in texts(fake_slack.shown(listing))

    edit = await click_button(slash, listing, "Edit #2", user_id=CURATOR)
    await fake_slack.wait_for(lambda: bool(fake_slack.state.views))
    await submit_modal(
        slash,
        fake_slack.state.views[-1],
        {"name": "Qwen 4 7B"},
        user_id=CURATOR,
        user_name="curator",
    )
    await fake_slack.wait_for_responses(edit.response_url)
    final = texts(fake_slack.shown(listing))
    assert (
        "Approved #2 by curator: Done: model add Qwen 4 7B" in final
        and "Nothing to review." in final
    )
