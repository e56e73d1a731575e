"""SWE-bench's bash-only board: trusted scores through the import path, new entries once."""

from __future__ import annotations

import json
import re

from tests.support.database import snapshot
from tests.support.fakes.feeds import sample
from tests.support.feeds_world import Feeds
from tests.support.tables import audit_entries

LB = "/SWE-bench/swe-bench.github.io/master/data/leaderboards.json"
TEXT = "text/plain"  # what raw.githubusercontent.com answers (with charset=utf-8)


async def test_the_bash_only_board_is_imported_and_a_new_entry_arrives_once(
    feeds: Feeds,
) -> None:
    board = json.loads(sample("swebench_leaderboards.json"))
    feeds.fake.serve(LB, json.dumps(board).encode(), TEXT)
    await feeds.add("swe-bench", "swebench", LB)
    [first] = await feeds.poll()
    assert first.outcome == "changed" and first.new_items == 6, first
    # Llama 4 Maverick's lab ("Meta") is not one Racewatch can place: skipped, said
    assert "added 5, updated 0, unchanged 0, rejected 1" in first.applied, first.applied
    assert first.applied_items == 5  # rows the import wrote
    table = (await feeds.ask('/leaderboard "SWE-bench Bash Only"')).plain_text()
    assert table.index("Claude 4 Sonnet") < table.index("o3") < table.index("GPT-4.1")
    assert "64.93" in table and re.search(r"Alibaba +CN", table)  # Org: Qwen is Alibaba's hub name
    assert "SWE-agent 1.0" not in table and "33.83" not in table  # the Test board: agents
    card = (await feeds.ask("/model o3")).plain_text()
    assert "o3 (OpenAI, US)" in card and "2025-04-16" in card
    qwen = (await feeds.ask('/model "Qwen3-Coder 480B/A35B Instruct"')).plain_text()
    assert "Alibaba" in qwen and "https://www.swebench.com/" in qwen
    audit = await feeds.ask("/admin audit")
    assert any(row[1] == "feed:swe-bench" for row in audit_entries(audit))

    entry = dict(board["leaderboards"][1]["results"][1])
    entry |= {"name": "GPT-5 (2025-08-07)", "resolved": 65.0, "date": "2025-08-08"}
    entry["tags"] = ["Org: OpenAI", "Model: gpt-5-20250807", "System: Attempts - 1"]
    board["leaderboards"][1]["results"].insert(0, entry)
    feeds.fake.serve(LB, json.dumps(board).encode(), TEXT)
    [second] = await feeds.poll()
    assert second.outcome == "changed" and second.new_items == 1, second
    assert "added 1, updated 0, unchanged 5" in second.applied, second.applied
    assert "GPT-5" in (await feeds.ask('/leaderboard "SWE-bench Bash Only"')).plain_text()

    before = await snapshot(feeds.db)
    hits = feeds.fake.hits[LB]
    [third] = await feeds.poll()
    assert third.outcome == "unchanged" and feeds.fake.hits[LB] == hits + 1
    after = await snapshot(feeds.db)
    assert {k: v for k, v in after.items() if k != "feeds"} == {
        k: v for k, v in before.items() if k != "feeds"
    }


async def test_a_board_that_is_not_there_fails_the_feed(feeds: Feeds) -> None:
    feeds.fake.serve(LB, sample("swebench_leaderboards.json"), TEXT)
    await feeds.add("swe-bench-x", "swebench", f"{LB}#multimodal")
    [result] = await feeds.poll()
    assert (
        result.outcome == "failed"
        and result.error == "no board named multimodal in leaderboards.json"
    )


async def test_a_swebench_feed_is_trusted_or_nothing(feeds: Feeds) -> None:
    reply = await feeds.ask(f"/admin feed add s swebench {feeds.fake.url(LB)} trust:review")
    assert reply.is_error and "trust:auto" in reply.plain_text()
