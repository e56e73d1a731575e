"""Who may subscribe, where, and what bad input is told; a refusal or a mistake changes nothing."""

from __future__ import annotations

import pytest

from bot.platforms.console import ask
from tests.support.chat import DISCORD_MEMBER, SLACK_CHANNEL, Chat
from tests.support.database import snapshot
from tests.support.fakes import discord_payloads as p
from tests.support.slack_world import LISTED_MANAGER, READER, texts


async def test_members_without_channel_rights_are_refused(chat: Chat) -> None:
    before = await snapshot(chat.db)

    refused = await chat.discord_run(
        "subscribe", {"topics": "all"}, user_id=DISCORD_MEMBER, permissions=p.EVERYONE_PERMISSIONS
    )
    slack_refused = await chat.slack_run("/subscribe", "all", user_id=READER)

    assert refused.ephemeral
    assert "for channel managers only" in refused.content
    assert slack_refused["response_type"] == "ephemeral"
    assert "for channel managers only" in texts(slack_refused)
    assert await snapshot(chat.db) == before
    # A Slack user listed as channel manager in the configuration may.
    allowed = await chat.slack_run("/subscribe", "all", user_id=LISTED_MANAGER)
    assert "This channel is subscribed" in texts(allowed)


async def test_a_workspace_never_sees_or_changes_another_ones(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "leads org:OpenAI")
    await chat.discord_run("subscribe", {"topics": "news"})
    before = await snapshot(chat.db)

    other = await chat.slack_run("/subscriptions", team_id="T0OTHER")
    assert "No channel here is subscribed" in texts(other)
    # Even naming the same channel id, another workspace reaches nothing of this one.
    gone = await chat.slack_run("/unsubscribe", team_id="T0OTHER", channel=SLACK_CHANNEL)
    assert "This channel is not subscribed" in texts(gone)
    why = await chat.slack_run("/subscriptions", "why:1", team_id="T0OTHER")
    assert "not subscribed" in texts(why)
    assert await snapshot(chat.db) == before

    mine = texts(await chat.slack_run("/subscriptions"))
    assert "1 subscribed channel(s)" in mine and "org:OpenAI" in mine
    assert "news" not in mine  # the Discord server's subscription is not this workspace's


async def test_the_console_says_subscriptions_need_a_channel(
    chat: Chat, capsys: pytest.CaptureFixture[str]
) -> None:
    before = await snapshot(chat.db)
    for line in ("/subscribe all", "/subscriptions", "/digest schedule daily", "/unsubscribe"):
        assert await ask(chat.dispatcher, line) == 1
        assert "the console has no channel to post to" in capsys.readouterr().err
    assert await snapshot(chat.db) == before


BAD_INPUT = [
    ("/subscribe", "leeds", "`leeds` is not a topic or a filter"),
    ("/subscribe", "leads colour:red", "`colour` is not a filter key"),
    ("/subscribe", "leads org:", "has no value"),
    ("/subscribe", 'leads org:"Zhipu', "A quote is not closed"),
    ("/subscribe", "leads org:Zhupi-Labs", "Zhipu AI"),  # suggests the closest organization
    ("/subscribe", "leads country:Atlantis", "Atlantis"),
    ("/digest", "schedule daily 25:00 Europe/Berlin", "is not a time of day"),
    ("/digest", "schedule daily 9pm13", "is not a time of day"),
    ("/digest", "schedule daily 09:00 Europe/Berln", "is not a time zone I know"),
    ("/digest", "schedule weekly 09:00 UTC day:someday", "day"),
    ("/digest", "schedule hourly", "hourly"),
    ("/subscriptions", "why:99999", "There is no event #99999"),
    ("/subscriptions", "why:soon", "soon"),
]


@pytest.mark.parametrize(("command", "text", "said"), BAD_INPUT)
async def test_bad_input_is_explained_and_changes_nothing(
    chat: Chat, command: str, text: str, said: str
) -> None:
    await chat.slack_run("/subscribe", "scores org:OpenAI")
    await chat.slack_run("/digest", "schedule daily 08:00 Asia/Shanghai")
    before = await snapshot(chat.db)

    answer = await chat.slack_run(command, text)

    assert answer["response_type"] == "ephemeral"
    assert said in texts(answer)
    assert await snapshot(chat.db) == before
