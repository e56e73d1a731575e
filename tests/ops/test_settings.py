"""Settings as an operator writes them: the environment, a `.env` file, or both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError
from bot.mistakes import bad_settings

OURS = ("RACEWATCH_", "DISCORD_", "SLACK_", "DATABASE_URL")


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of ours from the test process, and a directory with no `.env`."""
    import os

    for name in list(os.environ):
        if name.upper().startswith(OURS):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def refused(**env: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with pytest.raises(SettingsError) as error:
            Settings()
    return bad_settings(error.value)


def test_defaults_with_nothing_set() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite:///racewatch.db"
    assert (settings.log_level, settings.log_format, settings.health_port) == ("INFO", "text", 8080)
    assert settings.feeds_on and not settings.has_discord and not settings.has_slack
    assert settings.secrets == []


def test_the_environment_wins_over_env_and_names_are_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path(".env").write_text(
        "DISCORD_TOKEN=from-file\n"
        "export slack_bot_token='xoxb-quoted'  # a comment\n"
        'SLACK_APP_TOKEN="xapp-1"\n'
        "RACEWATCH_LOG_LEVEL=debug\n"
        "SOMETHING_ELSE=ignored\n"
    )
    monkeypatch.setenv("Discord_Token", "MTIz.from-env")
    settings = Settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "MTIz.from-env"
    assert settings.application_id == "123"  # the id the token opens with
    assert settings.log_level == "DEBUG" and settings.has_slack
    assert settings.secrets == ["MTIz.from-env", "xoxb-quoted", "xapp-1"]


def test_no_env_file_when_told_and_arguments_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path(".env").write_text("DISCORD_TOKEN=from-file\n")
    monkeypatch.setenv("RACEWATCH_HEALTH_PORT", "9000")
    monkeypatch.setenv("RACEWATCH_BUNDLED", "articles")
    settings = Settings(_env_file=None, health_port=0)
    assert settings.discord_token is None
    assert (settings.health_port, settings.bundled) == (0, "articles")


def test_secrets_never_print() -> None:
    settings = Settings(discord_token="MTIz.abc", database_url="postgresql://u:s3cret@db/racewatch")
    assert "MTIz.abc" not in repr(settings) and "MTIz.abc" not in str(settings.discord_token)
    assert settings.secrets == ["MTIz.abc", "s3cret"]


def test_numbers_ids_and_words_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "RACEWATCH_HEALTH_PORT": " 9000 ",
        "SLACK_PORT": "3001.0",
        "DISCORD_DEV_GUILD_ID": "42",
        "DISCORD_CURATORS": "1, 2;3,,",
        "RACEWATCH_LOG_FORMAT": " JSON ",
        "RACEWATCH_FEEDS": "OFF",
        "DATABASE_URL": "sqlite:///other.db",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert (settings.health_port, settings.slack_port, settings.discord_dev_guild_id) == (
        9000,
        3001,
        42,
    )
    assert settings.discord_curators == {"1", "2", "3"}
    assert (settings.log_format, settings.feeds_on) == ("json", False)
    assert settings.database_url == "sqlite:///other.db"


def test_every_bad_value_is_named_at_once() -> None:
    message = refused(
        RACEWATCH_HEALTH_PORT="80x",
        SLACK_PORT="",
        RACEWATCH_LOG_FORMAT="xml",
        RACEWATCH_BUNDLED="none",
        DATABASE_URL="mysql://a/b",
    )
    assert message.splitlines() == [
        "bad configuration (environment or .env):",
        "  DATABASE_URL: unsupported database URL 'mysql://a/b': use sqlite:///PATH or "
        "postgresql://",
        "  RACEWATCH_LOG_FORMAT: Input should be 'text' or 'json'",
        "  RACEWATCH_HEALTH_PORT: Input should be a valid integer, unable to parse string as "
        "an integer",
        "  RACEWATCH_BUNDLED: RACEWATCH_BUNDLED is one of full, articles, not 'none'",
        "  SLACK_PORT: Input should be a valid integer, unable to parse string as an integer",
    ]


def test_a_readme_placeholder_in_any_variable() -> None:
    message = refused(SLACK_APP_TOKEN=" xapp-... ", RACEWATCH_HEALTH_HOST="...")
    assert "RACEWATCH_HEALTH_HOST: '...' is the README's placeholder" in message
    assert "SLACK_APP_TOKEN: 'xapp-...' is the README's placeholder" in message
