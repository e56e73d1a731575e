"""The review flow on Discord and Slack, and an approved release reaching subscribed channels."""

from __future__ import annotations

import json
from typing import Any

from bot.workers.feeds import FeedWorker
from storage.engine.db import Database
from tests.support.chat import DISCORD_CURATOR, DISCORD_MEMBER, open_chat
from tests.support.fakes.feeds import FakeFeeds, hf_entry
from tests.support.feeds_world import POLICY
from tests.support.slack_world import CURATOR, READER, texts

HF = "/api/models"


def said(message: dict[str, Any]) -> str:
    return texts(message)


async def test_a_chinese_lab_release_approved_reaches_subscribed_channels(
    db: Database, fake: FakeFeeds
) -> None:
    release = hf_entry("Qwen/Qwen4-72B-Instruct", "2027-03-22")
    fake.serve(HF, json.dumps([release]).encode(), "application/json")
    async with open_chat(db) as chat:
        added = await chat.curator(
            "admin feed add", {"name": "hf-qwen", "kind": "huggingface", "url": fake.url(HF)}
        )
        assert "Added feed hf-qwen" in added
        await chat.discord_run("subscribe", {"topics": "releases"})
        await chat.slack_run("/subscribe", "releases country:CN")
        [result] = await FeedWorker(db, chat.clock, POLICY).run_due()
        assert result.proposals == 1, result

        listing = said(await chat.slack_run("/admin", "review", user_id=CURATOR))
        assert "#1 Model: Qwen4-72B-Instruct (new model by Alibaba (CN)" in listing
        assert "https://huggingface.co/Qwen/Qwen4-72B-Instruct" in listing
        refused = said(await chat.slack_run("/admin", "review approve 1", user_id=READER))
        assert "curator" in refused.lower()
        member = await chat.discord.run(
            "admin review",
            {"action": "approve", "id": 1},
            channel_id=chat.quiet,
            user_id=DISCORD_MEMBER,
        )
        assert member.ephemeral and "curator" in member.text().lower()
        await chat.deliver()
        assert chat.discord_texts(chat.channel) == [] and chat.slack_texts() == []

        approved = await chat.curator("admin review", {"action": "approve", "id": 1})
        assert "Approved #1" in approved and "model add Qwen4-72B-Instruct" in approved
        await chat.deliver()
        [discord_alert] = chat.discord_texts(chat.channel)
        [slack_alert] = chat.slack_texts()
        for alert in (discord_alert, slack_alert):
            assert "New model: Qwen4-72B-Instruct" in alert
            assert "Qwen4-72B-Instruct (Alibaba, CN) released 2027-03-22" in alert
            assert "source: Hugging Face (Qwen/Qwen4-72B-Instruct)" in alert  # credited


async def test_rejecting_on_slack_and_discord(db: Database, fake: FakeFeeds) -> None:
    listed = [hf_entry("Qwen/Qwen4-7B", "2027-03-21"), hf_entry("Qwen/Qwen4-1B", "2027-03-21")]
    fake.serve(HF, json.dumps(listed).encode(), "application/json")
    async with open_chat(db) as chat:
        await chat.curator(
            "admin feed add", {"name": "hf-qwen", "kind": "huggingface", "url": fake.url(HF)}
        )
        await FeedWorker(db, chat.clock, POLICY).run_due()
        on_slack = said(await chat.slack_run("/admin", "review reject 1", user_id=CURATOR))
        assert "Rejected #1" in on_slack
        on_discord = await chat.curator("admin review", {"action": "reject", "id": 2})
        assert "Rejected #2" in on_discord
        again = await chat.discord.run(
            "admin review",
            {"action": "reject", "id": 2},
            channel_id=chat.quiet,
            user_id=DISCORD_CURATOR,
        )
        assert again.ephemeral and "already rejected" in again.text()
        assert "Nothing to review." in said(
            await chat.slack_run("/admin", "review", user_id=CURATOR)
        )
