"""`racewatch import | export | backup | restore`: data in and out of files, from a shell.

Each prints what it did on stdout and exits 0, or prints why not on stderr and exits 1
(a refused import lists every rejected row and writes nothing), or 2 for a path it cannot
read or write or an option that is not text (`bot.paths`: checked first, nothing left behind).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.paths import USAGE, PathProblem, readable_file, text_arguments, writable_target

COMMANDS = ("import", "export", "backup", "restore")


def add_parsers(sub: Any) -> None:
    """The four subcommands and their options, on `racewatch`'s subparsers."""
    imp = sub.add_parser("import", help="import models and scores from a CSV or JSON file")
    imp.add_argument("file", type=Path, help="CSV or JSON (see docs/data.md), or Epoch's ECI CSV")
    imp.add_argument("--benchmark", help="the benchmark of a file with one score column (ECI)")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, leave out the rest"
    )
    imp.add_argument(
        "--no-dataset",
        action="store_true",
        help="a new database starts empty, without the bundled dataset (to load an export)",
    )
    exp = sub.add_parser("export", help="write models and scores as CSV or JSON (import format)")
    exp.add_argument("path", help="the file to write (- for standard output)")
    exp.add_argument("--format", choices=("csv", "json"), help="default: from the file name")
    exp.add_argument("--benchmark", help="only scores on this benchmark")
    exp.add_argument("--country", help="only models from this country (ISO code, e.g. CN)")
    exp.add_argument("--organization", help="only this organization's models")
    exp.add_argument("--model", help="only this model")
    exp.add_argument("--since", help="only scores reported on or after this date (2026-06-01)")
    exp.add_argument(
        "--current-only", action="store_true", help="only the current score of each pair"
    )
    back = sub.add_parser("backup", help="copy the SQLite database, even while the bot runs")
    back.add_argument("path", type=Path, help="the new file (an existing one is never replaced)")
    rest = sub.add_parser("restore", help="put a backup in place of the database (stop the bot)")
    rest.add_argument("backup", type=Path, help="a file `racewatch backup` wrote")
    rest.add_argument(
        "--resend",
        action="store_true",
        help="send again the alerts and digests owed at the backup's moment (default: not)",
    )


def _fail(message: str) -> int:
    print(f"racewatch: {message}", file=sys.stderr)
    return 1


@asynccontextmanager
async def _database(settings: Settings, with_dataset: bool = True) -> AsyncIterator[Any]:
    """The configured database, migrated (and filled when new), with the event handlers
    installed so that subscribed channels hear of an import and forecasts resolve."""
    from commands.alerts import handlers
    from commands.feeds.bundle import prepare_bundled
    from storage.engine.db import Database
    from storage.engine.setup import migrate

    db = Database(settings.database_url)
    try:
        await (prepare_bundled(db, settings.bundled) if with_dataset else migrate(db))
        handlers.install(db)
        yield db
    finally:
        await db.close()


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    from commands.core.errors import UserError
    from commands.imports.pipeline import import_file

    async with _database(settings, with_dataset=not args.no_dataset) as db:
        try:
            report = await import_file(
                db,
                args.file,
                benchmark=args.benchmark,
                skip_invalid=args.skip_invalid,
                progress=True,
            )
        except UserError as error:
            return _fail(error.message)
    text = report.text(shown=len(report.rejected))
    if report.refused:
        print(text, file=sys.stderr)
        return 1
    print(text)
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from commands.core.errors import UserError
    from commands.imports.export import ExportQuery, export_to, format_of

    query = ExportQuery(
        args.benchmark, args.country, args.organization, args.model, args.since, args.current_only
    )
    to_stdout = args.path == "-"
    target = Path(args.path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    async with _database(settings) as db:
        try:
            fmt = format_of(args.path, args.format)
            if to_stdout:
                done = await export_to(db, sys.stdout, fmt, query)
            else:
                with _open(partial) as out:
                    done = await export_to(db, out, fmt, query, progress=True)
                os.replace(partial, target)  # a reader never sees half a file
        except UserError as error:
            return _fail(error.message)
        except OSError as error:
            return _fail(f"cannot write {target}: {error.strerror}.")
        finally:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
    said = (
        f"Exported {done.rows:,} row(s): {done.models:,} model(s), {done.scores:,} score(s) "
        f"on {done.benchmarks:,} benchmark(s), as {fmt.upper()}"
    )
    print(said + ("." if to_stdout else f", to {target}."), file=sys.stderr if to_stdout else None)
    return 0


def _open(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="")


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from storage.backup import BackupError, backup

    try:
        done = backup(settings.database_url, args.path, progress=True)
    except BackupError as error:
        return _fail(str(error))
    print(f"Backed up to {done.path} ({done.bytes / 1e6:.1f} MB in {done.seconds:.1f} s).")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from storage.backup import BackupError, sqlite_path
    from storage.restore import restore

    try:
        done = restore(settings.database_url, args.backup, resend=args.resend)
        target = sqlite_path(settings.database_url)
    except BackupError as error:
        _fail(str(error))
        return USAGE if args.backup.is_dir() else 1  # a folder: a path it cannot read
    if done.saved is not None:
        print(f"Saved the database it replaced as {done.saved}.")
    print(f"Restored {args.backup} (taken {done.taken_at:%Y-%m-%d %H:%M} UTC) into {target}.")
    if done.settled:
        print(
            f"{done.settled:,} message(s) owed at that moment will not be sent (they most likely "
            "went out since; `racewatch restore --resend` sends them)."
        )
    print("Start the bot again: racewatch run")
    return 0


def _usable(args: argparse.Namespace) -> None:
    """Refuse the paths and options the command cannot use before any database is opened."""
    text_arguments(args)
    if args.command == "import":
        readable_file(args.file)
    elif args.command == "restore":
        if not args.backup.is_dir():  # a folder: `restore` names the backups in it
            readable_file(args.backup)
    elif args.command == "backup" or args.path != "-":
        writable_target(Path(args.path))


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one of `COMMANDS`; its exit status."""
    import asyncio

    try:
        _usable(args)
    except PathProblem as error:
        _fail(str(error))
        return USAGE
    if args.command == "backup":
        return _backup(settings, args)
    if args.command == "restore":
        return _restore(settings, args)
    runner = _import if args.command == "import" else _export
    return asyncio.run(runner(settings, args))
