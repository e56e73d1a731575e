"""The Socket Mode side of the fake Slack: hello, envelopes pushed to the app, acks back."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web


class SocketModeLink:
    """The websocket(s) the app opened via apps.connections.open; envelopes go to the newest."""

    def __init__(self) -> None:
        self.connections: list[web.WebSocketResponse] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connected = asyncio.Event()

    async def serve(self, ws: web.WebSocketResponse) -> None:
        """Say hello, then collect acks until the app or the fake closes the socket."""
        self.connections.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections),
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "A0RACE"},
            }
        )
        self._connected.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._ack(json.loads(message.data))
        finally:
            self.connections.remove(ws)
            if not self.connections:
                self._connected.clear()

    def _ack(self, data: dict[str, Any]) -> None:
        envelope_id = str(data.get("envelope_id", ""))
        self.acks[envelope_id] = data
        future = self._pending.pop(envelope_id, None)
        if future is not None and not future.done():
            future.set_result(data)

    async def wait_connected(self, within: float = 10.0) -> None:
        await asyncio.wait_for(self._connected.wait(), within)

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], within: float = 10.0
    ) -> dict[str, Any]:
        """Push one envelope (e.g. `slash_commands`) and return the app's ack."""
        await self.wait_connected(within)
        envelope_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = future
        await self.connections[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(future, within)

    async def close(self) -> None:
        for ws in list(self.connections):
            await ws.close()
