"""`racewatch feeds list | sync`, and the default feeds a first start configures."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from urllib.parse import urlsplit

from bot.workers.feeds import FeedWorker
from commands.core.clock import FixedClock
from commands.feeds.defaults import default_feeds, install_defaults
from storage.engine.db import Database
from tests.support.fakes.feeds import FakeFeeds, sample
from tests.support.processes import racewatch
from tests.support.world import NOW

ON = {"RACEWATCH_FEEDS": "on"}


def test_a_first_start_configures_the_default_feeds(tmp_path: Path) -> None:
    listed = racewatch("feeds", "list", cwd=tmp_path, env=ON)
    assert listed.returncode == 0, listed.stderr
    for name in ("epoch-eci", "epoch-gpqa", "hf-deepseek-ai", "hf-qwen", "hf-moonshotai"):
        assert f"{name} " in listed.stdout, name
    assert "openrouter" in listed.stdout and "openai-news" in listed.stdout
    assert "0 failing" in listed.stdout and " never " in listed.stdout
    # off: nothing is polled, but what is configured stays (and commands work)
    again = racewatch("feeds", "list", cwd=tmp_path, env={"RACEWATCH_FEEDS": "off"})
    assert "hf-deepseek-ai" in again.stdout


def test_with_feeds_off_a_first_start_configures_none(tmp_path: Path) -> None:
    listed = racewatch("feeds", "list", cwd=tmp_path)  # the tests' default: RACEWATCH_FEEDS=off
    assert listed.returncode == 0 and "No feeds yet" in listed.stdout


def test_the_defaults_are_real_public_urls() -> None:
    hosts = {urlsplit(spec.url).netloc for spec in default_feeds()}
    assert {"epoch.ai", "huggingface.co", "openrouter.ai", "openai.com"} <= hosts
    assert all(spec.url.startswith("https://") for spec in default_feeds())


async def test_a_start_sends_no_request(db: Database) -> None:
    """New feeds' first polls are spread over the next hour: a start without a network is
    quiet (nothing is due at once)."""
    assert await install_defaults(db, NOW, random.Random(1)) > 20
    worker = FeedWorker(db, FixedClock(NOW))
    assert await worker.run_due() == [] and worker.requests == 0
    assert await install_defaults(db, NOW) == 0  # once per database


async def test_feeds_sync_from_the_command_line(tmp_path: Path) -> None:
    async with FakeFeeds() as fake:
        fake.serve("/news.rss", sample("openai_news.rss"), "application/rss+xml")
        url = fake.url("/news.rss")
        added = await asyncio.to_thread(
            racewatch, "ask", f"/admin feed add lab-news rss {url}", cwd=tmp_path
        )
        assert added.returncode == 0, added.stderr
        synced = await asyncio.to_thread(racewatch, "feeds", "sync", "lab-news", cwd=tmp_path)
        assert synced.returncode == 0, synced.stderr
        assert "lab-news: 3 new item(s); 2 proposal(s) queued" in synced.stdout
        again = await asyncio.to_thread(racewatch, "feeds", "sync", cwd=tmp_path)
        assert "lab-news: unchanged" in again.stdout
        missing = await asyncio.to_thread(racewatch, "feeds", "sync", "nope", cwd=tmp_path)
        assert missing.returncode == 1 and "There is no feed called nope" in missing.stderr
