"""`DiscordFrontEnd.send`, as the alert-delivery worker uses it: limits, retries, dead channels."""

from __future__ import annotations

import pytest

from bot.platforms.discord.frontend import DiscordFrontEnd
from bot.platforms.errors import ChannelForbidden, ChannelGone, SendError
from commands.core.reply import Field, Image, Reply
from tests.support.fakes.discord_server import FakeDiscord

MESSAGES = ("POST", "/channels/{channel_id}/messages")
ALERT = Reply(title="New score", body="GLM-5.2 74.4 on FrontierSWE", fields=(Field("Source", "x"),))


async def test_send_posts_an_embed_that_pings_nobody(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    await bot.send(fake.channel_id, Reply(title="@everyone GLM-5.2 released", body="<@&1> hi"))

    (message,) = fake.messages(fake.channel_id)
    assert message.embed["title"] == "@everyone GLM-5.2 released"
    (request,) = fake.sent(*MESSAGES)
    assert request.json["allowed_mentions"] == {"parse": []}


async def test_send_attaches_images(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    png = b"\x89PNG\r\n\x1a\nfake"
    await bot.send(fake.channel_id, Reply(title="Chart", image=Image("race chart.png", png)))

    (message,) = fake.messages(fake.channel_id)
    assert message.files == {"race_chart.png": png}
    assert message.embed["image"]["url"] == "attachment://race_chart.png"


async def test_vanished_and_forbidden_channels_raise_clearly(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    gone, forbidden = fake.add_channel("gone"), fake.add_channel("locked")
    fake.delete_channel(gone)
    fake.forbid_channel(forbidden)

    with pytest.raises(ChannelGone) as vanished:
        await bot.send(gone, ALERT)
    with pytest.raises(ChannelForbidden) as refused:
        await bot.send(forbidden, ALERT)

    assert "10003" in str(vanished.value) and not vanished.value.retryable
    assert "50013" in str(refused.value) and not refused.value.retryable
    assert fake.messages(gone) == [] and fake.messages(forbidden) == []


async def test_429_is_waited_out_and_sent_once(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    fake.fail_next(429, 1, path="/messages", retry_after=0.2)

    await bot.send(fake.channel_id, ALERT)

    assert [r.status for r in fake.sent(*MESSAGES)] == [429, 200]
    assert len(fake.messages(fake.channel_id)) == 1


async def test_global_429_is_waited_out(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    fake.fail_next(429, 1, path="/messages", retry_after=0.2, is_global=True)

    await bot.send(fake.channel_id, ALERT)

    assert [r.status for r in fake.sent(*MESSAGES)] == [429, 200]


async def test_server_errors_are_retried(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    fake.fail_next(502, 1, path="/messages")

    await bot.send(fake.channel_id, ALERT)

    assert [r.status for r in fake.sent(*MESSAGES)] == [502, 200]
    assert len(fake.messages(fake.channel_id)) == 1


async def test_bad_request_is_not_retryable(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    fake.fail_next(400, 1, path="/messages")

    with pytest.raises(SendError) as failed:
        await bot.send(fake.channel_id, ALERT)

    assert not failed.value.retryable


async def test_bucket_headers_pace_a_burst(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    fake.limits.set_route_limit("POST /channels/{channel_id}/messages", 2, 0.3)

    for n in range(6):
        await bot.send(fake.channel_id, Reply(body=f"alert {n}"))

    bodies = [m.embed["description"] for m in fake.messages(fake.channel_id)]
    assert bodies == [f"alert {n}" for n in range(6)]
    statuses = [r.status for r in fake.sent(*MESSAGES)]
    print(f"6 sends at 2 per 0.3 s: {statuses.count(429)} answered 429 (paced by headers)")
