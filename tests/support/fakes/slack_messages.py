"""Channel messages as the fake Slack keeps them, read back as Slack's history methods do.

`conversations.history` lists a channel's top-level messages newest first, between `oldest`
and `latest` (exclusive unless `inclusive`), `limit` at a time with a cursor for the rest;
a message's `metadata` comes back only with `include_all_metadata`. `conversations.replies`
lists a thread, its parent first. Both need the `*:history` scope of the channel's kind.
A message's `ts` follows the fake's clock (a test's clock, when it sets one).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TRUE = ("1", "true", True)
BOT_USER, BOT_ID, APP_ID = "U0BOT", "B0BOT", "A0RACE"
AfterPost = int | str  # how a created message's answer is lost: a 5xx, "timeout" or "drop"


@dataclass
class SlackMessage:
    """One message in a channel, as chat.postMessage created it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    metadata: dict[str, Any] | None
    thread_ts: str | None

    def as_json(self, *, with_metadata: bool) -> dict[str, Any]:
        """The message object Slack's history methods return."""
        out: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "ts": self.ts,
            "text": self.text,
        }
        if self.blocks:
            out["blocks"] = self.blocks
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata:
            out["metadata"] = self.metadata
        return out


def needed_scope(channel: str) -> str:
    """Public channels (C...) need channels:history, private ones (G...) groups:history."""
    return "groups:history" if channel.startswith("G") else "channels:history"


class ChannelHistory:
    """Every channel's messages, oldest first."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._seq = itertools.count(1)
        self._by_channel: dict[str, list[SlackMessage]] = {}

    def add(self, params: dict[str, Any]) -> SlackMessage:
        """Create the message chat.postMessage asked for; its ts is unique and increasing."""
        channel = str(params["channel"])
        metadata = params.get("metadata")
        message = SlackMessage(
            channel,
            f"{int(self.clock())}.{next(self._seq):06d}",
            str(params.get("text", "")),
            params.get("blocks"),
            metadata if isinstance(metadata, dict) else None,
            str(params["thread_ts"]) if params.get("thread_ts") else None,
        )
        self._by_channel.setdefault(channel, []).append(message)
        return message

    def of(self, channel: str) -> list[SlackMessage]:
        """A channel's messages, thread replies included, oldest first."""
        return list(self._by_channel.get(channel, []))

    def history(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: top-level messages, newest first, a page at a time."""
        channel = str(params.get("channel", ""))
        top = [m for m in self.of(channel) if m.thread_ts in (None, m.ts)]
        return _page(list(reversed(_between(top, params))), params)

    def replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.replies: the thread's parent, then its replies oldest first."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        messages = self.of(channel)
        parent = [m for m in messages if m.ts == ts]
        if not parent:
            return {"ok": False, "error": "thread_not_found"}
        replies = [m for m in messages if m.thread_ts == ts and m.ts != ts]
        return _page(parent + _between(replies, params), params)


def _between(messages: list[SlackMessage], params: dict[str, Any]) -> list[SlackMessage]:
    """The messages after `oldest` and before `latest` (both ends kept with `inclusive`)."""
    oldest = float(params.get("oldest") or 0)
    latest = float(params.get("latest") or "inf")
    inclusive = params.get("inclusive") in TRUE
    if inclusive:
        return [m for m in messages if oldest <= float(m.ts) <= latest]
    return [m for m in messages if oldest < float(m.ts) < latest]


def _page(messages: list[SlackMessage], params: dict[str, Any]) -> dict[str, Any]:
    """One page from the cursor on, with the cursor of the next when there is more."""
    start = int(str(params.get("cursor") or "next:0").removeprefix("next:"))
    limit = min(int(params.get("limit") or 100), 999)
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    with_metadata = params.get("include_all_metadata") in TRUE
    return {
        "ok": True,
        "messages": [m.as_json(with_metadata=with_metadata) for m in page],
        "has_more": more,
        "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
    }


async def lost_answer(
    request: web.Request, fault: AfterPost, closing: asyncio.Event, hold: float
) -> web.Response:
    """The message exists; its poster hears a 5xx, nothing (held back `hold` seconds, or
    until the fake closes), or its connection drops."""
    if fault == "drop" and request.transport is not None:
        request.transport.abort()
        return web.Response()
    if fault == "timeout":
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), hold)
        return web.Response(status=504)
    return web.json_response({"ok": False, "error": "internal_error"}, status=int(fault))
