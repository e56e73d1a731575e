"""Why a message could not be sent to a channel: the delivery worker pauses or retries on these."""

from __future__ import annotations


class SendError(Exception):
    """A message was not delivered; `retryable` says whether trying later can help."""

    retryable = False

    def __init__(self, channel_id: str, reason: str) -> None:
        super().__init__(f"channel {channel_id}: {reason}")
        self.channel_id = channel_id
        self.reason = reason


class ChannelGone(SendError):
    """The channel no longer exists (HTTP 404, Discord code 10003)."""


class ChannelForbidden(SendError):
    """The bot may not post there any more (HTTP 403, e.g. code 50013 Missing Permissions)."""


class SendFailed(SendError):
    """Discord failed (5xx after retries, network error): try again later."""

    retryable = True
