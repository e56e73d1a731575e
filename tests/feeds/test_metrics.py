"""`/metrics` counts the feed worker's polls by kind and outcome, and what became of new items."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.config import Settings
from bot.health import HealthServer
from tests.support.fakes.feeds import sample
from tests.support.feeds_world import Feeds

HF = "/api/models"
LB = "/SWE-bench/swe-bench.github.io/master/data/leaderboards.json"


@pytest.fixture
async def health() -> AsyncIterator[HealthServer]:
    server = HealthServer(Settings(_env_file=None, health_host="127.0.0.1", health_port=0))
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def scrape(server: HealthServer) -> str:
    url = f"http://127.0.0.1:{server.port}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        return await response.text()


def value(metrics: str, name: str, **labels: str) -> float:
    """One sample's value in the text exposition (0 when absent)."""
    for line in metrics.splitlines():
        match = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


async def test_metrics_count_syncs_by_kind_and_outcome_and_items(
    feeds: Feeds, health: HealthServer
) -> None:
    feeds.fake.serve(HF, sample("huggingface_deepseek-ai.json"), "application/json")
    feeds.fake.fail("/broken", 500)
    feeds.fake.serve(LB, sample("swebench_leaderboards.json"), "text/plain")
    await feeds.add("hf-deepseek", "huggingface", HF)
    await feeds.add("swe-bench", "swebench", LB)
    await feeds.add("broken", "rss", "/broken")
    before = await scrape(health)
    await feeds.poll()  # hf: one proposal; swe-bench: 5 rows imported; broken: failed
    await feeds.poll()  # hf and swe-bench: unchanged (a 304)
    after = await scrape(health)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    syncs = "racewatch_feed_syncs_total"
    assert grew(syncs, kind="huggingface", outcome="ok") == 1
    assert grew(syncs, kind="huggingface", outcome="unchanged") == 1
    assert grew(syncs, kind="rss", outcome="failed") >= 1
    assert grew(syncs, kind="huggingface", outcome="failed") == 0
    items = "racewatch_feed_items_total"
    assert grew(items, kind="huggingface", fate="proposed") == 1  # DeepSeek-V4, for review
    assert grew(items, kind="huggingface", fate="applied") == 0
    assert grew(syncs, kind="swebench", outcome="ok") == 1
    assert grew(syncs, kind="swebench", outcome="unchanged") == 1
    assert grew(items, kind="swebench", fate="applied") == 5  # Meta's entry was skipped
    assert grew(items, kind="swebench", fate="proposed") == 0
