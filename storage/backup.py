"""`racewatch backup` and `restore`: a consistent copy of the SQLite database, taken while
the bot runs, and putting one back.

A backup is `VACUUM INTO` a temporary file beside the target: one read transaction, so the
copy is the database as of one moment even while the bot writes (WAL lets the writer go
on). The finished copy is checked, then linked to its name, which never replaces a file.
The copy records its moment (table `racewatch_backup`), which a restore reads back
(`storage.restore`). PostgreSQL has its own tools: the messages say which.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

BUSY_MS = 30_000  # wait this long for a writer's lock before giving up
PROGRESS_FROM = 100 * 1024 * 1024  # bytes: smaller databases copy in about a second
MOMENT = "racewatch_backup"  # the table inside a backup saying when it was taken
PG_BACKUP = (
    "PostgreSQL is backed up with its own tools: "
    "pg_dump --format=custom --file=racewatch.dump 'URL' (restore: pg_restore --clean "
    "--dbname='URL' racewatch.dump). `racewatch backup` copies the embedded SQLite file."
)


class BackupError(Exception):
    """Something the operator can fix; the message says what."""


@dataclass(frozen=True)
class Copied:
    path: Path
    bytes: int
    seconds: float


def sqlite_path(url: str) -> Path:
    """The file behind a `sqlite:///PATH` URL; a PostgreSQL URL is told to use pg_dump."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BackupError(f"{url!r} is not a database URL.") from None
    if parsed.drivername.startswith("postgresql"):
        raise BackupError(PG_BACKUP)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        raise BackupError(f"{url!r} is not a SQLite file: nothing to copy.")
    return Path(parsed.database)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


def check_database(path: Path) -> None:
    """Refuse a file that is not a healthy Racewatch database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            health = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from None
    if health != "ok":
        raise BackupError(f"{path} is damaged: SQLite's check says {health!r}.")
    if not {"models", "scores", "alembic_version"} <= tables:
        raise BackupError(f"{path} is a SQLite file but not a Racewatch database.")


def _watch(partial: Path, total: int) -> tuple[Callable[[], int], Callable[[], None]]:
    """A progress handler showing the copy's size, and a function closing the bar."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="B", unit_scale=True, desc="backing up", disable=None)

    def handler() -> int:
        if partial.exists():
            bar.update(max(0, min(total, partial.stat().st_size) - bar.n))
        return 0  # go on

    return handler, bar.close


def backup(url: str, target: Path, progress: bool = False, now: datetime | None = None) -> Copied:
    """Copy the database at `url` to `target`, a file that must not exist yet."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    if target.exists():
        raise BackupError(f"{target} already exists: I never overwrite a file. Pick a new name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    started = time.perf_counter()
    conn = connect(source)
    close_bar: Callable[[], None] = lambda: None  # noqa: E731
    try:
        size = source.stat().st_size
        if progress and size >= PROGRESS_FROM:
            handler, close_bar = _watch(partial, size)
            conn.set_progress_handler(handler, 100_000)
        moment = now or datetime.now(UTC)
        conn.execute("VACUUM INTO ?", (str(partial),))
        close_bar()
        check_database(partial)
        _record_moment(partial, moment)
        try:
            os.link(partial, target)  # fails if the name was taken meanwhile
        except FileExistsError:
            raise BackupError(f"{target} appeared meanwhile: I never overwrite a file.") from None
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed: {error}.") from None
    finally:
        close_bar()
        conn.close()
        partial.unlink(missing_ok=True)
    return Copied(target, target.stat().st_size, time.perf_counter() - started)


def _record_moment(path: Path, moment: datetime) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"CREATE TABLE {MOMENT} (taken_at TEXT NOT NULL)")
        conn.execute(f"INSERT INTO {MOMENT} VALUES (?)", (moment.astimezone(UTC).isoformat(),))
    finally:
        conn.close()
