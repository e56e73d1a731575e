"""The fake gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.support.fakes import discord_payloads as p

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
AUTHENTICATION_FAILED = 4004


@dataclass
class Session:
    """A gateway session: survives a dropped connection and replays what it missed on RESUME."""

    id: str
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None


class FakeGateway:
    """One bot's gateway; `dispatch` sends an event to it (buffered while it is disconnected)."""

    def __init__(
        self,
        token: str,
        ready: Callable[[str], dict[str, Any]],
        guilds: Callable[[], list[dict[str, Any]]],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self._ready = ready
        self._guilds = guilds
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.session: Session | None = None
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.received: list[dict[str, Any]] = []
        self._live = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.socket is not None

    async def wait_connected(self, seconds: float = 10.0) -> None:
        """Until a bot has identified or resumed on a live connection."""
        await asyncio.wait_for(self._live.wait(), seconds)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await self._send(
            socket, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        )
        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    break
                await self._receive(socket, json.loads(message.data))
        finally:
            if self.session is not None and self.session.socket is socket:
                self.session.socket = None
                self._live.clear()
        return socket

    async def _receive(self, socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        self.received.append(payload)
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(socket, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(socket, data or {})
        elif op == RESUME:
            await self._resume(socket, data or {})

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await socket.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        self.identifies += 1
        await self._detach()
        self.session = Session(id=p.snowflake(), socket=socket)
        await self.dispatch("READY", self._ready(self.session.id))
        for guild in self._guilds():
            await self.dispatch("GUILD_CREATE", guild)
        self._live.set()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.session
        if (
            session is None
            or data.get("session_id") != session.id
            or data.get("token") != self.token
        ):
            await self._send(socket, {"op": INVALID_SESSION, "d": False})
            return
        self.resumes += 1
        await self._detach()
        session.socket = socket
        for event in session.sent:
            if event["s"] > int(data.get("seq") or 0):
                await self._send(socket, event)
        await self.dispatch("RESUMED", {})
        self._live.set()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send (or, while disconnected, keep for the RESUME) one DISPATCH event."""
        session = self.session
        if session is None:
            raise RuntimeError("no bot has identified with the fake gateway")
        session.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": session.sequence, "d": data}
        session.sent.append(payload)
        if session.socket is not None:
            await self._send(session.socket, payload)

    async def drop(self, code: int = 4000) -> None:
        """Close the live connection the way a network failure or a Discord restart does."""
        await self._detach(code)

    async def request_reconnect(self) -> None:
        """Ask the bot to reconnect and resume (op 7), as Discord does before maintenance."""
        if self.session is not None and self.session.socket is not None:
            await self._send(self.session.socket, {"op": RECONNECT, "d": None})

    async def _detach(self, code: int = 4000) -> None:
        if self.session is not None and self.session.socket is not None:
            socket, self.session.socket = self.session.socket, None
            self._live.clear()
            await socket.close(code=code, message=b"dropped by the fake")

    async def close(self) -> None:
        await self._detach(1001)

    @staticmethod
    async def _send(socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not socket.closed:
            await socket.send_str(json.dumps(payload))
