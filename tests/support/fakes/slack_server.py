"""A fake Slack on 127.0.0.1: Web API, response_url, file uploads and a Socket Mode websocket.

The real slack_sdk / slack-bolt clients talk to it (`AsyncWebClient(base_url=fake.api_url)`).
It records every request, keeps each channel's messages (readable with conversations.history
and .replies, metadata included), enforces a per-channel posting rate limit (429 +
Retry-After) and can be told to fail: a channel that is gone/forbidden/archived, the next N
calls with 5xx, or a message created and then answered with 5xx, never answered or its
connection dropped (`fail_after_posting`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.platforms.slack.manifest import BOT_SCOPES
from tests.support.fakes.slack_messages import AfterPost, ChannelHistory, SlackMessage, lost_answer
from tests.support.fakes.slack_socket import SocketModeLink
from tests.support.fakes.slack_webapi import (
    Call,
    FakeSlackState,
    User,
    WebApiMethods,
    invalid_blocks,
)

CHANNEL_ERRORS = ("channel_not_found", "not_in_channel", "is_archived")
POSTING_METHODS = ("chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal")
RESPONSE_URL_USES = 5  # Slack lets a response_url be used five times


@dataclass
class RateLimit:
    """At most `limit` posts per channel in any `window` seconds (Slack: about 1 per second)."""

    limit: int = 20
    window: float = 1.0


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None
    error: str


class FakeSlack(WebApiMethods):
    """Start with `async with FakeSlack() as slack:`; point clients at `slack.api_url`."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
        team_id: str = "T0RACE",
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.rate_limit = rate_limit or RateLimit()
        self.state = FakeSlackState()
        self.messages = ChannelHistory()
        self.scopes = set(BOT_SCOPES)  # what the app's manifest asks for, granted
        self.hold = 10.0  # seconds a "timeout" answer is held back (or until close)
        self._after_post: deque[AfterPost] = deque()
        self._closing = asyncio.Event()
        self.socket = SocketModeLink()
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._posts: dict[str, deque[float]] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)  # users.info is a GET
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._link)
        app.router.add_get("/files/{file_id}/download", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self._closing.set()  # answers held back give up now
        await self.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def api_url(self) -> str:
        """What `SLACK_API_BASE_URL` is set to (slack_sdk wants the trailing slash)."""
        return f"{self.base_url}/api/"

    # ---- test controls -----------------------------------------------------------------
    def add_user(
        self, user_id: str, name: str = "", *, is_admin: bool = False, is_owner: bool = False
    ) -> None:
        self.state.users[user_id] = User(user_id, name or user_id.lower(), is_admin, is_owner)

    def break_channel(self, channel_id: str, error: str = "channel_not_found") -> None:
        """From now on posting to `channel_id` answers `error` (see CHANNEL_ERRORS)."""
        if error not in CHANNEL_ERRORS:
            raise ValueError(f"unknown channel error {error!r}: use one of {CHANNEL_ERRORS}")
        self.state.channel_errors[channel_id] = error

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        times: int = 1,
        retry_after: int | None = None,
        error: str = "internal_error",
    ) -> None:
        """The next `times` calls of `method` answer HTTP `status` (429 with Retry-After)."""
        self._failures[method].append(_Failure(status, times, retry_after, error))

    def fail_after_posting(self, fault: AfterPost = 500, *, times: int = 1) -> None:
        """The next `times` messages posted are created, then answered with HTTP `fault`,
        never answered ("timeout": held back `hold` seconds, past the client's patience) or
        their connection dropped ("drop"): the sender cannot know its message went out."""
        if not (isinstance(fault, int) or fault in ("timeout", "drop")):
            raise ValueError(f"unknown fault {fault!r}: an HTTP status, 'timeout' or 'drop'")
        self._after_post.extend([fault] * times)

    def channel_messages(self, channel: str) -> list[SlackMessage]:
        """What a channel holds, thread replies included, oldest first: every message that
        was created, whether or not its poster heard back."""
        return self.messages.of(channel)

    def add_file(self, name: str, data: bytes) -> str:
        """A file someone uploaded to Slack; returns its permalink (what users paste)."""
        file_id = f"F{next(self._ids):08d}"
        self.state.files[file_id] = {"id": file_id, "name": name, "length": len(data)}
        self.state.uploads[file_id] = data
        return f"https://racewatch.slack.com/files/U0CURATOR/{file_id}/{name}"

    def new_response_url(self) -> str:
        """A fresh response_url for one slash command; its posts land in `responses(url)`."""
        key = uuid.uuid4().hex
        self.state.responses[key] = []
        return f"{self.base_url}/respond/{key}"

    def responses(self, response_url: str) -> list[dict[str, Any]]:
        return self.state.responses[response_url.rsplit("/", 1)[1]]

    def shown(self, response_url: str) -> dict[str, Any]:
        """The message a response_url posted, as it shows now (a click may have replaced it)."""
        key = response_url.rsplit("/", 1)[1]
        return self.state.shown.get(key) or self.state.responses[key][-1]

    def click_url(self, response_url: str) -> str:
        """A fresh response_url for a click on the message `response_url` posted: posting to
        it with `replace_original` replaces that message."""
        url = self.new_response_url()
        origin = response_url.rsplit("/", 1)[1]
        self.state.clicked[url.rsplit("/", 1)[1]] = self.state.clicked.get(origin, origin)
        return url

    async def wait_for_responses(
        self, response_url: str, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until `count` messages were posted to the response_url; returns them all."""
        await self.wait_for(lambda: len(self.responses(response_url)) >= count, within)
        return self.responses(response_url)

    async def wait_for(self, predicate: Any, within: float = 10.0) -> bool:
        """Wait until `predicate()` holds after a request; TimeoutError after `within` s."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)
        return True

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.state.calls if c.method == method]

    @property
    def posted(self) -> list[dict[str, Any]]:
        """Messages chat.postMessage accepted, in order."""
        return [c.params for c in self.calls_to("chat.postMessage") if c.ok]

    # ---- request handling ----------------------------------------------------------------
    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.state.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, dict(request.headers))
        response = self._injected(method) or self._auth(method, call)
        if response is None:
            response = self._limited(method, params) or await self._method(method, params)
        call.status = response.status
        call.ok = response.status == 200 and bool(json.loads(response.text or "{}").get("ok"))
        if call.ok and method == "chat.postMessage" and self._after_post:
            fault = self._after_post.popleft()
            call.ok, call.status = False, fault if isinstance(fault, int) else 0
            await self._record(call)
            return await lost_answer(request, fault, self._closing, self.hold)
        await self._record(call)
        return response

    def _injected(self, method: str) -> web.Response | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.popleft()
        headers = (
            {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        )
        body = {"ok": False, "error": "ratelimited" if failure.status == 429 else failure.error}
        return web.json_response(body, status=failure.status, headers=headers)

    def _auth(self, method: str, call: Call) -> web.Response | None:
        token = call.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or str(call.params.get("token", ""))
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return None

    def _limited(self, method: str, params: dict[str, Any]) -> web.Response | None:
        if method not in POSTING_METHODS:
            return None
        channel = str(params.get("channel") or params.get("channel_id") or "")
        now = time.monotonic()
        recent = self._posts[channel]
        while recent and recent[0] <= now - self.rate_limit.window:
            recent.popleft()
        if len(recent) >= self.rate_limit.limit:
            wait = max(1, math.ceil(recent[0] + self.rate_limit.window - now))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        recent.append(now)
        return None

    async def _method(self, method: str, params: dict[str, Any]) -> web.Response:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        body: dict[str, Any] = handler(params)
        return web.json_response(body)

    # ---- other endpoints ----------------------------------------------------------------
    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await request.json()
        used = self.state.responses.get(key)
        status = 404 if used is None or len(used) >= RESPONSE_URL_USES else 200
        if status == 200 and invalid_blocks(body.get("blocks")):
            status = 400  # Slack answers `invalid_blocks`
        if status == 200 and used is not None:
            used.append(body)
            origin = self.state.clicked.get(key)
            if origin is not None and body.get("replace_original"):
                self.state.shown[origin] = body  # the clicked message, replaced
        await self._record(Call("response_url", body, dict(request.headers), status))
        said = {200: "ok", 400: "invalid_blocks"}.get(status, "used_url")
        return web.Response(text=said, status=status)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        info = self.state.files.get(file_id)
        status = 200 if info is not None and info["length"] == len(data) else 400
        if status == 200:
            self.state.uploads[file_id] = data
        await self._record(
            Call("upload", {"file_id": file_id, "size": len(data)}, dict(request.headers), status)
        )
        return web.Response(
            text=f"OK - {len(data)}" if status == 200 else "bad upload", status=status
        )

    async def _download(self, request: web.Request) -> web.Response:
        """A private file: only with the bot token (real Slack shows a login page otherwise)."""
        file_id = request.match_info["file_id"]
        authorized = request.headers.get("Authorization") == f"Bearer {self.bot_token}"
        data = self.state.uploads.get(file_id)
        status = 404 if data is None else 200 if authorized else 403
        await self._record(Call("download", {"file_id": file_id}, dict(request.headers), status))
        return web.Response(body=data if status == 200 else b"no", status=status)

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await self.socket.serve(ws)
        return ws


async def _params(request: web.Request) -> dict[str, Any]:
    """The Web API arguments, whether sent as JSON, a form or a query string."""
    params: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.content_type.startswith("multipart/"):
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    else:
        params.update(parse_qsl(await request.text(), keep_blank_values=True))
    return params
