"""The fake gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME.

Sharded as Discord is: an IDENTIFY carrying `shard: [id, count]` opens that shard's session,
which hears only its guilds' events, by the documented rule
`shard_id = (guild_id >> 22) % count`; an IDENTIFY without one is shard 0 of 1.
"""

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
AUTHENTICATION_FAILED, INVALID_SHARD = 4004, 4010


def shard_of(guild_id: str | int, count: int) -> int:
    """The shard that receives a guild's events (Discord's documented formula)."""
    return (int(guild_id) >> 22) % count


@dataclass
class Session:
    """A gateway session: survives a dropped connection and replays what it missed on RESUME."""

    id: str
    shard: tuple[int, int] = (0, 1)  # [id, count] as in IDENTIFY
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None


class FakeGateway:
    """One bot's gateway; `dispatch` sends an event to the shard of its guild (buffered while
    that shard is disconnected)."""

    def __init__(
        self,
        token: str,
        ready: Callable[[str, tuple[int, int]], dict[str, Any]],
        guilds: Callable[[], list[dict[str, Any]]],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self._ready = ready
        self._guilds = guilds
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[int, Session] = {}  # by shard id
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.received: list[dict[str, Any]] = []
        self._live = asyncio.Event()

    @property
    def session(self) -> Session | None:
        """Shard 0's session (the only one of an unsharded bot)."""
        return self.sessions.get(0)

    @property
    def connected(self) -> bool:
        return any(s.socket is not None for s in self.sessions.values())

    def live_shards(self) -> set[int]:
        """The shards with a live connection."""
        return {i for i, s in self.sessions.items() if s.socket is not None}

    async def wait_connected(self, seconds: float = 10.0, shards: int = 1) -> None:
        """Until `shards` shards have identified or resumed on live connections."""
        async with asyncio.timeout(seconds):
            while len(self.live_shards()) < shards:
                self._live.clear()
                await self._live.wait()

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
            for session in self.sessions.values():
                if session.socket is socket:
                    session.socket = None
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
        shard_id, count = data.get("shard") or (0, 1)
        live = [s for s in self.sessions.values() if s.socket is not None]
        if not 0 <= shard_id < count or any(s.shard[1] != count for s in live):
            await socket.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        self.sessions = {i: s for i, s in self.sessions.items() if s.shard[1] == count}
        self.identifies += 1
        await self._detach(shard_id)
        session = Session(id=p.snowflake(), shard=(shard_id, count), socket=socket)
        self.sessions[shard_id] = session
        await self._send_event(session, "READY", self._ready(session.id, session.shard))
        for guild in self._guilds():
            if shard_of(guild["id"], count) == shard_id:
                await self._send_event(session, "GUILD_CREATE", guild)
        self._live.set()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        found = [s for s in self.sessions.values() if s.id == data.get("session_id")]
        if not found or data.get("token") != self.token:
            await self._send(socket, {"op": INVALID_SESSION, "d": False})
            return
        session = found[0]
        self.resumes += 1
        await self._detach(session.shard[0])
        session.socket = socket
        for event in session.sent:
            if event["s"] > int(data.get("seq") or 0):
                await self._send(socket, event)
        await self._send_event(session, "RESUMED", {})
        self._live.set()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send (or, while disconnected, keep for the RESUME) one DISPATCH event, to the shard
        of its `guild_id` (shard 0 when it has none, as Discord sends DMs)."""
        if not self.sessions:
            raise RuntimeError("no bot has identified with the fake gateway")
        count = next(iter(self.sessions.values())).shard[1]
        shard_id = shard_of(data["guild_id"], count) if data.get("guild_id") else 0
        session = self.sessions.get(shard_id)
        if session is None:
            raise RuntimeError(f"no bot has identified as shard {shard_id} of {count}")
        await self._send_event(session, event, data)

    async def _send_event(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": session.sequence, "d": data}
        session.sent.append(payload)
        if session.socket is not None:
            await self._send(session.socket, payload)

    async def drop(self, code: int = 4000) -> None:
        """Close the live connections the way a network failure or a Discord restart does."""
        for shard_id in list(self.sessions):
            await self._detach(shard_id, code)

    async def request_reconnect(self) -> None:
        """Ask the bot to reconnect and resume (op 7), as Discord does before maintenance."""
        for session in self.sessions.values():
            if session.socket is not None:
                await self._send(session.socket, {"op": RECONNECT, "d": None})

    async def _detach(self, shard_id: int, code: int = 4000) -> None:
        session = self.sessions.get(shard_id)
        if session is not None and session.socket is not None:
            socket, session.socket = session.socket, None
            await socket.close(code=code, message=b"dropped by the fake")

    async def close(self) -> None:
        for shard_id in list(self.sessions):
            await self._detach(shard_id, 1001)

    @staticmethod
    async def _send(socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not socket.closed:
            await socket.send_str(json.dumps(payload))
