"""Slash commands as Slack sends them: the form payload, signed for HTTP mode or enveloped."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.support.fakes.slack_server import FakeSlack


def slash_payload(
    command: str,
    text: str,
    response_url: str,
    *,
    user_id: str = "U0READER",
    user_name: str = "reader",
    channel_id: str = "C0RACE",
    team_id: str = "T0RACE",
) -> dict[str, str]:
    """The fields Slack posts for one slash command (form-encoded over HTTP)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "racewatch",
        "channel_id": channel_id,
        "channel_name": "ai-race",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0RACE",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{int(time.time())}.trigger",
    }


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The X-Slack-Signature (v0 HMAC-SHA256) and X-Slack-Request-Timestamp headers."""
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(stamp), body=body)
    return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": signature or ""}


@dataclass
class SlashResult:
    """The app's immediate HTTP answer (the ack) and the response_url it must answer on."""

    status: int
    body: str
    response_url: str


class SlashCommandClient:
    """Sends slash commands as Slack would: signed HTTP posts or Socket Mode envelopes."""

    def __init__(self, fake: FakeSlack, request_url: str = "", signing_secret: str = "") -> None:
        self.fake = fake
        self.request_url = request_url
        self.signing_secret = signing_secret

    async def post(
        self,
        command: str,
        text: str = "",
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        **who: str,
    ) -> SlashResult:
        """HTTP mode: one signed request; `secret`/`timestamp` forge or age the signature."""
        response_url = self.fake.new_response_url()
        body = urlencode(slash_payload(command, text, response_url, **who))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers |= sign(self.signing_secret if secret is None else secret, body, timestamp)
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.request_url, data=body, headers=headers) as response,
        ):
            return SlashResult(response.status, await response.text(), response_url)

    async def socket(self, command: str, text: str = "", **who: str) -> tuple[dict[str, Any], str]:
        """Socket Mode: push a `slash_commands` envelope; returns (the ack, the response_url)."""
        response_url = self.fake.new_response_url()
        ack = await self.fake.socket.send_envelope(
            "slash_commands", slash_payload(command, text, response_url, **who)
        )
        return ack, response_url
