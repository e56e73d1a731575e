"""Opt-in mentions: a channel's role (Discord) or user group (Slack) is pinged on lead changes
only; every other message pings nobody."""

from __future__ import annotations

from tests.support.chat import LEAD_CHANGE, Chat
from tests.support.database import snapshot
from tests.support.fakes import discord_payloads as p
from tests.support.slack_world import texts

ROLE = "1500000000000000042"
SCORE_ONLY = {**LEAD_CHANGE, "model": "Opus-4.8", "value": 75.5}  # the US keeps its lead


def pinged_roles(chat: Chat) -> list[list[str]]:
    """The roles each message the bot posted in the channel was allowed to ping."""
    pinged = []
    for request in chat.discord.sent("POST", "/channels/{channel_id}/messages"):
        allowed = request.json["allowed_mentions"]
        assert allowed["parse"] == [], allowed  # never @everyone, @here or users
        pinged.append([str(r) for r in allowed.get("roles", [])])
    return pinged


async def test_discord_pings_the_role_on_lead_changes_only(chat: Chat) -> None:
    answer = await chat.discord_run(
        "subscribe", {"topics": "all", "mention": (ROLE, "racers", True)}
    )
    assert f"Lead changes ping: {ROLE}" in answer.text()

    await chat.curator("admin score add", SCORE_ONLY)
    await chat.deliver()
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()

    score, lead = chat.discord.messages(chat.channel)
    assert "Lead change on FrontierSWE" in lead.text()
    assert lead.content == f"<@&{ROLE}>"
    assert "Lead change" not in score.text()
    assert score.content == ""
    assert pinged_roles(chat) == [[], [ROLE]]


async def test_discord_refuses_a_role_it_cannot_ping_and_says_how_to_fix_it(chat: Chat) -> None:
    before = await snapshot(chat.db)
    refused = await chat.discord_run("subscribe", {"topics": "all", "mention": (ROLE, "racers")})
    assert refused.ephemeral
    assert "I cannot ping @racers: the role is not mentionable" in refused.text()
    assert 'Turn on "Allow anyone to @mention this role"' in refused.text()
    assert "Mention @everyone, @here, and All Roles" in refused.text()
    assert "Nothing was changed" in refused.text()
    assert await snapshot(chat.db) == before


async def test_discord_pings_a_role_that_is_not_mentionable_when_it_may_mention_all(
    chat: Chat,
) -> None:
    chat.discord.set_bot_permissions(chat.channel, p.EVERYONE_PERMISSIONS | p.MENTION_EVERYONE)
    answer = await chat.discord_run("subscribe", {"topics": "all", "mention": (ROLE, "racers")})
    assert f"Lead changes ping: {ROLE}" in answer.text()
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()
    [lead] = chat.discord.messages(chat.channel)
    assert lead.content == f"<@&{ROLE}>"
    assert pinged_roles(chat) == [[ROLE]]


async def test_discord_everyone_stops_the_mention(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "all", "mention": (ROLE, "racers", True)})
    guild = chat.discord.guild_id
    answer = await chat.discord_run("subscribe", {"mention": (guild, "@everyone")})
    assert "Lead changes ping" not in answer.text()

    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()
    [lead] = chat.discord.messages(chat.channel)
    assert lead.content == ""
    assert pinged_roles(chat) == [[]]


async def test_slack_pings_the_user_group_on_lead_changes_only(chat: Chat) -> None:
    answer = await chat.slack_run("/subscribe", "all mention:<!subteam^S0RACERS|@racers>")
    assert "Lead changes ping: S0RACERS" in texts(answer)

    await chat.curator("admin score add", SCORE_ONLY)
    await chat.deliver()
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()

    score, lead = (m for m in chat.slack.posted if m.get("channel") == "C0ALERTS")
    assert str(lead["text"]).startswith("<!subteam^S0RACERS> ")
    assert "<!subteam^S0RACERS>" in texts(lead)
    assert "subteam" not in str(score)


async def test_slack_refuses_a_group_name_it_cannot_ping(chat: Chat) -> None:
    answer = await chat.slack_run("/subscribe", "all mention:@racers")
    assert answer["response_type"] == "ephemeral"
    assert "is not a user group's id" in texts(answer)
    assert "No channel here is subscribed" in texts(await chat.slack_run("/subscriptions"))
    stopped = await chat.slack_run("/subscribe", "all mention:S0RACERS")
    assert "Lead changes ping: S0RACERS" in texts(stopped)
    stopped = await chat.slack_run("/subscribe", "mention:none")
    assert "Lead changes ping" not in texts(stopped)
