"""Posting a reply to a Slack channel, with errors the delivery worker can act on."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.render import render
from commands.core.reply import Image, Reply

log = logging.getLogger(__name__)

# Answers that mean the channel is gone or forbids the bot: retrying will not help.
UNAVAILABLE = {
    "channel_not_found": "the channel does not exist or the bot cannot see it",
    "not_in_channel": "the bot is not a member of the channel (invite it with /invite)",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the bot post there",
    "cannot_dm_bot": "the channel is a direct message with a bot",
}


class SlackSendError(Exception):
    """A message could not be posted; `permanent` says whether a retry can ever succeed."""

    permanent = False

    def __init__(self, channel_id: str, reason: str, detail: str = "") -> None:
        self.channel_id = channel_id
        self.reason = reason
        text = f"Slack channel {channel_id}: {reason}"
        super().__init__(f"{text} ({detail})" if detail else text)


class ChannelUnavailable(SlackSendError):
    """channel_not_found / not_in_channel / is_archived: pause the subscription with the reason."""

    permanent = True


class SlackTemporarilyFailed(SlackSendError):
    """Rate limited or a server error even after retries: try again later."""

    def __init__(
        self, channel_id: str, reason: str, detail: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(channel_id, reason, detail)
        self.retry_after = retry_after


def retry_handlers(max_retries: int = 3, backoff: float = 0.25) -> list[Any]:
    """429 honoring Retry-After, 500/503 with backoff, dropped connections: slack_sdk's own.

    The in-client backoff is short (0.25, 0.5, 1 s): the delivery worker retries later on top.
    """
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    return [
        AsyncConnectionErrorRetryHandler(max_retries, interval),
        AsyncRateLimitErrorRetryHandler(max_retries),
        AsyncServerErrorRetryHandler(max_retries, interval),
    ]


def error_code(error: SlackApiError) -> str:
    """Slack's `error` string (`channel_not_found`), or "" when the body was not JSON."""
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def classify(channel_id: str, error: SlackApiError) -> SlackSendError:
    """Turn a Web API error into `ChannelUnavailable` or `SlackTemporarilyFailed`."""
    code = error_code(error)
    status = error.response.status_code
    if code in UNAVAILABLE:
        return ChannelUnavailable(channel_id, code, UNAVAILABLE[code])
    if status == 429 or code == "ratelimited":
        after = error.response.headers.get("Retry-After") or error.response.headers.get(
            "retry-after"
        )
        retry_after = float(after[0] if isinstance(after, list) else after) if after else None
        return SlackTemporarilyFailed(channel_id, "ratelimited", "", retry_after)
    if status >= 500 or code in ("fatal_error", "internal_error", "service_unavailable"):
        return SlackTemporarilyFailed(channel_id, code or f"HTTP {status}")
    return SlackSendError(channel_id, code or f"HTTP {status}")


async def upload_image(client: AsyncWebClient, channel_id: str, image: Image) -> None:
    """Share a reply's picture in the channel (files.getUploadURLExternal + complete)."""
    await client.files_upload_v2(
        channel=channel_id,
        file=image.data,
        filename=image.filename,
        title=image.description or image.filename,
        alt_txt=image.description or image.filename,
    )


async def post_reply(client: AsyncWebClient, channel_id: str, reply: Reply) -> str:
    """chat.postMessage the rendered reply (then its image); returns the message timestamp."""
    rendered = render(reply)
    try:
        response = await client.chat_postMessage(
            channel=channel_id,
            text=rendered.text,
            blocks=rendered.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        if reply.image is not None:
            await upload_image(client, channel_id, reply.image)
    except SlackApiError as error:
        raise classify(channel_id, error) from error
    return str(response.get("ts") or "")
