"""SlackFrontEnd.send (for alerts and digests) against the fake: posts, errors, rate limits."""

from __future__ import annotations

import pytest

from bot.platforms.errors import ChannelUnavailable, RetryLater
from bot.platforms.slack.frontend import SlackFrontEnd
from commands.core.dispatch import Dispatcher
from commands.core.reply import Field, Image, Reply
from tests.support.fakes.slack_server import FakeSlack, RateLimit
from tests.support.slack_world import slack_settings

ALERT = Reply(
    title="New score",
    body="GLM-5.2 <!channel> scores 74.4 on FrontierSWE",
    fields=(Field("source", "https://example.org/post"),),
)


def sender(fake: FakeSlack, dispatcher: Dispatcher) -> SlackFrontEnd:
    return SlackFrontEnd(slack_settings(fake), dispatcher)


async def test_send_posts_blocks_and_escaped_fallback(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    await sender(fake_slack, toy_dispatcher).send("C0ALERTS", ALERT)
    [message] = fake_slack.posted
    assert message["channel"] == "C0ALERTS"
    assert "GLM-5.2 &lt;!channel&gt; scores 74.4" in message["text"]
    assert message["blocks"][0]["text"]["text"] == "*New score*"
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.headers["Authorization"] == f"Bearer {fake_slack.bot_token}"


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_gone_channels_raise_permanent_errors(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher, error: str
) -> None:
    fake_slack.break_channel("C0GONE", error)
    with pytest.raises(ChannelUnavailable) as raised:
        await sender(fake_slack, toy_dispatcher).send("C0GONE", ALERT)
    assert raised.value.reason == error and raised.value.permanent
    assert "C0GONE" in str(raised.value)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # no pointless retries


async def test_429_is_retried_after_retry_after(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    fake_slack.fail_next("chat.postMessage", 429, retry_after=1)
    await sender(fake_slack, toy_dispatcher).send("C0ALERTS", ALERT)
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake_slack.posted) == 1


async def test_per_channel_rate_limit_is_obeyed(toy_dispatcher: Dispatcher) -> None:
    async with FakeSlack(rate_limit=RateLimit(limit=2, window=1.0)) as fake:
        front = sender(fake, toy_dispatcher)
        for _ in range(3):
            await front.send("C0BUSY", ALERT)
        await front.send("C0QUIET", ALERT)
        statuses = [c.status for c in fake.calls_to("chat.postMessage")]
    assert statuses.count(429) == 1 and statuses.count(200) == 4
    assert [m["channel"] for m in fake.posted] == ["C0BUSY"] * 3 + ["C0QUIET"]


async def test_server_errors_are_retried_then_reported(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    front = sender(fake_slack, toy_dispatcher)
    fake_slack.fail_next("chat.postMessage", 503, times=1)
    await front.send("C0ALERTS", ALERT)
    assert len(fake_slack.posted) == 1
    fake_slack.fail_next("chat.postMessage", 500, times=10)
    with pytest.raises(RetryLater) as raised:
        await front.send("C0ALERTS", ALERT)
    assert not raised.value.permanent
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 + 4  # first try + 3 retries


async def test_send_with_an_image_uploads_it_to_the_channel(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    chart = Reply(title="Frontier", image=Image("frontier.png", b"\x89PNG-bytes", "frontier"))
    await sender(fake_slack, toy_dispatcher).send("C0ALERTS", chart)
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0ALERTS"
    assert list(fake_slack.state.uploads.values()) == [b"\x89PNG-bytes"]
