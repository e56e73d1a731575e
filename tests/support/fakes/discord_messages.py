"""Channel messages as the fake Discord keeps them: a repeated nonce returns the original.

Discord's `enforce_nonce`: "if another message was created by the same author with the same
nonce [in the past few minutes], that message will be returned and no new message will be
created". The fake applies it per channel (narrower than Discord, so a test cannot lean on
a wider dedupe) for `nonce_window` seconds. `latency` holds each answer back after the
message exists: the window in which a crashed sender cannot know its message went out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.fakes.discord_http import posted
from tests.support.fakes.discord_interactions import Posted


@dataclass(frozen=True)
class NonceHit:
    """A send the fake answered with an earlier message instead of posting it again."""

    channel_id: str
    nonce: str
    message_id: str


class ChannelMessages:
    """Every channel's messages, oldest first, and the sends a nonce turned into no-ops."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.latency = 0.0  # seconds between creating a message and answering its POST
        self.nonce_window = 300.0  # Discord says "the past few minutes"
        self.nonce_hits: list[NonceHit] = []
        self.answering = 0  # messages created whose answer has not been sent yet
        self._by_channel: dict[str, list[Posted]] = {}
        self._nonces: dict[tuple[str, str], tuple[float, Posted]] = {}

    def of(self, channel_id: str) -> list[Posted]:
        return list(self._by_channel.get(channel_id, []))

    def counts(self) -> dict[str, int]:
        """How many messages each channel holds (channels with none are absent)."""
        return {channel: len(items) for channel, items in self._by_channel.items() if items}

    async def post(
        self,
        channel_id: str,
        body: dict[str, Any] | None,
        uploads: list[tuple[str, bytes]],
        *,
        root: str,
        author: dict[str, Any],
    ) -> Posted:
        """Create the message (or find the one its nonce already made), then answer late."""
        nonce = str(body["nonce"]) if body and body.get("nonce") is not None else None
        key = (
            (channel_id, nonce)
            if nonce is not None and body and body.get("enforce_nonce")
            else None
        )
        now = self.clock()
        earlier = self._nonces.get(key) if key is not None else None
        if earlier is not None and now - earlier[0] < self.nonce_window:
            self.nonce_hits.append(NonceHit(channel_id, nonce or "", earlier[1].payload["id"]))
            message = earlier[1]
        else:
            message = posted(body, uploads, root=root, author=author, channel_id=channel_id)
            if nonce is not None:
                message.payload["nonce"] = nonce
            self._by_channel.setdefault(channel_id, []).append(message)
            if key is not None:
                self._nonces[key] = (now, message)
        self.answering += 1
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
        finally:
            self.answering -= 1
        return message
