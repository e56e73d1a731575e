"""Instant alerts: managers subscribe a Discord and a Slack channel, a curator changes the lead."""

from __future__ import annotations

from tests.support.chat import LEAD_CHANGE, SLACK_OTHER, Chat


async def test_lead_change_reaches_each_subscribed_channel_once(chat: Chat) -> None:
    subscribed = await chat.discord_run("subscribe", {"topics": "all"})
    assert "This channel is subscribed" in subscribed.text()
    slack_answer = await chat.slack_run("/subscribe", "leads scores")
    assert "This channel is subscribed" in str(slack_answer)

    added = await chat.curator("admin score add", LEAD_CHANGE)
    assert "Lead change: CN now leads US on FrontierSWE" in added
    await chat.deliver()

    [discord_alert] = chat.discord_texts(chat.channel)
    [slack_alert] = chat.slack_texts()
    for alert in (discord_alert, slack_alert):
        assert "Lead change on FrontierSWE" in alert
        assert "CN overtakes US with GLM-5.2 at 76.0" in alert
        assert alert.count("overtakes") == 1  # the lead change is said once per message
    assert chat.discord_texts(chat.quiet) == []
    assert chat.slack_texts(SLACK_OTHER) == []

    await chat.deliver()  # nothing more is owed: delivering again sends nothing
    assert len(chat.discord.messages(chat.channel)) == 1
    assert len(chat.slack_texts()) == 1


async def test_unsubscribing_some_topics_then_all_stops_the_alerts(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "all")
    partly = await chat.slack_run("/unsubscribe", "scores news")
    assert "Still following: releases, forecasts, leads, access." in str(partly)

    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()
    [alert] = chat.slack_texts()
    assert "Lead change on FrontierSWE" in alert and "scored" not in alert  # scores dropped

    gone = await chat.slack_run("/unsubscribe")
    assert "This channel gets no more alerts or digests." in str(gone)
    await chat.curator("admin score add", {**LEAD_CHANGE, "value": 77.0})
    await chat.deliver()
    assert len(chat.slack_texts()) == 1
    assert "No channel here is subscribed" in str(await chat.slack_run("/subscriptions"))
