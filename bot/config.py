"""Settings from the environment or a `.env` file: one object, built once and passed down.

A small typed loader rather than pydantic-settings, whose import alone cost a console
`racewatch ask` about a third of its start-up. Its rules are kept: a variable in the
environment wins over the same one in `.env`, names in any case, every bad value reported at
once with the variable it came from.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.engine.db import async_url
from storage.seed import BUNDLES

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
PLACEHOLDERS = ("...", "xoxb-...", "xapp-...")
NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


class SettingsError(ValueError):
    """Bad values, each with the variable (or field) it came from and what is wrong."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))
        self.problems = problems


class Secret:
    """A token or password: prints as stars; `get_secret_value()` reads it on purpose."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __repr__(self) -> str:
        return f"Secret('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Input should be a valid string")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = _text(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)  # "8080.0" is 8080, as before
    except ValueError:
        raise ValueError(NOT_AN_INTEGER) from None
    if not number.is_integer():
        raise ValueError(NOT_AN_INTEGER)
    return int(number)


def _optional_integer(value: Any) -> int | None:
    return None if value is None else _integer(value)


def _shard_count(value: Any) -> int | None:
    count = _optional_integer(value)
    if count is not None and count < 1:
        raise ValueError("Input should be greater than or equal to 1")
    return count


def shard_ids(text: str, count: int | None) -> list[int]:
    """RACEWATCH_SHARD_IDS read against RACEWATCH_SHARD_COUNT: every shard when none are named."""
    parts = sorted(_ids(text))
    if parts and count is None:
        raise ValueError("set RACEWATCH_SHARD_COUNT too (the bot's number of shards)")
    if count is None:
        return []
    if not all(part.isdigit() for part in parts):
        raise ValueError(f"shard numbers such as 0,1, not {text!r}")
    ids = sorted({int(part) for part in parts}) or list(range(count))
    outside = [i for i in ids if i >= count]
    if outside:
        raise ValueError(
            f"shard {', '.join(map(str, outside))} is outside RACEWATCH_SHARD_COUNT={count}: "
            f"shards are numbered 0 to {count - 1}"
        )
    return ids


def _secret(value: Any) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    return Secret(_text(value))


def _log_level(value: Any) -> str:
    level = _text(value).strip().upper()
    if level not in LEVELS:
        raise ValueError(f"{level!r} is not a log level: use one of {', '.join(LEVELS)}")
    return level


def _log_format(value: Any) -> str:
    form = _text(value).strip().lower()
    if form not in FORMATS:
        raise ValueError("Input should be 'text' or 'json'")
    return form


def _database_url(value: Any) -> str:
    url = _text(value)
    async_url(url)  # raises ValueError with the accepted forms
    return url


def _bundled(value: Any) -> str:
    bundled = _text(value)
    if bundled not in BUNDLES:
        raise ValueError(f"RACEWATCH_BUNDLED is one of {', '.join(BUNDLES)}, not {bundled!r}")
    return bundled


def _on_or_off(value: Any) -> str:
    feeds = _text(value)
    if feeds.lower() not in ("on", "off"):
        raise ValueError(f"RACEWATCH_FEEDS is on or off, not {feeds!r}")
    return feeds.lower()


# Each setting: the variables that set it (the first one present wins) and how to read it.
VARIABLES: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "database_url": (("RACEWATCH_DATABASE_URL", "DATABASE_URL"), _database_url),
    "log_level": (("RACEWATCH_LOG_LEVEL",), _log_level),
    "log_format": (("RACEWATCH_LOG_FORMAT",), _log_format),
    "health_port": (("RACEWATCH_HEALTH_PORT",), _integer),
    "health_host": (("RACEWATCH_HEALTH_HOST",), _text),
    "bundled": (("RACEWATCH_BUNDLED",), _bundled),  # full | articles
    "feeds": (("RACEWATCH_FEEDS",), _on_or_off),  # on | off
    "discord_token": (("DISCORD_TOKEN",), _secret),
    "discord_application_id": (("DISCORD_APPLICATION_ID",), _text),
    "discord_dev_guild_id": (("DISCORD_DEV_GUILD_ID",), _optional_integer),
    "discord_api_base_url": (("DISCORD_API_BASE_URL",), _text),
    "discord_gateway_url": (("DISCORD_GATEWAY_URL",), _text),
    "discord_curator_ids": (("DISCORD_CURATORS",), _text),
    "shard_count": (("RACEWATCH_SHARD_COUNT",), _shard_count),
    "shard_ids_text": (("RACEWATCH_SHARD_IDS",), _text),  # e.g. "0,1"
    "slack_bot_token": (("SLACK_BOT_TOKEN",), _secret),
    "slack_app_token": (("SLACK_APP_TOKEN",), _secret),
    "slack_signing_secret": (("SLACK_SIGNING_SECRET",), _secret),
    "slack_port": (("SLACK_PORT",), _integer),
    "slack_host": (("SLACK_HOST",), _text),
    "slack_api_base_url": (("SLACK_API_BASE_URL",), _text),
    "slack_curator_ids": (("SLACK_CURATORS",), _text),
    "slack_channel_manager_ids": (("SLACK_CHANNEL_MANAGERS",), _text),
}


def _dotenv(path: str | None) -> dict[str, str]:
    """The `.env` file's variables (python-dotenv's syntax), names lower-cased; {} if none."""
    if path is None or not Path(path).is_file():
        return {}
    from dotenv import dotenv_values  # only when there is a file to read

    return {k.lower(): v for k, v in dotenv_values(path).items() if v is not None}


def _lookup(names: tuple[str, ...], *sources: Mapping[str, str]) -> tuple[str, str] | None:
    """The first variable set, environment before `.env`: its name and value."""
    for source in sources:
        for name in names:
            if name.lower() in source:
                return name, source[name.lower()]
    return None


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


class Settings:
    """Everything the operator configures; tokens are secrets and never printed.

    `Settings()` reads the environment and `.env` (`_env_file=None`: no file); keyword
    arguments, by field name, win over both. Raises SettingsError listing every bad value.
    """

    database_url: str = "sqlite:///racewatch.db"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    health_port: int = 8080
    health_host: str = "127.0.0.1"
    bundled: str = "full"
    feeds: str = "on"

    discord_token: Secret | None = None
    discord_application_id: str | None = None
    discord_dev_guild_id: int | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_curator_ids: str = ""
    shard_count: int | None = None
    shard_ids_text: str = ""

    slack_bot_token: Secret | None = None
    slack_app_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    slack_port: int = 3000
    slack_host: str = "0.0.0.0"
    slack_api_base_url: str = "https://slack.com/api/"
    slack_curator_ids: str = ""
    slack_channel_manager_ids: str = ""

    def __init__(self, *, _env_file: str | None = ".env", **values: Any) -> None:
        unknown = sorted(values.keys() - VARIABLES.keys())
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(unknown)}")
        environment = {k.lower(): v for k, v in os.environ.items()}
        dotenv = _dotenv(_env_file)
        problems: list[tuple[str, str]] = []
        for field, (names, parse) in VARIABLES.items():
            found = (field, values[field]) if field in values else None
            found = found or _lookup(names, environment, dotenv)
            if found is None:
                continue
            label, value = found
            try:
                if isinstance(value, str) and value.strip() in PLACEHOLDERS:
                    raise ValueError(
                        f"{value.strip()!r} is the README's placeholder: put the real value, "
                        "or remove the line"
                    )
                setattr(self, field, parse(value))
            except ValueError as error:
                problems.append((label, str(error)))
        if not {label for label, _ in problems} & {"RACEWATCH_SHARD_COUNT", "shard_count"}:
            try:  # the ids are read against the count
                shard_ids(self.shard_ids_text, self.shard_count)
            except ValueError as error:
                problems.append(("RACEWATCH_SHARD_IDS", str(error)))
        if problems:
            raise SettingsError(problems)

    def __repr__(self) -> str:
        shown = ", ".join(f"{field}={getattr(self, field)!r}" for field in VARIABLES)
        return f"Settings({shown})"

    @property
    def shards(self) -> tuple[list[int], int] | None:
        """The Discord shards this process runs and the bot's shard count (None: unsharded)."""
        if self.shard_count is None:
            return None
        return shard_ids(self.shard_ids_text, self.shard_count), self.shard_count

    @property
    def feeds_on(self) -> bool:
        return self.feeds == "on"

    @property
    def secrets(self) -> list[str]:
        """Every secret value set (for masking in logs): tokens and the database password."""
        values = [
            s.get_secret_value()
            for s in (
                self.discord_token,
                self.slack_bot_token,
                self.slack_app_token,
                self.slack_signing_secret,
            )
            if s is not None
        ]
        password = _password(self.database_url)
        return values + ([password] if password else [])

    @property
    def discord_curators(self) -> frozenset[str]:
        return _ids(self.discord_curator_ids)

    @property
    def slack_curators(self) -> frozenset[str]:
        return _ids(self.slack_curator_ids)

    @property
    def slack_channel_managers(self) -> frozenset[str]:
        return _ids(self.slack_channel_manager_ids)

    @property
    def application_id(self) -> str | None:
        """DISCORD_APPLICATION_ID, or the bot's id that opens its token (base64)."""
        if self.discord_application_id:
            return self.discord_application_id
        if self.discord_token is None:
            return None
        head = self.discord_token.get_secret_value().split(".")[0]
        try:
            decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return decoded if decoded.isdigit() else None

    @property
    def has_discord(self) -> bool:
        return self.discord_token is not None

    @property
    def has_slack(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )
