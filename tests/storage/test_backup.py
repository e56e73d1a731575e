"""Backups: a consistent copy while writes go on, never over a file, and restore gives the
database back as it was (the same /race)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.imports.pipeline import import_bytes
from storage.backup import BackupError, backup, check_database
from storage.engine.db import Database
from storage.restore import restore
from tests.support.database import wipe
from tests.support.world import MEMBER, NOW

BATCH = 20  # models (each with one score) per writing transaction
HEADER = "model,organization,country,release_date,benchmark,score,source\n"


def batch_file(start: int) -> bytes:
    rows = (
        f"W-{i},Writer Lab,US,2026-01-01,FrontierSWE,{(i * 7) % 40 + 55}.5,https://example.org/w{i}\n"
        for i in range(start, start + BATCH)
    )
    return (HEADER + "".join(rows)).encode()


def counts(path: Path) -> tuple[int, int, int, int]:
    """The writer's models, scores, events and audit entries as the file has them."""
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(query).fetchone()[0]
            for query in (
                "SELECT count(*) FROM models WHERE name LIKE 'W-%'",
                "SELECT count(*) FROM scores JOIN models m ON m.id = model_id "
                "WHERE m.name LIKE 'W-%'",
                "SELECT count(*) FROM events WHERE kind = 'release' AND model LIKE 'W-%'",
                "SELECT count(*) FROM audit WHERE action LIKE 'import batch-%'",
            )
        )
    finally:
        conn.close()


async def race(db: Database) -> str:
    return (await Dispatcher(db, FixedClock(NOW)).run_line("/race", MEMBER)).plain_text()


async def test_a_backup_taken_while_a_task_writes_is_one_moment(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    written = 0
    stop, warmed_up = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            report = await import_bytes(db, f"batch-{written}.csv", batch_file(written), now=NOW)
            assert report.written is not None, report.text()
            written += BATCH
            if written >= 3 * BATCH:  # a few batches before the first backup
                warmed_up.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    overlapped = attempt = 0
    try:
        await warmed_up.wait()
        # A copy takes milliseconds: a few may fall between two commits, so copy until
        # several overlapped a commit (each copy is checked either way).
        while overlapped < 3 and attempt < 60:
            attempt += 1
            before = written
            target = tmp_path / f"backup-{attempt}.db"
            await asyncio.to_thread(backup, db.url, target)
            overlapped += written > before  # the writer committed while the copy ran
            check_database(target)  # SQLite's own check, and the tables are there
            models, scores, events, entries = counts(target)
            # Each transaction adds BATCH models, their scores and events and one audit
            # entry: a copy of one moment holds whole transactions only.
            assert models == scores == events == entries * BATCH, (models, scores, events)
            assert before <= models
    finally:
        stop.set()
        await task
    assert overlapped == 3, "the writer rarely wrote during a backup: the test proved little"


async def test_backup_wipe_restore_gives_the_same_race(db_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    db = Database(url)
    await import_bytes(db, "more.csv", batch_file(0), now=NOW)
    before = await race(db)
    assert "W-17" in before  # the import took the FrontierSWE lead: not the seed's answer
    target = tmp_path / "saved.db"
    done = backup(url, target)
    assert done.path == target and done.bytes > 0
    await db.close()
    wipe(db_path)
    assert restore(url, target).saved is None  # nothing was there to save first
    db = Database(url)
    try:
        assert await race(db) == before
    finally:
        await db.close()


async def test_restore_keeps_what_it_replaces(db: Database, db_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    original = await race(db)
    backup(url, tmp_path / "old.db")
    report = await import_bytes(db, "more.csv", batch_file(0), now=NOW)
    assert report.written is not None
    assert await race(db) != original
    await db.close()
    saved = restore(url, tmp_path / "old.db").saved
    assert saved is not None and saved.name.startswith(f"{db_path.name}.before-restore-")
    assert counts(saved)[0] == BATCH  # the replaced database, the import included
    assert counts(db_path)[0] == 0
    again = Database(url)
    try:
        assert await race(again) == original
    finally:
        await again.close()


def test_a_backup_never_overwrites_a_file(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.db"
    target.write_text("keep me")
    with pytest.raises(BackupError, match="already exists: I never overwrite"):
        backup(f"sqlite:///{db_path}", target)
    assert target.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://racewatch@localhost/racewatch", "pg_dump"),
        ("sqlite:///:memory:", "not a SQLite file"),
        ("sqlite:///{tmp}/missing.db", "There is no database at"),
    ],
)
def test_what_cannot_be_backed_up_says_why(url: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=message):
        backup(url.format(tmp=tmp_path), tmp_path / "out.db")


def test_restore_refuses_a_file_that_is_not_a_racewatch_backup(
    db_path: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just text " * 200)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = db_path.read_bytes()
    with pytest.raises(BackupError, match="not a SQLite database"):
        restore(f"sqlite:///{db_path}", text)
    with pytest.raises(BackupError, match="not a Racewatch database"):
        restore(f"sqlite:///{db_path}", other)
    with pytest.raises(BackupError, match="There is no backup file at"):
        restore(f"sqlite:///{db_path}", tmp_path / "nowhere.db")
    assert db_path.read_bytes() == before
