"""Who asks and from where: the neutral description of a caller that front ends fill in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    DISCORD = "discord"
    SLACK = "slack"
    CONSOLE = "console"


@dataclass(frozen=True, kw_only=True)
class Caller:
    """A person invoking a command; rights are decided by the front end from its platform.

    Keyword-only, so that `is_curator=True` can never be a bare positional `True`.
    """

    platform: Platform
    user_id: str
    display_name: str = ""
    workspace_id: str = ""
    channel_id: str = ""
    is_curator: bool = False
    is_channel_manager: bool = False
    post_problem: str = ""
    """Why the bot cannot post in this channel and how to fix it; empty when it can (or the
    front end could not tell)."""
    mention_problem: str = ""
    """Why the bot could not ping the role the command names (Discord), and how to fix it;
    empty when it can or no role is named."""

    @property
    def actor(self) -> str:
        """How the audit log names this caller: `platform:user_id`."""
        return f"{self.platform.value}:{self.user_id}"


CONSOLE_CALLER = Caller(
    platform=Platform.CONSOLE,
    user_id="console",
    display_name="console",
    workspace_id="console",
    channel_id="console",
    is_curator=True,
    is_channel_manager=True,
)
