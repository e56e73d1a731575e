"""`racewatch restore`: put a backup in place of the SQLite database, without replaying it.

Refused while a bot uses the database (`in_use`: `racewatch run` holds a shared lock on a
file beside it, a restore needs it alone) and for a backup of a schema newer than the code.
The database is moved aside without being read (it may be empty or damaged), the backup is
copied beside it, the messages the outbox owed at the backup's moment are settled as not
sent (they most likely went out since; `resend` keeps them owed), and only then does the
copy take the database's name: a bot never sees a half-restored file.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.backup import MOMENT, BackupError, check_database, connect, sqlite_path

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a timestamp in SQLite


def _lock_file(url: str) -> Path | None:
    """The file a running bot locks beside its SQLite database (None: not a SQLite file)."""
    try:
        path = sqlite_path(url)
    except BackupError:
        return None
    return path.with_name(path.name + ".lock")


@contextmanager
def in_use(url: str) -> Iterator[None]:
    """Mark the database as used by this process (`racewatch run`) while the block runs.

    A shared lock (several bots may share a database); a restore takes it exclusively."""
    path = _lock_file(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"A restore into {path.with_suffix('')} is under way: start when it is done."
            ) from None
        yield


@contextmanager
def _alone(url: str, target: Path) -> Iterator[None]:
    """Hold the database's lock exclusively: no bot uses it, none starts meanwhile."""
    path = _lock_file(url)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"A Racewatch bot is using {target} (it holds {path.name}): stop it first; "
                "what it wrote during the restore would be in neither file."
            ) from None
        yield


@dataclass(frozen=True)
class Restored:
    saved: Path | None  # where the replaced database went (None: there was none)
    taken_at: datetime  # the backup's moment
    settled: int  # messages owed at that moment, marked not sent (0 with resend)


def _backup_file(path: Path) -> None:
    """Refuse what is not a backup file, saying what it is instead."""
    if path.is_dir():
        files = sorted(path.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
        hint = f", e.g. {files[0]}" if files else ""
        raise BackupError(
            f"{path} is a folder: give the backup file itself (the one `racewatch backup` "
            f"wrote){hint}."
        )
    if not path.exists():
        raise BackupError(f"There is no backup file at {path}.")
    check_database(path)


def _revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _check_schema(path: Path) -> None:
    """Refuse a backup whose schema this code does not know (a newer Racewatch wrote it)."""
    from alembic.script import ScriptDirectory

    from storage.engine.setup import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    known = {r.revision for r in script.walk_revisions()}
    theirs, head = _revision(path), script.get_current_head()
    if theirs is not None and theirs not in known:
        raise BackupError(
            f"{path} has schema revision {theirs}, newer than this Racewatch knows (its "
            f"newest is {head}): upgrade Racewatch first, then restore it."
        )


def _moment(conn: sqlite3.Connection, backup_file: Path) -> datetime:
    """When the backup was taken: recorded inside it, else its file's time."""
    try:
        row = conn.execute(f"SELECT taken_at FROM {MOMENT}").fetchone()
        conn.execute(f"DROP TABLE {MOMENT}")
    except sqlite3.OperationalError:  # a backup from before backups said when
        row = None
    if row is not None:
        return datetime.fromisoformat(row[0]).astimezone(UTC)
    return datetime.fromtimestamp(backup_file.stat().st_mtime, UTC)


def _settle(conn: sqlite3.Connection, taken_at: datetime, now: datetime, resend: bool) -> int:
    """Messages owed at the backup's moment are not sent again (unless `resend`), and no
    digest period that ended before the restore is planned again."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "deliveries" not in tables:
        return 0
    if resend:  # the worker that held a row being sent is gone: owe it again at once
        conn.execute(
            "UPDATE deliveries SET status = 'pending', lease_until = NULL, claimed_by = NULL "
            "WHERE status = 'sending'"
        )
        return 0
    said = f"not sent: restored from a backup of {taken_at:%Y-%m-%d %H:%M} UTC"
    settled = conn.execute(
        "UPDATE deliveries SET status = 'skipped', last_error = ?, lease_until = NULL, "
        "claimed_by = NULL WHERE status IN ('pending', 'sending')",
        (said,),
    ).rowcount
    stamp = now.astimezone(UTC).strftime(SQLITE_TIME)
    conn.execute(
        "UPDATE subscriptions SET digest_through = ? WHERE digest IS NOT NULL "
        "AND (digest_through IS NULL OR digest_through < ?)",
        (stamp, stamp),
    )
    return int(settled)


def _move_aside(target: Path, stamp: str) -> Path | None:
    """Rename the database and its companions without reading them (it may be empty or
    damaged); a left-over write-ahead log would otherwise be replayed into the restored file.
    Returns the database's new name (None: there was no database)."""
    saved = target.with_name(f"{target.name}.before-restore-{stamp}")
    existed = target.exists()
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = target.with_name(target.name + suffix)
        if path.exists():
            path.rename(saved.with_name(saved.name + suffix))
    return saved if existed else None


def restore(
    url: str, backup_file: Path, now: datetime | None = None, *, resend: bool = False
) -> Restored:
    """Put `backup_file` in place of the database at `url`; what was there is moved aside."""
    target = sqlite_path(url)
    _backup_file(backup_file)
    if target.exists() and target.resolve() == backup_file.resolve():
        raise BackupError(f"{backup_file} is the database itself.")
    _check_schema(backup_file)
    now = now or datetime.now(UTC)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    with _alone(url, target):
        source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
        destination = connect(partial)
        try:
            source.backup(destination)  # every page, into a new file beside the database
            taken_at = _moment(destination, backup_file)
            settled = _settle(destination, taken_at, now, resend)
        except sqlite3.Error as error:
            destination.close()
            partial.unlink(missing_ok=True)
            raise BackupError(f"The restore failed: {error}.") from None
        finally:
            source.close()
            destination.close()
        saved = _move_aside(target, now.strftime("%Y%m%d-%H%M%S"))
        os.replace(partial, target)
    return Restored(saved, taken_at, settled)
