"""What every platform front end offers the process: start, close, and send to a channel."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commands.core.reply import Reply


class FrontEnd(Protocol):
    name: str
    """The platform a subscription names (`discord`, `slack`): its outbox rows go here."""
    pace: float
    """Sends per second the delivery worker allows itself (under the platform's global limit)."""

    async def start(self) -> None:
        """Connect and begin serving commands; returns once serving."""
        ...

    async def close(self) -> None: ...

    async def send(
        self,
        channel_id: str,
        reply: Reply,
        *,
        nonce: str | None = None,
        since: datetime | None = None,
    ) -> str:
        """Post a reply to a channel (alerts and digests); returns the platform's message id.

        A platform that can deduplicate (Discord) posts nothing new for a repeated `nonce`.
        `since` is set when an earlier try of this message may have landed (no try began
        before it): a platform without deduplication (Slack) looks for it before posting.
        Failures raise `bot.platforms.errors` types (ChannelGone, RetryLater, ...).
        """
        ...
