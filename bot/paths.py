"""The shell's files and arguments checked before `racewatch import | export | backup |
restore` touch a database, so a path that cannot be used is said in words (exit 2) and
leaves nothing behind: no partial file, no database made for nothing."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

USAGE = 2  # the exit status of a path or argument that cannot be used (argparse's own)


class PathProblem(Exception):
    """A file that cannot be read or written, or an argument that is not text."""


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def writable_target(target: Path) -> None:
    """Refuse a target no file can be written at: a folder, a missing or read-only folder."""
    folder = target.parent
    if target.is_dir():
        raise PathProblem(f"cannot write {target}: it is a folder; give a file name.")
    if not folder.exists():
        raise PathProblem(f"cannot write {target}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise PathProblem(f"cannot write {target}: {folder} is not a folder.")
    try:  # the one sure test, for root and read-only mounts alike: make a file and drop it
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise PathProblem(
            f"cannot write {target}: no file can be made in {folder} ({_why(error)})."
        ) from None


def readable_file(path: Path, hint: str = "give the file itself") -> None:
    """Refuse a path that is not a file whose first bytes can be read."""
    if path.is_dir():
        raise PathProblem(f"cannot read {path}: it is a folder; {hint}.")
    try:
        with path.open("rb") as file:
            file.read(1)
    except OSError as error:
        raise PathProblem(f"cannot read {path}: {_why(error)}.") from None


def text_arguments(args: argparse.Namespace) -> None:
    """Refuse an option holding bytes that are not UTF-8 (Python hands them over as lone
    surrogates, which no database or file takes)."""
    for name, value in vars(args).items():
        if isinstance(value, str) and name not in ("command", "path"):  # a path may be bytes
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                flag = f"--{name.replace('_', '-')}"
                raise PathProblem(
                    f"{flag} contains bytes that are not UTF-8 text; retype it."
                ) from None
