"""The fake gateway sharded as Discord is: IDENTIFY's `shard`, and each guild's events on
shard (guild_id >> 22) % count, spoken to over a plain websocket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.fakes.discord_gateway import IDENTIFY, INVALID_SHARD, shard_of
from tests.support.fakes.discord_server import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


async def events(socket: aiohttp.ClientWebSocketResponse, n: int) -> list[dict[str, Any]]:
    """The next `n` DISPATCH events (HELLO and acks skipped)."""
    out: list[dict[str, Any]] = []
    while len(out) < n:
        message = json.loads((await socket.receive(timeout=5)).data)
        if message["op"] == 0:
            out.append(message)
    return out


async def identify(
    session: aiohttp.ClientSession, fake: FakeDiscord, shard: list[int]
) -> aiohttp.ClientWebSocketResponse:
    socket = await session.ws_connect(fake.gateway_url)
    payload = {"token": fake.token, "intents": 1, "properties": {}, "shard": shard}
    await socket.send_str(json.dumps({"op": IDENTIFY, "d": payload}))
    return socket


async def test_each_shard_hears_only_its_guilds(fake: FakeDiscord) -> None:
    other = fake.add_guild("Other", shard=(1 - shard_of(fake.guild_id, 2), 2))
    by_shard = {shard_of(g, 2): g for g in (fake.guild_id, other)}
    assert set(by_shard) == {0, 1}
    async with aiohttp.ClientSession() as session:
        sockets = [await identify(session, fake, [i, 2]) for i in (0, 1)]
        for i, socket in enumerate(sockets):
            ready, created = await events(socket, 2)
            assert ready["d"]["shard"] == [i, 2]
            assert [g["id"] for g in ready["d"]["guilds"]] == [by_shard[i]]
            assert created["t"] == "GUILD_CREATE" and created["d"]["id"] == by_shard[i]
        channel = fake.add_channel("race", other)
        await fake.gateway.dispatch("TYPING_START", {"guild_id": other, "channel_id": channel})
        [typing] = await events(sockets[shard_of(other, 2)], 1)
        assert typing["d"]["guild_id"] == other
        await fake.gateway.dispatch("TYPING_START", {"guild_id": fake.guild_id})
        [typing] = await events(sockets[shard_of(fake.guild_id, 2)], 1)
        assert typing["d"]["guild_id"] == fake.guild_id


async def test_a_shard_outside_the_count_is_refused(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        socket = await identify(session, fake, [2, 2])
        while (await socket.receive(timeout=5)).type is not aiohttp.WSMsgType.CLOSE:
            pass
        assert socket.close_code == INVALID_SHARD
    assert fake.gateway.sessions == {}
