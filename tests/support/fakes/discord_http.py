"""HTTP plumbing of the fake Discord: request bodies in, Discord-shaped JSON and messages out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_interactions import Posted

BODY: web.RequestKey[Any] = web.RequestKey("body", object)  # parsed JSON or payload_json
FILES: web.RequestKey[list[tuple[str, bytes]]] = web.RequestKey("files", list)  # uploads


@dataclass
class Recorded:
    """One request the bot made, as the fake saw it."""

    method: str
    route: str  # e.g. "/channels/{channel_id}/messages"
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 0


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON, or multipart with `payload_json` and `files[n]` parts (in order)."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = [
            (value.filename, value.file.read())
            for key, value in sorted(form.items(), key=lambda kv: _file_index(kv[0]))
            if isinstance(value, web.FileField)
        ]
        raw = form.get("payload_json")
        return (json.loads(raw) if isinstance(raw, str) else None), files
    text = await request.text()
    return (json.loads(text) if text else None), []


def _file_index(key: str) -> int:
    digits = "".join(ch for ch in key if ch.isdigit())
    return int(digits) if digits else -1


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with Discord's exact `Content-Type` (discord.py compares it without a charset)."""
    headers = dict(headers or {}, **{"Content-Type": "application/json"})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


def error_response(status: int, code: int, text: str) -> web.Response:
    return json_response(p.error(code, text), status=status)


def posted(
    body: dict[str, Any] | None,
    uploads: list[tuple[str, bytes]],
    *,
    root: str,
    author: dict[str, Any],
    channel_id: str,
    extra_flags: int = 0,
) -> Posted:
    """The message a send creates, its attachments described by `attachments` in the body."""
    body = dict(body or {})
    body["flags"] = int(body.get("flags") or 0) | extra_flags
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    attachments: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    for index, (filename, data) in enumerate(uploads):
        name = described.get(str(index), {}).get("filename") or filename
        description = described.get(str(index), {}).get("description") or ""
        attachments.append(p.attachment(root, name, data, description))
        files[name] = data
    payload = p.message(channel_id, author, body, attachments)
    return Posted(payload, files, bool(body["flags"] & p.EPHEMERAL))
