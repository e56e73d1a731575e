"""The fake's message store: a repeated nonce posts nothing new, as Discord's enforce_nonce."""

from __future__ import annotations

import discord

from bot.platforms.discord.frontend import DiscordFrontEnd
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from tests.support.discord_world import StartBot
from tests.support.fakes.discord_server import FakeDiscord

ALERT = Reply(title="New score", body="GLM-5.2 76.0 on FrontierSWE")


async def test_a_resend_with_the_same_nonce_returns_the_first_message(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    first = await bot.send(fake.channel_id, ALERT, nonce="rw-1")
    again = await bot.send(fake.channel_id, ALERT, nonce="rw-1")
    other = await bot.send(fake.channel_id, ALERT, nonce="rw-2")

    assert again == first != other
    assert len(fake.messages(fake.channel_id)) == 2
    assert [hit.nonce for hit in fake.posts.nonce_hits] == ["rw-1"]


async def test_after_the_window_the_same_nonce_posts_again(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    fake.posts.nonce_window = 0.0

    await bot.send(fake.channel_id, ALERT, nonce="rw-1")
    await bot.send(fake.channel_id, ALERT, nonce="rw-1")

    assert len(fake.messages(fake.channel_id)) == 2


async def test_channels_of_every_guild_are_known_to_the_bot(
    fake: FakeDiscord, start_bot: StartBot, dispatcher: Dispatcher
) -> None:
    second = fake.add_guild("Second guild")
    channel = fake.add_channel("alerts", second)

    front = await start_bot(dispatcher)

    assert {g.id for g in front.client.guilds} == {int(fake.guild_id), int(second)}
    found = front.client.get_channel(int(channel))
    assert isinstance(found, discord.TextChannel) and found.guild.id == int(second)
