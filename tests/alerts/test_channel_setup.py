"""Setting up a channel: /subscribe checks the bot can post there, /subscribe test posts a sample."""

from __future__ import annotations

from tests.support.chat import LEAD_CHANGE, SLACK_CHANNEL, Chat
from tests.support.database import snapshot
from tests.support.fakes import discord_payloads as p
from tests.support.slack_world import texts

WITHOUT_SEND_AND_EMBEDS = p.EVERYONE_PERMISSIONS & ~(p.SEND_MESSAGES | p.EMBED_LINKS)


async def test_discord_names_the_missing_rights_and_subscribes_nothing(chat: Chat) -> None:
    chat.discord.set_bot_permissions(chat.channel, WITHOUT_SEND_AND_EMBEDS)
    before = await snapshot(chat.db)

    refused = await chat.discord_run("subscribe", {"topics": "all"})

    assert refused.ephemeral
    assert "I lack Send Messages, Embed Links here" in refused.text()
    assert "Edit Channel > Permissions" in refused.text()
    assert "Nothing was changed" in refused.text()
    assert await snapshot(chat.db) == before

    chat.discord.set_bot_permissions(chat.channel, p.EVERYONE_PERMISSIONS)
    granted = await chat.discord_run("subscribe", {"topics": "all"})
    assert "This channel is subscribed" in granted.text()


async def test_slack_asks_to_be_invited_and_subscribes_nothing(chat: Chat) -> None:
    chat.slack.break_channel(SLACK_CHANNEL, "not_in_channel")
    before = await snapshot(chat.db)

    refused = await chat.slack_run("/subscribe", "leads")
    test = await chat.slack_run("/subscribe", "test")

    for answer in (refused, test):
        assert answer["response_type"] == "ephemeral"
        assert "invite me with /invite @Racewatch" in texts(answer)
    assert chat.slack_texts() == []
    assert await snapshot(chat.db) == before


async def test_slack_private_channel_the_bot_cannot_see(chat: Chat) -> None:
    chat.slack.break_channel(SLACK_CHANNEL, "channel_not_found")
    before = await snapshot(chat.db)
    refused = await chat.slack_run("/subscribe", "all")
    assert "I cannot see this channel" in texts(refused)
    assert await snapshot(chat.db) == before


async def test_a_digest_is_scheduled_only_where_the_bot_can_post(chat: Chat) -> None:
    chat.discord.set_bot_permissions(chat.channel, WITHOUT_SEND_AND_EMBEDS)
    chat.slack.break_channel(SLACK_CHANNEL, "not_in_channel")
    before = await snapshot(chat.db)

    discord = await chat.discord_run("digest schedule", {"every": "daily", "time": "09:00"})
    slack = await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")

    assert discord.ephemeral
    assert "I lack Send Messages, Embed Links here" in discord.text()
    assert "Edit Channel > Permissions" in discord.text()
    assert slack["response_type"] == "ephemeral"
    assert "invite me with /invite @Racewatch" in texts(slack)
    for said in (discord.text(), texts(slack)):
        assert "Nothing was changed" in said
    assert await snapshot(chat.db) == before

    chat.discord.set_bot_permissions(chat.channel, p.EVERYONE_PERMISSIONS)
    granted = await chat.discord_run("digest schedule", {"every": "daily", "time": "09:00"})
    assert "Digest scheduled" in granted.text()


async def test_subscribe_test_posts_a_labelled_sample_and_changes_nothing(chat: Chat) -> None:
    await chat.curator("admin score add", LEAD_CHANGE)
    newest = await chat.last_event()
    before = await snapshot(chat.db)

    answer = await chat.discord_run("subscribe", {"topics": "test"})
    slack_answer = await chat.slack_run("/subscribe", "test")

    assert answer.ephemeral and "A sample alert was posted here" in answer.text()
    assert "not subscribed yet; nothing was changed" in answer.text()
    assert slack_answer["response_type"] == "ephemeral"
    [discord_sample] = chat.discord_texts(chat.channel)
    [slack_sample] = chat.slack_texts()
    for sample in (discord_sample, slack_sample):
        assert "Test alert from Racewatch" in sample
        assert f"event #{newest}" in sample
        assert "TEST alert" in sample  # the footer says so too
    assert await snapshot(chat.db) == before
    await chat.deliver()  # nothing was subscribed: no alert is owed for the write
    assert len(chat.discord.messages(chat.channel)) == 1
    assert len(chat.slack_texts()) == 1


async def test_subscribe_test_shows_a_failure_at_posting(chat: Chat) -> None:
    # Discord says the bot has its rights, but the post is refused (e.g. a thread's lock).
    chat.discord.forbid_channel(chat.channel)
    answer = await chat.discord_run("subscribe", {"topics": "test"})
    assert answer.ephemeral
    assert "I could not post the sample alert here" in answer.text()
    assert "Missing Permissions" in answer.text()

    chat.discord.set_bot_permissions(chat.quiet, p.EVERYONE_PERMISSIONS & ~p.VIEW_CHANNEL)
    refused = await chat.discord_run("subscribe", {"topics": "test"}, channel=chat.quiet)
    assert "I lack View Channel here" in refused.text()
    assert chat.discord_texts(chat.quiet) == []


async def test_subscribe_test_takes_nothing_else(chat: Chat) -> None:
    answer = await chat.slack_run("/subscribe", "test mode:both")
    assert answer["response_type"] == "ephemeral"
    assert "takes nothing else" in texts(answer)
    assert chat.slack_texts() == []
