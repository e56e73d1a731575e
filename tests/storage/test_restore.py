"""Restore where it is most needed: over an empty, damaged or missing database; refused for a
newer schema, a folder, or while a bot uses the database; the outbox is not replayed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.backup import BackupError, backup
from storage.engine.db import Database
from storage.engine.setup import alembic_config
from storage.restore import in_use, restore
from tests.support.world import MEMBER, NOW


async def race(url: str) -> str:
    db = Database(url)
    try:
        return (await Dispatcher(db, FixedClock(NOW)).run_line("/race", MEMBER)).plain_text()
    finally:
        await db.close()


@pytest.fixture
def saved(db_path: Path, tmp_path: Path) -> Path:
    """A backup of the seeded database."""
    target = tmp_path / "backups" / "saved.db"
    target.parent.mkdir()
    backup(f"sqlite:///{db_path}", target, now=NOW)
    return target


@pytest.mark.parametrize("before", [b"", b"\x00garbage that is no database\xff" * 300])
async def test_restore_over_an_empty_or_damaged_file_moves_it_aside_unread(
    before: bytes, saved: Path, tmp_path: Path
) -> None:
    path = tmp_path / "live" / "racewatch.db"
    path.parent.mkdir()
    path.write_bytes(before)
    path.with_name(path.name + "-wal").write_bytes(b"a stale log")
    done = restore(f"sqlite:///{path}", saved, now=NOW)
    assert done.saved is not None and done.saved.read_bytes() == before
    assert done.saved.with_name(done.saved.name + "-wal").read_bytes() == b"a stale log"
    assert done.taken_at == NOW
    assert "FrontierSWE" in await race(f"sqlite:///{path}")


async def test_restore_into_a_missing_folder_and_file(saved: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/place/racewatch.db"
    assert restore(url, saved).saved is None
    assert "FrontierSWE" in await race(url)


def test_a_backup_of_a_newer_schema_is_refused_naming_both_revisions(
    saved: Path, db_path: Path
) -> None:
    conn = sqlite3.connect(saved)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with pytest.raises(BackupError) as refused:
        restore(f"sqlite:///{db_path}", saved)
    said = str(refused.value)
    assert "schema revision 0099, newer than this Racewatch knows" in said
    assert f"its newest is {head}" in said
    assert db_path.read_bytes() == before


def test_a_folder_is_refused_with_the_file_to_give(saved: Path, db_path: Path) -> None:
    with pytest.raises(BackupError) as refused:
        restore(f"sqlite:///{db_path}", saved.parent)
    assert str(refused.value) == (
        f"{saved.parent} is a folder: give the backup file itself (the one `racewatch backup` "
        f"wrote), e.g. {saved}."
    )


def test_restore_is_refused_while_a_bot_holds_the_database(saved: Path, db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    before = db_path.read_bytes()
    with in_use(url), pytest.raises(BackupError, match="A Racewatch bot is using"):
        restore(url, saved)
    assert db_path.read_bytes() == before
    assert restore(url, saved).saved is not None  # the bot stopped: now it may


def test_racewatch_console_holds_the_database_until_it_stops(saved: Path, db_path: Path) -> None:
    """The real command: `racewatch console` on stdin holds it as `racewatch run` does (which,
    with no tokens and no terminal, exits 2 saying what to set)."""
    url = f"sqlite:///{db_path}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "RACEWATCH_"))
    }
    with subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--database-url", url, "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env | {"PYTHONPATH": str(Path.cwd()), "PYTHONUNBUFFERED": "1"},
    ) as bot:
        try:
            assert bot.stdout is not None and bot.stdin is not None
            while "Racewatch console" not in bot.stdout.readline():
                assert bot.poll() is None, "racewatch run ended early"
            with pytest.raises(BackupError, match="A Racewatch bot is using"):
                restore(url, saved)
            bot.stdin.close()
            assert bot.wait(timeout=60) == 0
        finally:
            bot.kill()
    assert restore(url, saved).saved is not None
