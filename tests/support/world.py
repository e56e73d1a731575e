"""The seeded world console-level tests share: its fixed "now", a plain member and `ask`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from commands.core.caller import Caller, Platform
from commands.core.reply import Reply

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MEMBER = Caller(
    platform=Platform.CONSOLE,
    user_id="member-1",
    display_name="member",
    workspace_id="w1",
    channel_id="c1",
)

Ask = Callable[..., Awaitable[Reply]]
