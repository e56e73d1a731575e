"""SlackFrontEnd.send (for alerts and digests) against the fake: posts, errors, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime

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


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_not_retried_blindly(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher, status: int
) -> None:
    """A 5xx may come after the message was created: the worker retries later, looking
    first, instead of the client posting again at once."""
    fake_slack.fail_next("chat.postMessage", status)
    with pytest.raises(RetryLater) as raised:
        await sender(fake_slack, toy_dispatcher).send("C0ALERTS", ALERT, nonce="rw-1")
    assert not raised.value.permanent
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


async def test_an_alert_carries_its_key_in_message_metadata(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    await sender(fake_slack, toy_dispatcher).send("C0ALERTS", ALERT, nonce="rw-7")
    [message] = fake_slack.posted
    assert message["metadata"] == {
        "event_type": "racewatch_delivery",
        "event_payload": {"key": "rw-7"},
    }


async def test_a_retry_finds_the_message_its_first_try_created(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    front = sender(fake_slack, toy_dispatcher)
    first = await front.send("C0ALERTS", ALERT, nonce="rw-7")
    await front.send("C0ALERTS", ALERT, nonce="rw-8")  # a later alert, another key
    again = await front.send("C0ALERTS", ALERT, nonce="rw-7", since=datetime.now(UTC))
    assert again == first and len(fake_slack.posted) == 2
    [look] = fake_slack.calls_to("conversations.history")
    assert look.params["include_all_metadata"] in ("1", "true")
    assert int(look.params["limit"]) <= 15
    assert float(look.params["oldest"]) < float(first)  # the margin reaches back


async def test_a_retry_that_cannot_look_now_posts_nothing(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    fake_slack.fail_next("conversations.history", 503)
    with pytest.raises(RetryLater):
        await sender(fake_slack, toy_dispatcher).send(
            "C0ALERTS", ALERT, nonce="rw-7", since=datetime.now(UTC)
        )
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_send_with_an_image_uploads_it_to_the_channel(
    fake_slack: FakeSlack, toy_dispatcher: Dispatcher
) -> None:
    chart = Reply(title="Frontier", image=Image("frontier.png", b"\x89PNG-bytes", "frontier"))
    await sender(fake_slack, toy_dispatcher).send("C0ALERTS", chart)
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0ALERTS"
    assert list(fake_slack.state.uploads.values()) == [b"\x89PNG-bytes"]
