"""`racewatch`: run the bot, use the console, and operate the database and platforms."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from bot import datafiles
from bot.config import Settings, SettingsError
from bot.logs import Masker, masked_url, setup_logging
from bot.mistakes import OperatorError, bad_settings, explain


class _Version(argparse.Action):
    """`--version`, reading the installed version only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import version

        print(f"racewatch {version('racewatch')}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="racewatch", description=__doc__)
    parser.add_argument(
        "--database-url",
        help="database URL (default: RACEWATCH_DATABASE_URL or sqlite:///racewatch.db)",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start every configured front end (console when none)")
    sub.add_parser("console", help="an interactive prompt; you are a curator there")
    check = sub.add_parser(
        "healthcheck", help="exit 0 if the running bot answers /healthz (for HEALTHCHECK)"
    )
    check.add_argument("--ready", action="store_true", help="ask /readyz instead")
    ask = sub.add_parser("ask", help='run one command: racewatch ask "/gap GLM-5.2 Opus-4.8"')
    ask.add_argument("line", nargs="+", help="the command, as you would type it")
    db = sub.add_parser("db", help="database operations")
    db.add_argument(
        "action",
        choices=["upgrade", "check"],
        help="upgrade: apply pending migrations; check: verify what the schema relies on",
    )
    discord = sub.add_parser("discord", help="inspect the Discord side")
    discord.add_argument("action", choices=["commands", "invite"])
    slack = sub.add_parser("slack", help="inspect the Slack side")
    slack.add_argument("action", choices=["manifest"])
    slack.add_argument("--request-url", help="HTTP mode: the public URL Slack posts commands to")
    slack.add_argument(
        "--top-level-commands",
        action="store_true",
        help="declare /gap, /race... beside /racewatch (they may clash with other apps)",
    )
    feeds = sub.add_parser("feeds", help="the public sources Racewatch polls")
    feeds.add_argument("action", choices=["list", "sync"], help="list them, or poll now")
    feeds.add_argument("name", nargs="?", help="sync: only this feed")
    datafiles.add_parsers(sub)  # import, export, backup, restore
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    if args.database_url:
        os.environ["RACEWATCH_DATABASE_URL"] = args.database_url
    return Settings()


async def _ask(settings: Settings, line: str) -> int:
    from bot.dispatcher import open_dispatcher
    from bot.platforms.console import ask

    async with open_dispatcher(settings) as dispatcher:
        return await ask(dispatcher, line)


async def _console(settings: Settings) -> int:
    from bot.dispatcher import open_dispatcher
    from bot.platforms.console import console
    from storage.restore import in_use

    with in_use(settings.database_url):  # like `racewatch run`: a restore waits for it
        async with open_dispatcher(settings) as dispatcher:
            await console(dispatcher)
    return 0


def _feeds_line(args: argparse.Namespace) -> str:
    """`racewatch feeds sync NAME` is the console's `/admin feed sync NAME`."""
    return f"/admin feed {args.action}" + (f" {args.name}" if args.name else "")


async def _upgrade(settings: Settings) -> int:
    from storage.engine.db import Database
    from storage.engine.setup import migrate

    db = Database(settings.database_url)
    try:
        await migrate(db)
    finally:
        await db.close()
    print(f"{masked_url(settings.database_url)}: up to date")
    return 0


async def _check(settings: Settings) -> int:
    from storage.check import check
    from storage.engine.db import Database
    from storage.engine.setup import migrate

    db = Database(settings.database_url)
    try:
        await migrate(db)
        async with db.read() as conn:
            problems = await check(conn)
    finally:
        await db.close()
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) found" if problems else "ok")
    return 1 if problems else 0


async def _run(settings: Settings) -> int:
    from bot.app import StartFailed, run
    from storage.backup import BackupError
    from storage.restore import in_use

    try:
        with in_use(settings.database_url):  # `racewatch restore` refuses meanwhile
            await run(settings, freeze=True)  # a process of its own: see bot/start.py
    except StartFailed as error:
        print(f"racewatch: {Masker(settings.secrets)(str(error))}", file=sys.stderr)
        return 2
    except BackupError as error:
        print(f"racewatch: {error}", file=sys.stderr)
        return 1
    return 0


def _inspect(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "discord":
        from bot.platforms.discord import inspect

        if args.action == "commands":
            print(inspect.registered_commands_json())
            return 0
        if settings.application_id is None:
            why = (
                "DISCORD_TOKEN does not look like a bot token (its first part, before the "
                "first dot, is the bot's id in base64): copy it again from the Bot page of "
                "your application, or set DISCORD_APPLICATION_ID"
                if settings.discord_token is not None
                else "set DISCORD_APPLICATION_ID (or DISCORD_TOKEN)"
            )
            print(f"racewatch: {why} to build the invite URL", file=sys.stderr)
            return 2
        print(inspect.invite_url(settings.application_id))
        return 0
    from bot.platforms.slack.manifest import manifest_yaml

    print(manifest_yaml(args.request_url, top_level=args.top_level_commands))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # `racewatch` alone: what it can do, not an argparse complaint
        _parser().print_help()
        return 0
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as error:
        print(f"racewatch: {bad_settings(error)}", file=sys.stderr)
        return 2
    level = settings.log_level if args.command == "run" else "WARNING"
    setup_logging(level, settings.log_format, settings.secrets)
    try:
        return _command(args, settings)
    except OperatorError as error:
        print(f"racewatch: {Masker(settings.secrets)(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        _quiet_stdout()
        print("racewatch: the output was closed before the end (broken pipe)", file=sys.stderr)
        return 2
    except Exception as error:
        message = explain(error, settings.database_url)
        if message is None:
            raise
        print(f"racewatch: {Masker(settings.secrets)(message)}", file=sys.stderr)
        return 2


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command in ("discord", "slack"):
        return _inspect(args, settings)
    if args.command == "healthcheck":
        from bot.health import probe

        return probe(settings, "/readyz" if args.ready else "/healthz")
    if args.command in datafiles.COMMANDS:
        return datafiles.run(args, settings)
    runners = {
        "ask": lambda: _ask(settings, " ".join(args.line)),
        "console": lambda: _console(settings),
        "db": lambda: _check(settings) if args.action == "check" else _upgrade(settings),
        "feeds": lambda: _ask(settings, _feeds_line(args)),
        "run": lambda: _run(settings),
    }
    return asyncio.run(runners[args.command]())


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
