"""Was this alert already posted? Slack's chat.postMessage has no idempotency key, so each
alert carries its outbox row's key in message metadata, and a retry whose earlier try may
have landed (5xx, timeout, dropped connection, a crash) reads the channel first.

conversations.history (a thread's replies: conversations.replies) lists messages newest
first from `oldest` on; `include_all_metadata` returns each message's metadata. It needs
the `channels:history` scope (`groups:history` for private channels): without it the
lookup says so once in the log and the alert is posted as before, maybe twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.sending import classify, error_code

log = logging.getLogger(__name__)

EVENT_TYPE = "racewatch_delivery"
MARGIN = timedelta(minutes=5)  # our clock and Slack's may disagree this much
PAGE = 15  # Slack's ceiling for apps outside the Marketplace since May 2025
PAGES = 4  # at most this many pages back before giving up and posting


def metadata(key: str) -> dict[str, Any]:
    """The metadata an alert is posted with: its outbox row's key."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def _matches(message: dict[str, Any], key: str) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return bool(meta.get("event_type") == EVENT_TYPE and payload.get("key") == key)


class SentLookup:
    """Finds an alert's message by its key; says once per kind of refusal that it cannot."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._warned: set[str] = set()

    async def find(
        self, channel_id: str, key: str, since: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the message posted with `key` no earlier than `since` (in the thread
        of `thread_ts` when given), or None. A refusal to read (scope, membership) is None
        too; rate limits and server errors raise `RetryLater`: posting now might double."""
        query: dict[str, Any] = {
            "channel": channel_id,
            "oldest": f"{(since - MARGIN).timestamp():.6f}",
            "include_all_metadata": True,
            "limit": PAGE,
        }
        cursor: str | None = None
        try:
            for _ in range(PAGES):
                if thread_ts is None:
                    page = await self.client.conversations_history(**query, cursor=cursor)
                else:
                    page = await self.client.conversations_replies(
                        **query, ts=thread_ts, cursor=cursor
                    )
                found = [m for m in page.get("messages") or [] if _matches(m, key)]
                if found:
                    return str(found[0]["ts"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not page.get("has_more") or not cursor:
                    return None
        except SlackApiError as error:
            if error.response.status_code == 429 or error.response.status_code >= 500:
                raise classify(channel_id, error) from error
            self._refused(channel_id, error)
            return None
        log.warning("Slack channel %s: %s not in %d pages back; posting it", channel_id, key, PAGES)
        return None

    def _refused(self, channel_id: str, error: SlackApiError) -> None:
        """One line per kind of refusal, not one per alert."""
        code = error_code(error) or f"HTTP {error.response.status_code}"
        if code in self._warned:
            return
        self._warned.add(code)
        data = error.response.data
        needed = data.get("needed") if isinstance(data, dict) else None
        hint = "; add the channels:history and groups:history scopes (docs/slack.md)"
        log.warning(
            "Slack would not show channel %s's history (%s%s): a retried alert whose first "
            "try may have landed is posted again unchecked%s",
            channel_id,
            code,
            f", needs {needed}" if needed else "",
            hint if code == "missing_scope" else "",
        )
