"""Platform trouble: 429 storms and 5xx bursts lose and double nothing; a vanished channel
pauses its subscription (said in /subscriptions and the audit log) until it subscribes again."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from tests.support.chat import DISCORD_CURATOR, SLACK_CHANNEL, Chat
from tests.support.slack_world import texts

SOURCE = "https://example.org/report"
MESSAGES = ("POST", "/channels/{channel_id}/messages")


async def add_scores(chat: Chat, values: list[float]) -> None:
    """One alert per score: GPT-5.5 on PostTrainBench (no lead change)."""
    for value in values:
        options = {"model": "GPT-5.5", "benchmark": "PostTrainBench", "value": value}
        await chat.curator("admin score add", {**options, "source": SOURCE})


def said_values(messages: list[str]) -> Counter[str]:
    """Which score each alert announces (`GPT-5.5 scored 30.1 on ...` -> `30.1`)."""
    return Counter(m.split(" scored ")[1].split()[0] for m in messages)


async def test_discord_429_storm_and_5xx_burst_lose_and_double_nothing(chat: Chat) -> None:
    second = chat.discord.add_channel("second")
    await chat.discord_run("subscribe", {"topics": "scores"})
    await chat.discord_run("subscribe", {"topics": "scores"}, channel=second)
    values = [30.0 + n / 10 for n in range(1, 7)]
    await add_scores(chat, values)

    # 12 rate-limit answers (discord.py waits each out, then gives up after 5), one
    # global one, and a burst of 503s (the worker backs off on a moved clock).
    chat.discord.fail_next(429, 12, path="/messages", retry_after=0.01)
    chat.discord.fail_next(429, 1, path="/messages", retry_after=0.01, is_global=True)
    chat.discord.fail_next(503, 4, path="/messages")
    await chat.deliver()

    statuses = Counter(r.status for r in chat.discord.sent(*MESSAGES))
    assert statuses[429] == 13 and statuses[503] == 4  # the faults were all met
    expected = Counter(f"{v:.1f}" for v in values)
    for channel in (chat.channel, second):
        assert said_values(chat.discord_texts(channel)) == expected  # each once, none lost


async def test_slack_429_storm_and_5xx_burst_lose_and_double_nothing(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "scores")
    values = [30.0 + n / 10 for n in range(1, 5)]
    await add_scores(chat, values)

    chat.slack.fail_next("chat.postMessage", 429, times=2, retry_after=0)
    chat.slack.fail_next("chat.postMessage", 502, times=3, error="bad_gateway")
    chat.slack.fail_next("chat.postMessage", 500, times=1)
    await chat.deliver()

    statuses = Counter(c.status for c in chat.slack.calls_to("chat.postMessage"))
    assert statuses[429] == 2 and statuses[502] == 3 and statuses[500] == 1
    assert said_values(chat.slack_texts()) == Counter(f"{v:.1f}" for v in values)


async def test_deleted_discord_channel_pauses_with_the_reason_in_the_audit_log(
    chat: Chat,
) -> None:
    await chat.discord_run("subscribe", {"topics": "scores"})
    chat.discord.delete_channel(chat.channel)
    await add_scores(chat, [30.1, 30.2])
    await chat.deliver()

    tries = [r for r in chat.discord.sent(*MESSAGES) if chat.channel in r.path]
    assert [r.status for r in tries] == [404]  # tried once; the second alert was held
    listing = (await chat.discord_run("subscriptions", channel=chat.quiet)).text()
    assert "1 paused" in listing
    assert "PAUSED since Mon 22 Mar 2027 10:00 UTC: the channel is gone (HTTP 404" in listing
    assert "Unknown Channel" in listing
    audit = (
        await chat.discord.run("admin audit", channel_id=chat.quiet, user_id=DISCORD_CURATOR)
    ).text()
    assert "racewatch:delivery" in audit and f"channel {chat.channel}" in audit

    await add_scores(chat, [30.3])  # while paused, nothing is queued or tried
    await chat.deliver()
    assert len([r for r in chat.discord.sent(*MESSAGES) if chat.channel in r.path]) == 1


async def test_slack_channel_not_found_pauses_and_subscribing_again_resumes(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "scores")
    chat.slack.break_channel(SLACK_CHANNEL, "channel_not_found")
    await add_scores(chat, [30.1])
    await chat.deliver()
    listing = texts(await chat.slack_run("/subscriptions"))
    assert "PAUSED since" in listing and "channel_not_found" in listing
    assert chat.slack_texts() == []

    chat.slack.state.channel_errors.clear()  # the bot is invited back
    resumed = texts(await chat.slack_run("/subscribe"))
    assert "Subscription updated" in resumed and "PAUSED" not in resumed
    await add_scores(chat, [30.2])
    await chat.deliver()

    assert said_values(chat.slack_texts()) == Counter(["30.2"])
    assert "PAUSED" not in texts(await chat.slack_run("/subscriptions"))


async def test_a_long_outage_delays_but_loses_nothing(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "scores"})
    await add_scores(chat, [30.1])
    chat.discord.fail_next(503, 30, path="/messages")  # a long outage, on a moved clock
    started = chat.clock.now()

    await chat.deliver()

    assert said_values(chat.discord_texts(chat.channel)) == Counter(["30.1"])
    statuses = Counter(r.status for r in chat.discord.sent(*MESSAGES))
    assert statuses == Counter({503: 30, 200: 1})  # 31 attempts: backed off, never gave up
    assert chat.clock.now() - started > timedelta(minutes=10)
