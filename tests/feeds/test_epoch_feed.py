"""Epoch AI feeds: trusted, applied through the import path as feed:NAME, idempotent, undoable."""

from __future__ import annotations

import pytest

from commands.core.errors import UserError
from commands.imports.pipeline import import_file
from tests.support.database import snapshot
from tests.support.fakes.feeds import SAMPLES, epoch_zip
from tests.support.feeds_world import Feeds
from tests.support.tables import audit_entries
from tests.support.world import NOW

ZIP = "/data/benchmark_data.zip"
ECI = "data/benchmark_data.zip#epoch_capabilities_index.csv"


async def test_the_capabilities_index_is_imported_as_the_feed(feeds: Feeds) -> None:
    feeds.fake.serve(ZIP, epoch_zip("epoch_capabilities_index.csv"), "application/zip")
    await feeds.add("epoch-eci", "epoch", f"/{ECI}")
    [result] = await feeds.poll()
    assert result.outcome == "changed" and result.new_items == 25, result
    assert "added 25, updated 0, unchanged 0, rejected 0" in result.applied, result.applied
    race = (await feeds.ask("/race ECI")).plain_text()
    assert "Kimi K2.5 is 7.6 months behind US (o3-pro reached that score on 2025-06-10)" in race
    audit = await feeds.ask("/admin audit")
    [entry] = [row for row in audit_entries(audit) if row[1] == "feed:epoch-eci"]
    assert entry[2] == "import epoch_capabilities_index.csv"
    assert "Data: Epoch AI, CC BY 4.0" in (await feeds.ask('/model "Kimi K2.5"')).plain_text()

    # The archive changes (a new file in it) but not the ECI file: importing it again
    # writes nothing and audits nothing.
    feeds.fake.serve(
        ZIP, epoch_zip("epoch_capabilities_index.csv", "gpqa_diamond.csv"), "application/zip"
    )
    before = await snapshot(feeds.db)
    [again] = await feeds.poll()
    assert again.outcome == "changed" and again.new_items == 0
    assert "added 0, updated 0, unchanged 25" in again.applied, again.applied
    after = await snapshot(feeds.db)
    for table in ("models", "scores", "names", "audit", "events", "benchmarks"):
        assert after[table] == before[table], table

    undone = await feeds.ask(f"/admin undo {entry[0]}")
    assert not undone.is_error, undone.plain_text()
    assert "Kimi K2.5" not in (await feeds.ask("/leaderboard ECI")).plain_text()


async def test_a_hub_file_becomes_a_benchmark_in_percent(feeds: Feeds) -> None:
    feeds.fake.serve(ZIP, epoch_zip("gpqa_diamond.csv"), "application/zip")
    await feeds.add("epoch-gpqa", "epoch", "/data/benchmark_data.zip#gpqa_diamond.csv")
    [result] = await feeds.poll()
    assert result.outcome == "changed", result
    board = (await feeds.ask('/leaderboard "GPQA Diamond"')).plain_text()
    assert board.index("gpt-5.4") < board.index("claude-opus-4-6") < board.index("kimi-k2.5")
    assert "90.2" in board  # the xhigh version (0.902) is the model's score, in percent
    assert "joint-model-x" not in board  # two countries: left out, as the ECI import does
    sources = (await feeds.ask("/sources kimi-k2.5")).plain_text()
    assert "Epoch AI, Benchmarking Hub: GPQA Diamond (CC BY 4.0)" in sources
    assert "Data: Epoch AI, CC BY 4.0" in sources


async def test_an_archive_without_the_named_file_fails_the_feed(feeds: Feeds) -> None:
    feeds.fake.serve(ZIP, epoch_zip("gpqa_diamond.csv"), "application/zip")
    await feeds.add("epoch-eci", "epoch", f"/{ECI}")
    [result] = await feeds.poll()
    assert result.error == "the archive has no epoch_capabilities_index.csv"


async def test_an_epoch_feed_is_trusted_or_nothing(feeds: Feeds) -> None:
    reply = await feeds.ask(f"/admin feed add e epoch {feeds.fake.url(ZIP)} trust:review")
    assert reply.is_error and "trust:auto" in reply.plain_text()


async def test_a_hub_file_imports_by_hand_when_its_benchmark_is_named(feeds: Feeds) -> None:
    path = SAMPLES / "epoch" / "gpqa_diamond.csv"
    with pytest.raises(UserError, match='--benchmark "GPQA Diamond"'):
        await import_file(feeds.db, path, now=NOW)
    report = await import_file(feeds.db, path, benchmark="GPQA Diamond", now=NOW)
    assert report.kind == "epoch_hub" and report.written is not None
    assert "Skipped 1 row(s), made in several countries" in report.text()
