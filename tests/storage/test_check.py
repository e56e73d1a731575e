"""`racewatch db check` finds each broken invariant, names the rows, and exits 1; else "ok"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage.check import check
from storage.engine.db import Database
from tests.support.world import Ask

BROKEN = {
    "score copy": (
        "UPDATE scores SET country = 'FR' WHERE id = 1",
        "scores carry their model's country and release date: score #1 of",
    ),
    "no current report": (
        "UPDATE scores SET is_current = 0 WHERE id = 1",
        "one current report per model and benchmark: model #",
    ),
    "stale current report": (
        "INSERT INTO scores (model_id, benchmark_id, country, released, value, reported_on,"
        " source, added_by, is_current) SELECT model_id, benchmark_id, country, released, 1,"
        " '2026-11-22', 'https://example.org/later', 'x', 0 FROM scores WHERE id = 1",
        "is current but score #",
    ),
    "dangling alias": (
        "INSERT INTO names (kind, key, label, entity_id) VALUES ('model', 'ghost', 'Ghost', 999)",
        "names and aliases: model name 'Ghost'",
    ),
    "unnamed model": (
        "DELETE FROM names WHERE kind = 'model' AND key = 'glm52'",
        "'GLM-5.2' does not answer to its name",
    ),
    "outbox of a lost event": (
        "INSERT INTO subscriptions (platform, workspace_id, channel_id, topics, filters, instant,"
        " format, digest_time, timezone, post_empty, digest_cursor, created_by, created_at)"
        " VALUES ('console', 'w', 'c', '[]', '[]', 1, 'condensed', '09:00', 'UTC', 0, 0, 'x',"
        " '2026-11-23 12:00:00');"
        "INSERT INTO deliveries (subscription_id, key, kind, event_ids, status, attempts,"
        " created_at) VALUES (1, 'change:77777', 'events', '[77777]', 'pending', 0,"
        " '2026-11-23 12:00:00')",
        "outbox rows point at live events: delivery #1 carries missing events [77777]",
    ),
}


def db_check(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setenv("RACEWATCH_DATABASE_URL", f"sqlite:///{path}")
    status = main(["db", "check"])
    return status, capsys.readouterr().out


def test_a_healthy_database_is_ok(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert db_check(db_path, monkeypatch, capsys) == (0, "ok\n")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_invariant_is_named(
    case: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sql, said = BROKEN[case]
    conn = sqlite3.connect(db_path)
    conn.executescript(sql)
    conn.close()
    status, out = db_check(db_path, monkeypatch, capsys)
    assert status == 1
    assert said in out, out
    assert out.endswith("problem(s) found\n")


async def test_the_issue_sequence_leaves_nothing_for_db_check(ask: Ask, db: Database) -> None:
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask("/admin model edit Kimi-K9 org:AcmeUS country:US released:2026-01-10")
    await ask("/admin score add Kimi-K9 PostTrainBench 40 source:https://example.org/k9")
    await ask("/admin undo 3")
    async with db.read() as conn:
        assert await check(conn) == []
