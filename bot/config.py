"""Settings from the environment or a `.env` file: one object, built once and passed down."""

from __future__ import annotations

import base64

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.engine.db import async_url
from storage.seed import BUNDLES


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


class Settings(BaseSettings):
    """Everything the operator configures; tokens are secrets and never printed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        "sqlite:///racewatch.db",
        validation_alias=AliasChoices("RACEWATCH_DATABASE_URL", "DATABASE_URL"),
    )
    log_level: str = Field("INFO", validation_alias="RACEWATCH_LOG_LEVEL")
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
