"""Paths `racewatch export | backup | import | restore` cannot use: a clear message, exit 2,
nothing left behind (no partial file, no new database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.processes import racewatch

ROOT = os.geteuid() == 0  # root writes and reads through file permissions


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be made in (sysfs refuses even root)."""
    if ROOT:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def unreadable_file(tmp_path: Path) -> Path:
    """A file that exists but cannot be read (reading a process's memory at 0 fails)."""
    if ROOT:
        return Path("/proc/self/mem")
    path = tmp_path / "secret.db"
    path.write_text("x")
    path.chmod(0)
    return path


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def refused(done: object, said: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)  # type: ignore[attr-defined]
    err: str = done.stderr  # type: ignore[attr-defined]
    assert said in err and "Traceback" not in err, err
    assert err.startswith("racewatch: ") and err.count("\n") == 1, err


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "a-file").write_text("not a folder")
    return folder


def test_export_where_no_file_can_be_written(db_path: Path, work: Path) -> None:
    url = f"sqlite:///{db_path}"
    before = files(work)
    (work / "folder").mkdir()
    targets = {
        "/nonexistent/dir/x.csv": "cannot write /nonexistent/dir/x.csv: the folder "
        "/nonexistent/dir does not exist",
        "a-file/x.csv": "cannot write a-file/x.csv: a-file is not a folder",
        f"{unwritable_folder(work.parent)}/x.csv": "cannot write",
        "folder": "cannot write folder: it is a folder; give a file name",
    }
    for target, said in targets.items():
        refused(racewatch("--database-url", url, "export", target, cwd=work), said)
    assert files(work) == before | {"folder"}


def test_backup_where_no_file_can_be_written(db_path: Path, work: Path) -> None:
    url = f"sqlite:///{db_path}"
    before = files(work)
    folder = unwritable_folder(work.parent)
    refused(
        racewatch("--database-url", url, "backup", f"{folder}/b.db", cwd=work),
        f"cannot write {folder}/b.db: no file can be made in {folder} (",
    )
    refused(
        racewatch("--database-url", url, "backup", "a-file/b.db", cwd=work),
        "cannot write a-file/b.db: a-file is not a folder",
    )
    assert files(work) == before


async def test_import_or_restore_of_what_cannot_be_read(db_path: Path, work: Path) -> None:
    new = f"sqlite:///{work / 'new.db'}"
    before = files(work)
    (work / "folder").mkdir()
    secret = unreadable_file(work)
    for path, said in (
        ("folder", "cannot read folder: it is a folder; give the file itself"),
        (str(secret), f"cannot read {secret}: "),
        ("nowhere.csv", "cannot read nowhere.csv: No such file or directory"),
    ):
        refused(racewatch("--database-url", new, "import", path, cwd=work), said)
    assert files(work) - {"secret.db"} == before | {"folder"}  # no new database either
    db = Database(f"sqlite:///{db_path}")
    try:
        kept = await snapshot(db)
    finally:
        await db.close()
    url = f"sqlite:///{db_path}"
    refused(
        racewatch("--database-url", url, "restore", str(secret), cwd=work),
        f"cannot read {secret}: ",
    )
    db = Database(url)
    try:
        assert await snapshot(db) == kept
    finally:
        await db.close()
    assert not [p for p in db_path.parent.iterdir() if "before-restore" in p.name]


def test_arguments_that_are_not_text_are_refused(db_path: Path, work: Path) -> None:
    before = files(work)
    url = f"sqlite:///{db_path}"
    # an argument with a byte that is not UTF-8 reaches Python as a lone surrogate
    done = racewatch("--database-url", url, "export", "-", "--model", "K\udcff", cwd=work)
    refused(done, "--model contains bytes that are not UTF-8 text; retype it")
    done = racewatch("--database-url", url, "import", "x.csv", "--benchmark", "\udcff", cwd=work)
    refused(done, "--benchmark contains bytes that are not UTF-8 text; retype it")
    assert files(work) == before
