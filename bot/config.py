"""Settings from the environment or a `.env` file: one object, built once and passed down."""

from __future__ import annotations

import base64
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.engine.db import async_url
from storage.seed import BUNDLES


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
PLACEHOLDERS = ("...", "xoxb-...", "xapp-...")


class Settings(BaseSettings):
    """Everything the operator configures; tokens are secrets and never printed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        "sqlite:///racewatch.db",
        validation_alias=AliasChoices("RACEWATCH_DATABASE_URL", "DATABASE_URL"),
    )
    log_level: str = Field("INFO", validation_alias="RACEWATCH_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", validation_alias="RACEWATCH_LOG_FORMAT")
    health_port: int = Field(8080, validation_alias="RACEWATCH_HEALTH_PORT")
    health_host: str = Field("127.0.0.1", validation_alias="RACEWATCH_HEALTH_HOST")
    bundled: str = Field("full", validation_alias="RACEWATCH_BUNDLED")  # full | articles
    feeds: str = Field("on", validation_alias="RACEWATCH_FEEDS")  # on | off

    # Discord
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_application_id: str | None = Field(None, validation_alias="DISCORD_APPLICATION_ID")
    discord_dev_guild_id: int | None = Field(None, validation_alias="DISCORD_DEV_GUILD_ID")
    discord_api_base_url: str = Field(
        "https://discord.com/api/v10", validation_alias="DISCORD_API_BASE_URL"
    )
    discord_gateway_url: str | None = Field(None, validation_alias="DISCORD_GATEWAY_URL")
    discord_curator_ids: str = Field("", validation_alias="DISCORD_CURATORS")

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_port: int = Field(3000, validation_alias="SLACK_PORT")
    slack_host: str = Field("0.0.0.0", validation_alias="SLACK_HOST")
    slack_api_base_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_BASE_URL")
    slack_curator_ids: str = Field("", validation_alias="SLACK_CURATORS")
    slack_channel_manager_ids: str = Field("", validation_alias="SLACK_CHANNEL_MANAGERS")

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_placeholder(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() in PLACEHOLDERS:
            raise ValueError(
                f"{value.strip()!r} is the README's placeholder: put the real value, "
                "or remove the line"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level not in LEVELS:
            raise ValueError(f"{level!r} is not a log level: use one of {', '.join(LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        async_url(url)  # raises ValueError with the accepted forms
        return url

    @field_validator("bundled")
    @classmethod
    def _known_bundle(cls, bundled: str) -> str:
        if bundled not in BUNDLES:
            raise ValueError(f"RACEWATCH_BUNDLED is one of {', '.join(BUNDLES)}, not {bundled!r}")
        return bundled

    @field_validator("feeds")
    @classmethod
    def _on_or_off(cls, feeds: str) -> str:
        if feeds.lower() not in ("on", "off"):
            raise ValueError(f"RACEWATCH_FEEDS is on or off, not {feeds!r}")
        return feeds.lower()

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
