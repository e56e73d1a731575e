"""Posting a reply to a Slack channel; its errors become the neutral send errors."""

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

from bot.platforms.errors import ChannelForbidden, ChannelGone, Rejected, RetryLater, SendError
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
GONE = {"channel_not_found", "is_archived"}  # the others: the bot may not post there


def _text(channel_id: str, reason: str, detail: str = "") -> str:
    """The reason as the audit log and /subscriptions show it."""
    text = f"Slack channel {channel_id}: {reason}"
    return f"{text} ({detail})" if detail else text


def retry_handlers(
    max_retries: int = 3, backoff: float = 0.25, *, posting: bool = False
) -> list[Any]:
    """429 honoring Retry-After, 500/503 with backoff, dropped connections: slack_sdk's own.

    The in-client backoff is short (0.25, 0.5, 1 s): the delivery worker retries later on top.
    A client `posting` alerts retries only 429s (nothing was created): after a 5xx or a
    dropped connection the message may exist, and the worker looks before posting again.
    """
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    if posting:
        return [AsyncRateLimitErrorRetryHandler(max_retries)]
    return [
        AsyncConnectionErrorRetryHandler(max_retries, interval),
        AsyncRateLimitErrorRetryHandler(max_retries),
        AsyncServerErrorRetryHandler(max_retries, interval),
    ]


def error_code(error: SlackApiError) -> str:
    """Slack's `error` string (`channel_not_found`), or "" when the body was not JSON."""
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def classify(channel_id: str, error: SlackApiError) -> SendError:
    """Turn a Web API error into a neutral send error (`bot.platforms.errors`)."""
    code = error_code(error)
    status = error.response.status_code
    if code in UNAVAILABLE:
        unavailable = ChannelGone if code in GONE else ChannelForbidden
        return unavailable(channel_id, code, _text(channel_id, code, UNAVAILABLE[code]))
    if status == 429 or code == "ratelimited":
        after = error.response.headers.get("Retry-After") or error.response.headers.get(
            "retry-after"
        )
        retry_after = float(after[0] if isinstance(after, list) else after) if after else None
        reason = "ratelimited"
        return RetryLater(channel_id, reason, _text(channel_id, reason), after=retry_after)
    reason = code or f"HTTP {status}"
    if status >= 500 or code in ("fatal_error", "internal_error", "service_unavailable"):
        return RetryLater(channel_id, reason, _text(channel_id, reason))
    return Rejected(channel_id, reason, _text(channel_id, reason))


async def upload_image(client: AsyncWebClient, channel_id: str, image: Image) -> None:
    """Share a reply's picture in the channel (files.getUploadURLExternal + complete)."""
    await client.files_upload_v2(
        channel=channel_id,
        file=image.data,
        filename=image.filename,
        title=image.description or image.filename,
        alt_txt=image.description or image.filename,
    )


async def post_reply(
    client: AsyncWebClient,
    channel_id: str,
    reply: Reply,
    metadata: dict[str, Any] | None = None,
) -> str:
    """chat.postMessage the rendered reply (then its image); returns the message timestamp.
    `metadata` (Slack message metadata) lets a retry find the message it may have posted."""
    rendered = render(reply)
    try:
        response = await client.chat_postMessage(
            channel=channel_id,
            text=rendered.text,
            blocks=rendered.blocks,
            unfurl_links=False,
            unfurl_media=False,
            thread_ts=reply.reply_to,  # a correction answers in the alert's thread
            metadata=metadata,
        )
        if reply.image is not None:
            await upload_image(client, channel_id, reply.image)
    except SlackApiError as error:
        raise classify(channel_id, error) from error
    return str(response.get("ts") or "")
