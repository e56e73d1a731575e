"""The delivery log: /subscriptions shows each channel's last delivery and pauses, and
`/subscriptions why EVENT` says what became of one event in this channel."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.chat import SLACK_CHANNEL, Chat
from tests.support.slack_world import texts

SOURCE = "https://example.org/report"


def score(model: str, benchmark: str, value: float) -> dict[str, object]:
    return {"model": model, "benchmark": benchmark, "value": value, "source": SOURCE}


async def why(chat: Chat, event: int) -> str:
    return (await chat.discord_run("subscriptions", {"why": str(event)})).text()


async def test_why_says_filtered_sent_rate_limited_pending_and_paused(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "scores", "filters": "-benchmark:SWE-Marathon"})
    await chat.curator("admin score add", score("GLM-5.2", "SWE-Marathon", 14.0))
    excluded = await chat.last_event()
    await chat.curator("admin news", {"headline": "A lab opens in Paris", "source": SOURCE})
    news = await chat.last_event()
    await chat.curator("admin score add", score("GLM-5.2", "PostTrainBench", 35.0))
    sent = await chat.last_event()
    await chat.deliver()

    assert "Filtered out: the filter -benchmark:SWE-Marathon excludes it" in await why(
        chat, excluded
    )
    assert "Filtered out: it is about news and this channel follows scores" in await why(chat, news)
    assert "Posted: alert delivered" in await why(chat, sent)

    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 30.0))
    limited = await chat.last_event()
    assert "Not posted: alert pending: queued, not tried yet" in await why(chat, limited)
    chat.discord.fail_next(429, 5, path="/messages", retry_after=0.01)  # discord.py gives up
    await chat.worker.run_once()
    said = await why(chat, limited)
    assert "Not posted: alert rate-limited: 1 attempt(s), next try" in said
    assert "HTTP 429" in said
    overview = (await chat.discord_run("subscriptions")).text()
    assert "Last delivery: alert rate-limited" in overview

    chat.discord.delete_channel(chat.channel)
    await chat.deliver()
    assert "not posted: the subscription was paused (the channel is gone" in await why(
        chat, limited
    )
    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 31.0))
    assert "Paused since" in await why(chat, await chat.last_event())


async def test_subscriptions_lists_last_delivery_and_pauses_with_the_reason(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "scores")
    other = "C0SECOND"
    await chat.slack_run("/subscribe", "leads", channel=other)
    assert "Last delivery: none yet" in texts(await chat.slack_run("/subscriptions"))

    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 30.0))
    await chat.deliver()
    listing = texts(await chat.slack_run("/subscriptions"))
    assert "2 subscribed channel(s)." in listing
    assert "Last delivery: alert delivered Mon 22 Mar 2027 10:00 UTC, message " in listing

    chat.slack.break_channel(SLACK_CHANNEL, "not_in_channel")
    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 31.0))
    await chat.deliver()
    listing = texts(await chat.slack_run("/subscriptions", channel=other))
    assert "2 subscribed channel(s), 1 paused." in listing
    assert "PAUSED since Mon 22 Mar 2027 10:00 UTC: Slack channel C0ALERTS: not_in_channel" in (
        listing
    )
    said = texts(await chat.slack_run("/subscriptions", "why 2", channel=SLACK_CHANNEL))
    assert "Event #2" in said  # `why 45` works in Slack's one line of text


async def test_why_in_a_digest_channel_says_pending_then_posted(chat: Chat) -> None:
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")
    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 30.0))
    event = await chat.last_event()

    pending = texts(await chat.slack_run("/subscriptions", f"why {event}"))
    assert "Pending: it will be in the next digest (Tue 23 Mar 2027 09:00 CET)." in pending

    chat.clock.set(datetime(2027, 3, 23, 8, tzinfo=UTC))
    await chat.scheduler().tick()
    await chat.deliver()
    posted = texts(await chat.slack_run("/subscriptions", f"#{event}"))
    assert "Posted: digest delivered Tue 23 Mar 2027 09:00 CET" in posted
