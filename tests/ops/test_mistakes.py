"""Each operator mistake the issue lists: exit 2, a sentence saying what to fix, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.operator import assert_operator_error, clean_env, free_port, racewatch

PG_URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL") or None


def test_a_start_with_no_platform_and_no_terminal_says_what_to_set(tmp_path: Path) -> None:
    result = racewatch("run", cwd=tmp_path, stdin="")
    assert_operator_error(result, "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    assert "console" not in result.stdout  # no banner
    assert not (tmp_path / "racewatch.db").exists()  # nothing was started


def test_a_slack_bot_token_alone_says_which_other_token_is_missing(tmp_path: Path) -> None:
    result = racewatch("run", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1-2-abc")
    assert_operator_error(result, "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
    assert "xoxb-1-2-abc" not in result.stderr


def test_the_readme_placeholder_copied_into_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=...\n"
        "DISCORD_DEV_GUILD_ID=...      # optional: register commands in one server, instantly\n"
    )
    result = racewatch("ask", "/race", cwd=tmp_path)
    assert_operator_error(result, "DISCORD_DEV_GUILD_ID", "placeholder", "DISCORD_TOKEN")
    assert "pydantic" not in result.stderr  # the library's advert says nothing to an operator


@pytest.mark.parametrize("level", ["info", "Warning", " debug "])
def test_log_levels_in_any_case(tmp_path: Path, level: str) -> None:
    result = racewatch("ask", "/race", cwd=tmp_path, RACEWATCH_LOG_LEVEL=level)
    assert result.returncode == 0, result.stderr


def test_an_unknown_log_level_names_the_known_ones(tmp_path: Path) -> None:
    result = racewatch("ask", "/race", cwd=tmp_path, RACEWATCH_LOG_LEVEL="verbose")
    assert_operator_error(result, "RACEWATCH_LOG_LEVEL", "VERBOSE", "DEBUG, INFO, WARNING")


def test_an_unknown_log_format(tmp_path: Path) -> None:
    result = racewatch("ask", "/race", cwd=tmp_path, RACEWATCH_LOG_FORMAT="xml")
    assert_operator_error(result, "RACEWATCH_LOG_FORMAT", "json")


def test_an_unreachable_database_hides_its_password(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://racewatch:s3cret-pw@127.0.0.1:{port}/racewatch"
    for args in (("ask", "/race"), ("db", "upgrade")):
        result = racewatch("--database-url", url, *args, cwd=tmp_path)
        assert_operator_error(result, "cannot open the database", f"127.0.0.1:{port}")
        assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.skipif(PG_URL is None, reason="set RACEWATCH_TEST_POSTGRES_URL to a PostgreSQL")
def test_a_wrong_database_password(tmp_path: Path) -> None:
    assert PG_URL is not None
    url = PG_URL.replace("://racewatch:racewatch@", "://racewatch:not-the-pw@")
    result = racewatch("--database-url", url, "ask", "/race", cwd=tmp_path)
    assert_operator_error(result, "password authentication failed")
    assert "not-the-pw" not in result.stderr


@pytest.mark.skipif(PG_URL is None, reason="set RACEWATCH_TEST_POSTGRES_URL to a PostgreSQL")
def test_db_upgrade_does_not_print_the_password(tmp_path: Path) -> None:
    assert PG_URL is not None
    result = racewatch("--database-url", PG_URL, "db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert ":racewatch@" not in result.stdout and "***" in result.stdout


def test_the_health_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = racewatch(
            "run",
            cwd=tmp_path,
            DISCORD_TOKEN="MTIz.abc.def",
            DISCORD_API_BASE_URL=f"http://127.0.0.1:{free_port()}/api/v10",
            RACEWATCH_HEALTH_HOST="127.0.0.1",
            RACEWATCH_HEALTH_PORT=str(port),
        )
    assert_operator_error(result, f"port {port}", "RACEWATCH_HEALTH_PORT")
    assert "MTIz.abc.def" not in result.stderr


@pytest.mark.parametrize("args", [("discord", "commands"), ("slack", "manifest")])
def test_output_piped_into_a_reader_that_stops_early(tmp_path: Path, args: tuple[str, ...]) -> None:
    """`racewatch discord commands | head -1`: the reader is gone before the first write."""
    reader, writer = os.pipe()
    os.close(reader)  # as `head` does once it has its line
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=clean_env(),
        )
    finally:
        os.close(writer)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "broken pipe" in result.stderr


def test_version(tmp_path: Path) -> None:
    result = racewatch("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("racewatch 0.")
