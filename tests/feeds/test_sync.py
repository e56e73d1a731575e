"""Polling against the fake server: new items once, unchanged feeds cost one 304 each."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from tests.support.database import snapshot
from tests.support.fakes.feeds import FakeFeeds, epoch_zip, hf_entry, sample
from tests.support.feeds_world import Feeds

HF = "/api/models"
JSON = "application/json"


def without_feeds(
    tables: dict[str, list[tuple[object, ...]]],
) -> dict[str, list[tuple[object, ...]]]:
    """Every table but the feeds' own bookkeeping row."""
    return {name: rows for name, rows in tables.items() if name != "feeds"}


async def test_a_new_item_appears_after_one_sync_and_not_after_the_second(feeds: Feeds) -> None:
    listed = json.loads(sample("huggingface_deepseek-ai.json"))
    feeds.fake.serve(HF, json.dumps(listed).encode(), JSON)
    await feeds.add("hf-deepseek", "huggingface", HF)
    [first] = await feeds.poll()
    assert first.outcome == "changed" and first.new_items == 5, first
    queue = (await feeds.ask("/admin review")).plain_text()
    # V4 is new; its FP8 copy and the OCR model are not proposed, older releases are the past
    assert "#1 Model: DeepSeek-V4 (new model by DeepSeek (CN)" in queue
    assert "released 2026-11-20" in queue and "685B parameters" in queue and "licence mit" in queue
    assert "https://huggingface.co/deepseek-ai/DeepSeek-V4" in queue
    for absent in ("FP8", "OCR", "V3.2", "R1", "#2"):
        assert absent not in queue

    listed.insert(0, hf_entry("deepseek-ai/DeepSeek-V4-Lite", "2026-11-24"))
    feeds.fake.serve(HF, json.dumps(listed).encode(), JSON)
    [second] = await feeds.poll()
    assert (second.outcome, second.new_items, second.proposals) == ("changed", 1, 1)
    assert "#2 Model: DeepSeek-V4-Lite" in (await feeds.ask("/admin review")).plain_text()

    before = await snapshot(feeds.db)
    hits, sent = feeds.fake.hits[HF], len(feeds.fake.headers)
    [third] = await feeds.poll()
    assert third.outcome == "unchanged"
    assert feeds.fake.hits[HF] == hits + 1  # one request ...
    assert feeds.fake.headers[sent]["If-None-Match"]  # ... a conditional one, answered 304
    assert "Racewatch/" in feeds.fake.headers[sent]["User-Agent"]
    assert without_feeds(await snapshot(feeds.db)) == without_feeds(before)
    listing = (await feeds.ask("/admin feed list")).plain_text()
    assert ["hf-deepseek", "huggingface", "ok", "6"] in [r.split() for r in listing.splitlines()]


BIG = 50 * 1024 * 1024
LB = "/SWE-bench/swe-bench.github.io/master/data/leaderboards.json"


def many_hf(count: int) -> bytes:
    return json.dumps([hf_entry(f"deepseek-ai/M-{i}", "2026-11-20") for i in range(count)]).encode()


def many_swebench(count: int) -> bytes:
    board = json.loads(sample("swebench_leaderboards.json"))
    entry = board["leaderboards"][1]["results"][0]
    results = [{**entry, "name": f"M-{i}", "tags": [f"Model: m-{i}"]} for i in range(count)]
    board["leaderboards"][1]["results"] = results
    return json.dumps(board).encode()


def many_openrouter(count: int) -> bytes:
    listed = json.loads(sample("openrouter_models.json"))
    entry = listed["data"][0]
    models = [{**entry, "id": f"deepseek/m-{i}", "name": f"DeepSeek: M {i}"} for i in range(count)]
    return json.dumps({"data": models}).encode()


# kind -> (its path on the fake, its recorded sample, a body listing N items)
BAD_KINDS: dict[str, tuple[str, str, Callable[[int], bytes]]] = {
    "huggingface": (HF, "huggingface_deepseek-ai.json", many_hf),
    "openrouter": ("/api/v1/models", "openrouter_models.json", many_openrouter),
    "swebench": (LB, "swebench_leaderboards.json", many_swebench),
}
Play = Callable[[FakeFeeds, str, bytes, Callable[[int], bytes]], None]
BAD_SOURCES: dict[str, tuple[Play, str]] = {
    "html instead of JSON": (
        lambda fake, path, _, __: fake.serve_plain(
            path, b"<!DOCTYPE html><html><body>Sorry</body></html>", JSON
        ),
        "expected JSON, got HTML",
    ),
    "an HTML error page": (
        lambda fake, path, _, __: fake.serve_plain(
            path, b"<html>Service unavailable</html>", "text/html"
        ),
        "expected application/json or text/json, got text/html",
    ),
    "truncated JSON": (
        lambda fake, path, body, _: fake.serve_plain(path, body[:700], JSON),
        "malformed or truncated JSON",
    ),
    "a body cut off mid-way": (
        lambda fake, path, body, _: fake.cut(path, body, JSON),
        "cannot reach 127.0.0.1",
    ),
    "a 50 MB body, declared": (
        lambda fake, path, _, __: fake.huge(path, BIG, declared=True, content_type=JSON),
        "body of 50.0 MB is over the 20.0 MB cap",
    ),
    "a 50 MB body, streamed": (
        lambda fake, path, _, __: fake.huge(path, BIG, declared=False, content_type=JSON),
        "body over the 20.0 MB cap",
    ),
    "a wrong content type": (
        lambda fake, path, body, _: fake.serve_plain(path, body, "image/png"),
        "got image/png",
    ),
    "a redirect to another host": (
        lambda fake, path, _, __: fake.redirect(path, f"http://localhost:{fake.port}/elsewhere"),
        "redirected to another host (localhost:",
    ),
    "a timeout": (lambda fake, path, _, __: fake.stall(path, 3.0), "no answer within 0.5 s"),
    "500s": (lambda fake, path, _, __: fake.fail(path, 500), "HTTP 500 Internal Server Error"),
    "10,000 items": (
        lambda fake, path, _, many: fake.serve(path, many(10_000), JSON),
        "lists 10,000 items; at most 5,000 are read",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_KINDS))
@pytest.mark.parametrize("case", list(BAD_SOURCES))
async def test_a_bad_source_marks_the_feed_failing_and_writes_nothing(
    feeds: Feeds, case: str, kind: str
) -> None:
    play, reason = BAD_SOURCES[case]
    path, recorded, many = BAD_KINDS[kind]
    await feeds.add("bad-feed", kind, path)
    play(feeds.fake, path, sample(recorded), many)
    before = await snapshot(feeds.db)
    [result] = await feeds.poll()
    assert result.outcome == "failed" and reason in (result.error or ""), result
    assert without_feeds(await snapshot(feeds.db)) == without_feeds(before)
    listing = (await feeds.ask("/admin feed list")).plain_text()
    assert "failing ×1: " in listing and reason in listing, listing
    error = next(line for line in listing.splitlines() if "failing ×1: " in line)
    assert error.strip().startswith("failing ×1: ") and "bad-feed" not in error  # its own line
    table = listing.splitlines()[2:]  # after the title and the (wrapping) sentence
    assert max(len(line) for line in table if line != error) <= 56, listing  # fits a phone
    assert "Nothing to review." in (await feeds.ask("/admin review")).plain_text()


def many_rss(count: int) -> bytes:
    items = "".join(
        f"<item><title>Release {i}</title><link>https://openai.com/index/r-{i}</link>"
        f"<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>"
        for i in range(count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}'.encode()
        + (b"</channel></rss>")
    )


RSS, RSS_TYPE = "/news.rss", "application/rss+xml"
ZIP, ZIP_TYPE = "/data/benchmark_data.zip", "application/zip"
HTML = b"<!DOCTYPE html><html><body>Sorry, we moved</body></html>"
# the feeds that are not JSON: kind -> (its URL path, where the fake serves it, the body,
# its content type, what HTML instead of the file is called, what a truncated body is called)
OTHER_KINDS: dict[str, tuple[str, str, bytes, str, str, str]] = {
    "rss": (
        RSS,
        RSS,
        sample("openai_news.rss"),
        RSS_TYPE,
        "not an RSS or Atom feed",
        "malformed or truncated XML",
    ),
    "epoch": (
        f"{ZIP}#gpqa_diamond.csv",
        ZIP,
        epoch_zip("gpqa_diamond.csv"),
        ZIP_TYPE,
        "not an Epoch AI benchmark file",
        "a damaged or truncated zip archive",
    ),
}
OtherPlay = Callable[[FakeFeeds, str, bytes, str], None]
OTHER_SOURCES: dict[str, tuple[OtherPlay, int]] = {  # the case, which reason (index above)
    "html instead of the file": (lambda fake, at, _, kind: fake.serve_plain(at, HTML, kind), 4),
    "truncated": (
        lambda fake, at, body, kind: fake.serve_plain(at, body[: len(body) // 2], kind),
        5,
    ),
    "a body cut off mid-way": (lambda fake, at, body, kind: fake.cut(at, body, kind), 0),
    "a 50 MB body": (
        lambda fake, at, _, kind: fake.huge(at, BIG, declared=False, content_type=kind),
        1,
    ),
    "a wrong content type": (lambda fake, at, body, _: fake.serve_plain(at, body, "image/png"), 2),
    "a redirect to another host": (
        lambda fake, at, _, __: fake.redirect(at, f"http://localhost:{fake.port}/elsewhere"),
        3,
    ),
    "a timeout": (lambda fake, at, _, __: fake.stall(at, 3.0), 6),
    "500s": (lambda fake, at, _, __: fake.fail(at, 500), 7),
}
COMMON_REASONS = (
    "cannot reach 127.0.0.1",
    "body over the 20.0 MB cap",
    "got image/png",
    "redirected to another host (localhost:",
)


@pytest.mark.parametrize("kind", list(OTHER_KINDS))
@pytest.mark.parametrize("case", list(OTHER_SOURCES))
async def test_a_bad_rss_or_epoch_source_marks_the_feed_failing_and_writes_nothing(
    feeds: Feeds, case: str, kind: str
) -> None:
    url, at, body, content_type, html_reason, truncated_reason = OTHER_KINDS[kind]
    play, which = OTHER_SOURCES[case]
    reasons = (
        *COMMON_REASONS,
        html_reason,
        truncated_reason,
        "no answer within 0.5 s",
        "HTTP 500 Internal Server Error",
    )
    await feeds.add("bad-feed", kind, url)
    play(feeds.fake, at, body, content_type)
    before = await snapshot(feeds.db)
    [result] = await feeds.poll()
    assert result.outcome == "failed" and reasons[which] in (result.error or ""), result
    assert without_feeds(await snapshot(feeds.db)) == without_feeds(before)
    assert reasons[which] in (await feeds.ask("/admin feed list")).plain_text()
    assert "Nothing to review." in (await feeds.ask("/admin review")).plain_text()


async def test_an_rss_feed_of_10000_items_is_refused_whole(feeds: Feeds) -> None:
    feeds.fake.serve(RSS, many_rss(10_000), RSS_TYPE)
    await feeds.add("flood", "rss", RSS)
    before = await snapshot(feeds.db)
    [result] = await feeds.poll()
    assert result.outcome == "failed", result
    assert "lists 10,000 items; at most 5,000 are read" in (result.error or "")
    assert without_feeds(await snapshot(feeds.db)) == without_feeds(before)


async def test_a_failing_feed_never_blocks_the_others_and_logs_once_a_streak(
    feeds: Feeds, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.fake.fail("/broken", 503)
    feeds.fake.serve("/news.rss", sample("openai_news.rss"), "application/rss+xml")
    await feeds.add("broken", "rss", "/broken")
    await feeds.add("openai-news", "rss", "/news.rss")
    caplog.set_level(logging.INFO, logger="commands.feeds.sync")
    results = {r.feed: r for r in await feeds.poll()}
    assert results["broken"].outcome == "failed" and results["openai-news"].outcome == "changed"
    for _ in range(3):  # the streak goes on: each poll later than the last (backoff)
        await feeds.poll()
        await feeds.poll()
    lines = [r.getMessage() for r in caplog.records if "broken" in r.getMessage()]
    assert lines == ["feed broken is failing: HTTP 503 Service Unavailable (retried with backoff)"]
    listing = (await feeds.ask("/admin feed list")).plain_text()
    assert "failing ×" in listing and "openai-news" in listing

    feeds.fake.serve("/broken", sample("openai_news.rss"), "application/rss+xml")
    for _ in range(6):  # the backoff has grown past a day and a half: poll until it is due
        if any(r.feed == "broken" for r in await feeds.poll()):
            break
    lines = [r.getMessage() for r in caplog.records if "broken" in r.getMessage()]
    assert len(lines) == 2 and lines[1].startswith("feed broken works again after")


async def test_backoff_doubles_and_is_jittered(feeds: Feeds) -> None:
    feeds.fake.fail("/broken", 500)
    await feeds.add("broken", "rss", "/broken")
    gaps = []
    for _ in range(4):
        [result] = await feeds.worker.run_due()  # due now: added, or its retry time came
        assert result.outcome == "failed"
        feed = await feeds.feed("broken")
        assert feed.next_run_at is not None
        gaps.append((feed.next_run_at - feeds.clock.now()).total_seconds() / 3600)
        feeds.clock.set(feed.next_run_at)
    for gap, hours in zip(gaps, (2, 4, 8, 16), strict=True):  # ±10% jitter on each
        assert hours * 0.9 <= gap <= hours * 1.1, gaps
