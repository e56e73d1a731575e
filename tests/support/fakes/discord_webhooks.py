"""Interaction responses: the callback, follow-ups, and the original response's edit and delete."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_http import BODY, FILES, error_response, json_response, posted
from tests.support.fakes.discord_interactions import (
    CHANNEL_MESSAGE,
    DEFERRED_MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
    InteractionRecord,
    Posted,
)
from tests.support.schemas import DISCORD_MESSAGE_COMPONENTS, DISCORD_MODAL, problem

INVALID_FORM_BODY = 50035


def invalid(kind: int, data: Any) -> str | None:
    """Why Discord would refuse this message's components or this modal (its schemas)."""
    if kind == MODAL:
        return problem(data, DISCORD_MODAL)
    if isinstance(data, dict) and "components" in data:
        return problem(data["components"], DISCORD_MESSAGE_COMPONENTS)
    return None


UNKNOWN_INTERACTION, UNKNOWN_WEBHOOK, UNKNOWN_MESSAGE, ALREADY_ACKNOWLEDGED = (
    10062,
    10015,
    10008,
    40060,
)


class InteractionEndpoints:
    """The routes discord.py answers interactions on, keyed by interaction id and token."""

    def __init__(self, app_id: str, author: dict[str, Any]) -> None:
        self.app_id = app_id
        self.author = author
        self.root = ""
        self.records: dict[str, InteractionRecord] = {}

    def routes(self) -> list[tuple[str, str, Any]]:
        message = "/webhooks/{webhook_id}/{token}/messages/{message_id}"
        return [
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", "/webhooks/{webhook_id}/{token}", self.followup),
            ("GET", message, self.original),
            ("PATCH", message, self.edit),
            ("DELETE", message, self.delete),
        ]

    def _record(self, request: web.Request) -> InteractionRecord | None:
        info = request.match_info
        if "interaction_id" in info:
            record = self.records.get(info["interaction_id"])
        else:
            matching = (r for r in self.records.values() if r.token == info["token"])
            record = next(matching, None)
        return record if record is not None and record.token == info["token"] else None

    def _posted(
        self, request: web.Request, record: InteractionRecord, body: Any, flags: int = 0
    ) -> Posted:
        channel_id = record.payload["channel_id"]
        return posted(
            body,
            request[FILES],
            root=self.root,
            author=self.author,
            channel_id=channel_id,
            extra_flags=flags,
        )

    async def callback(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return error_response(404, UNKNOWN_INTERACTION, "Unknown interaction")
        body = request[BODY] or {}
        kind = int(body.get("type", 0))
        why = invalid(kind, body.get("data"))
        if why is not None:
            return error_response(400, INVALID_FORM_BODY, f"Invalid Form Body: {why}")
        message = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE):
            loading = p.LOADING if kind == DEFERRED_MESSAGE else 0
            message = self._posted(request, record, body.get("data"), loading)
        try:
            await record.on_callback(body, message)
        except ValueError as error:
            return error_response(400, ALREADY_ACKNOWLEDGED, str(error))
        if "with_response" not in request.query:
            return web.Response(status=204)
        resource: dict[str, Any] = {"type": kind}
        summary: dict[str, Any] = {"id": record.id, "type": record.payload["type"]}
        if message is not None:
            resource["message"] = message.payload
            summary.update(
                response_message_id=message.payload["id"],
                response_message_loading=kind == DEFERRED_MESSAGE,
                response_message_ephemeral=message.ephemeral,
            )
        return json_response({"interaction": summary, "resource": resource})

    async def followup(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None or request.match_info["webhook_id"] != self.app_id:
            return error_response(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        why = invalid(CHANNEL_MESSAGE, request[BODY])
        if why is not None:
            return error_response(400, INVALID_FORM_BODY, f"Invalid Form Body: {why}")
        message = await record.on_followup(self._posted(request, record, request[BODY]))
        if request.query.get("wait", "").lower() not in ("true", "1"):
            return web.Response(status=204)
        return json_response(message.payload)

    def _with_original(self, request: web.Request) -> InteractionRecord | None:
        record = self._record(request)
        if record is None or record.original is None or record.original_deleted:
            return None
        return record

    async def original(self, request: web.Request) -> web.Response:
        record = self._with_original(request)
        if record is None or record.original is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        return json_response(record.original.payload)

    async def edit(self, request: web.Request) -> web.Response:
        record = self._with_original(request)
        if record is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        message = await record.on_edit_original(self._posted(request, record, request[BODY]))
        return json_response(message.payload)

    async def delete(self, request: web.Request) -> web.Response:
        record = self._with_original(request)
        if record is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        await record.on_delete_original()
        return web.Response(status=204)
