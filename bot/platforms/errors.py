"""Why a front end's `send` failed, in words every platform shares: the workers act on these.

Each front end turns its platform's own errors into one of these, so the delivery worker
decides retry, pause or give up without knowing any platform. The message is the reason the
audit log and `/subscriptions` show, written by the front end in its platform's terms.
"""

from __future__ import annotations

from typing import ClassVar


class SendError(Exception):
    """A message was not delivered to a channel; `retryable` says whether later can help."""

    retryable: ClassVar[bool] = False

    def __init__(self, channel_id: str, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"channel {channel_id}: {reason}")
        self.channel_id = channel_id
        self.reason = reason

    @property
    def permanent(self) -> bool:
        """Trying the same message again can never succeed."""
        return not self.retryable


class ChannelUnavailable(SendError):
    """The channel takes no messages from the bot: its subscription pauses with the reason."""


class ChannelGone(ChannelUnavailable):
    """The channel no longer exists (or was archived)."""


class ChannelForbidden(ChannelUnavailable):
    """The bot may not post in the channel (not a member, missing permissions)."""


class RetryLater(SendError):
    """Rate limited, a server error or a network failure: try again, after `after` seconds
    when the platform said how long (else the worker's own backoff)."""

    retryable = True

    def __init__(
        self,
        channel_id: str,
        reason: str,
        message: str | None = None,
        *,
        after: float | None = None,
    ) -> None:
        super().__init__(channel_id, reason, message)
        self.after = after


class Rejected(SendError):
    """The platform refused this message for good (a malformed request): give it up."""
