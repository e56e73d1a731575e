"""The fake Discord itself, spoken to over plain HTTP: auth, rate-limit headers, 429s, faults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.fakes.discord_limits import RateLimits
from tests.support.fakes.discord_server import FakeDiscord

RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-After",
    "X-RateLimit-Bucket",
)


@pytest.fixture
async def strict() -> AsyncIterator[FakeDiscord]:
    frozen = RateLimits(limit=2, window=30.0, global_per_second=3, clock=lambda: 1000.0)
    server = FakeDiscord(rate_limits=frozen)
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def http(strict: FakeDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {strict.token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def test_requests_without_the_token_are_refused(strict: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.get(strict.url + "/users/@me") as answer:
        assert answer.status == 401
    assert strict.requests[0].status == 401


async def test_rate_limit_headers_then_429_with_retry_after(
    strict: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    url = f"{strict.url}/channels/{strict.channel_id}"
    remaining = []
    for _ in range(2):
        async with http.get(url) as answer:
            assert answer.status == 200
            assert all(h in answer.headers for h in RATE_HEADERS)
            remaining.append(answer.headers["X-RateLimit-Remaining"])
    async with http.get(url) as answer:
        body = await answer.json()
        assert answer.status == 429
        assert 0 < body["retry_after"] <= 30 and body["global"] is False
        assert answer.headers["X-RateLimit-Scope"] == "user"
        assert "X-RateLimit-Global" not in answer.headers
    assert remaining == ["1", "0"]


async def test_buckets_are_per_channel(strict: FakeDiscord, http: aiohttp.ClientSession) -> None:
    other = strict.add_channel("other")
    for channel in (strict.channel_id, strict.channel_id, other):
        async with http.get(f"{strict.url}/channels/{channel}") as answer:
            assert answer.status == 200


async def test_global_limit_answers_429_global(
    strict: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    statuses = []
    for route in ("/users/@me", "/gateway", "/gateway/bot", "/oauth2/applications/@me"):
        async with http.get(strict.url + route) as answer:
            statuses.append(answer.status)
    assert statuses == [200, 200, 200, 429]
    assert answer.headers["X-RateLimit-Global"] == "true"
    assert answer.headers["X-RateLimit-Scope"] == "global"


async def test_injected_faults_and_vanished_channels(
    strict: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    strict.fail_next(503, 1)
    async with http.get(strict.url + "/users/@me") as answer:
        assert answer.status == 503
    strict.delete_channel(strict.channel_id)
    async with http.get(f"{strict.url}/channels/{strict.channel_id}") as answer:
        assert answer.status == 404 and (await answer.json())["code"] == 10003
    async with http.get(f"{strict.url}/no/such/route") as answer:
        assert answer.status == 404
    assert [r.status for r in strict.requests] == [503, 404, 404]


async def test_global_limit_counts_every_connection_of_the_bot(strict: FakeDiscord) -> None:
    """Several processes share one bot's 50/s: the fake counts them together, as Discord does."""
    statuses, bodies = [], []
    headers = {"Authorization": f"Bot {strict.token}"}
    for route in ("/users/@me", "/gateway", "/gateway/bot", "/oauth2/applications/@me"):
        async with (  # a connection each, as from four processes
            aiohttp.ClientSession(headers=headers) as session,
            session.get(strict.url + route) as answer,
        ):
            statuses.append(answer.status)
            bodies.append(await answer.json())
    assert statuses == [200, 200, 200, 429]
    assert bodies[-1]["global"] is True and bodies[-1]["retry_after"] > 0
    assert strict.limits.global_refusals == 1
