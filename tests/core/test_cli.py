"""The `racewatch` command as a newcomer runs it: exit codes, database choice, restarts."""

from pathlib import Path

import pytest

from storage.engine.db import Database
from storage.seed.load import load_seed
from tests.support.database import snapshot
from tests.support.processes import racewatch
from tests.support.world import NOW


def test_ask_prints_the_gap_and_exits_zero(tmp_path: Path) -> None:
    result = racewatch("ask", "/gap GLM-5.2 Opus-4.8", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "FrontierSWE        74.4      75.1   0.7" in result.stdout
    assert (tmp_path / "racewatch.db").exists()  # the embedded default, created on first run


def test_a_refused_command_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    result = racewatch(
        "ask", "/admin score add GLM-5.2 FrontierSWE 174 source:https://e.org", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "174 is outside" in result.stderr
    assert result.stdout == ""


def test_database_url_option_and_variable_pick_the_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chosen.db'}"
    added = racewatch(
        "--database-url",
        url,
        "ask",
        '/admin model add Kimi-K9 org:"Moonshot AI" country:CN',
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    # a second process (a restart) on the same file, chosen through the environment
    seen = racewatch("ask", "/model Kimi-K9", cwd=tmp_path, env={"RACEWATCH_DATABASE_URL": url})
    assert seen.returncode == 0 and "Moonshot AI" in seen.stdout
    assert not (tmp_path / "racewatch.db").exists()


def test_console_reads_commands_until_quit(tmp_path: Path) -> None:
    result = racewatch(
        "console", cwd=tmp_path, stdin="/model GLM-5.2\n/nosuch\n/help gap\nquit\n/race\n"
    )
    assert result.returncode == 0
    assert "Zhipu AI" in result.stdout and "/gap model_a model_b" in result.stdout
    assert "There is no command /nosuch" in result.stderr
    assert "The race" not in result.stdout  # nothing after quit runs


def test_db_upgrade(tmp_path: Path) -> None:
    result = racewatch(
        "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "db", "upgrade", cwd=tmp_path
    )
    assert result.returncode == 0 and "up to date" in result.stdout


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_unsupported_database_url_is_a_clear_error(tmp_path: Path, url: str) -> None:
    result = racewatch("--database-url", url, "ask", "/race", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "database URL" in result.stderr


async def test_loading_the_dataset_again_changes_nothing(db: Database) -> None:
    before = await snapshot(db)
    await load_seed(db, NOW)
    assert await snapshot(db) == before


def test_racewatch_alone_prints_help(tmp_path: Path) -> None:
    done = racewatch(cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        "usage: racewatch" in done.stdout
        and "ask" in done.stdout
        and "Traceback" not in done.stderr
    )


def test_invite_with_a_malformed_token_says_so(tmp_path: Path) -> None:
    done = racewatch("discord", "invite", cwd=tmp_path, env={"DISCORD_TOKEN": "not-a-token"})
    assert done.returncode == 2
    assert "DISCORD_TOKEN does not look like a bot token" in done.stderr
    assert "Traceback" not in done.stderr
    good = racewatch(
        "discord", "invite", cwd=tmp_path, env={"DISCORD_TOKEN": "MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y"}
    )
    assert good.returncode == 0 and "client_id=123456789012345678" in good.stdout
