"""A fake Discord on 127.0.0.1 for the real discord.py client: REST, gateway, rate limits, faults.

Usage::

    fake = FakeDiscord()
    await fake.start()                 # fake.url -> DISCORD_API_BASE_URL, fake.token -> DISCORD_TOKEN
    reply = await fake.run("gap", {"model_a": "GLM-5.2", "model_b": "Opus-4.8"})
    fake.messages(fake.channel_id)     # what the bot posted in a channel
    fake.posts.latency = 0.2           # answer each message late; fake.posts.nonce_hits
    fake.fail_next(503, 2); fake.delete_channel(fake.channel_id)
    await fake.close()
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_gateway import FakeGateway, shard_of
from tests.support.fakes.discord_http import (
    BODY,
    FILES,
    Recorded,
    error_response,
    json_response,
    read_body,
)
from tests.support.fakes.discord_interactions import InteractionRecord, Posted, command_data
from tests.support.fakes.discord_limits import Fault, RateLimits
from tests.support.fakes.discord_messages import ChannelMessages
from tests.support.fakes.discord_webhooks import InteractionEndpoints

API = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNKNOWN_CHANNEL, MISSING_PERMISSIONS = 10003, 50013


class FakeDiscord:
    """One application, one bot user, guilds with channels, and every request recorded."""

    def __init__(
        self, token: str = "fake-bot-token", rate_limits: RateLimits | None = None
    ) -> None:
        self.token = token
        self.app_id = p.snowflake()
        self.bot_user = p.user(self.app_id, "Racewatch", bot=True)
        self.guild_id = p.snowflake()
        self.guilds: dict[str, str] = {self.guild_id: "Racewatch test guild"}
        self.channels: dict[str, dict[str, Any]] = {}
        self.channel_id = self.add_channel("general")
        self.limits = rate_limits or RateLimits()
        self.requests: list[Recorded] = []
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.gateway = FakeGateway(token, self._ready, self._guilds)
        self.posts = ChannelMessages()
        self._gone: set[str] = set()
        self._forbidden: set[str] = set()
        self.bot_rights: dict[str, int] = {}  # the bot's rights per channel (else @everyone's)
        self.webhooks = InteractionEndpoints(self.app_id, self.bot_user)
        self._uploads: dict[str, bytes] = {}
        self._after_post: list[int | None] = []  # faults after a message exists, in order
        self._runner: web.AppRunner | None = None
        self.root = ""

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/ws", self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway", self._gateway_url),
            ("GET", "/gateway/bot", self._gateway_url),
            ("GET", "/applications/{app_id}/commands", self._commands),
            ("PUT", "/applications/{app_id}/commands", self._overwrite),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._overwrite),
            ("GET", "/channels/{channel_id}", self._channel),
            ("POST", "/channels/{channel_id}/messages", self._post_message),
        ]
        for method, route, handler in routes + self.webhooks.routes():
            app.router.add_route(method, API + route, handler)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = self.webhooks.root = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        """The REST base URL (DISCORD_API_BASE_URL)."""
        return self.root + API

    @property
    def gateway_url(self) -> str:
        """The gateway websocket URL (DISCORD_GATEWAY_URL; also announced at /gateway/bot)."""
        return self.root.replace("http://", "ws://") + "/ws"

    # --- what a test controls and reads ----------------------------------------------------

    def add_guild(self, name: str, shard: tuple[int, int] | None = None) -> str:
        """Another guild the bot is in (announced in READY and GUILD_CREATE on connecting);
        with `shard=(id, count)`, one whose events go to that shard."""
        guild_id = p.snowflake()
        if shard is not None:
            wanted, count = shard
            bits = int(guild_id)
            high = bits >> 22
            high += (wanted - high) % count  # the next timestamp part that lands on the shard
            guild_id = str(high << 22 | bits & ((1 << 22) - 1))
            assert shard_of(guild_id, count) == wanted
        self.guilds[guild_id] = name
        return guild_id

    def add_channel(self, name: str, guild_id: str | None = None) -> str:
        channel_id = p.snowflake()
        self.channels[channel_id] = p.channel(channel_id, guild_id or self.guild_id, name)
        return channel_id

    def delete_channel(self, channel_id: str) -> None:
        """From now on the channel answers 404, code 10003 (Unknown Channel)."""
        self._gone.add(channel_id)

    def forbid_channel(self, channel_id: str) -> None:
        """From now on the channel answers 403, code 50013 (Missing Permissions)."""
        self._forbidden.add(channel_id)

    def set_bot_permissions(self, channel_id: str, permissions: int) -> None:
        """The bot's rights in a channel from now on: interactions there carry them as
        `app_permissions`, and posting without View Channel and Send Messages answers 403."""
        self.bot_rights[channel_id] = permissions

    def _may_post(self, channel_id: str) -> bool:
        rights = self.bot_rights.get(channel_id, p.EVERYONE_PERMISSIONS)
        return rights & p.POSTING == p.POSTING

    def fail_next(
        self,
        status: int,
        n: int = 1,
        *,
        path: str | None = None,
        retry_after: float = 0.1,
        is_global: bool = False,
    ) -> None:
        """Answer the next `n` REST requests (whose path contains `path`) with `status`."""
        self.limits.faults.append(Fault(status, n, path, retry_after, is_global))

    def fail_after_posting(self, status: int | None = 503, n: int = 1) -> None:
        """The next `n` messages are created, then answered with `status` instead of the
        message (None: the connection drops): the sender cannot know its message went out."""
        self._after_post.extend([status] * n)

    def messages(self, channel_id: str) -> list[Posted]:
        """What the bot posted in a channel (POST /channels/{id}/messages), oldest first."""
        return self.posts.of(channel_id)

    def commands(self, guild_id: str | None = None) -> list[dict[str, Any]]:
        """The commands registered globally, or for a guild."""
        return self.global_commands if guild_id is None else self.guild_commands.get(guild_id, [])

    def sent(self, method: str, route: str) -> list[Recorded]:
        """Requests for one route template, e.g. ("POST", "/channels/{channel_id}/messages")."""
        return [r for r in self.requests if r.method == method and r.route == route]

    async def interaction(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: str = "4000000000000000001",
        user_name: str = "Member",
        permissions: int = p.EVERYONE_PERMISSIONS,
        channel_id: str | None = None,
        focused: str | None = None,
    ) -> InteractionRecord:
        """Inject an INTERACTION_CREATE: a slash command, or autocomplete when `focused` is set."""
        channel_id = channel_id or self.channel_id
        guild_id = self.channels[channel_id]["guild_id"]
        registered = self.guild_commands.get(guild_id, []) + self.global_commands
        data, uploads = command_data(registered, command.split(), options or {}, self.root, focused)
        self._uploads.update(uploads)
        interaction_id = p.snowflake()
        payload: dict[str, Any] = {
            "id": interaction_id,
            "application_id": self.app_id,
            "type": 4 if focused else 2,
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": dict(self.channels[channel_id], permissions=str(permissions)),
            "member": p.member(p.user(user_id, user_name), permissions),
            "app_permissions": str(self.bot_rights.get(channel_id, p.EVERYONE_PERMISSIONS)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": data,
        }
        record = InteractionRecord(payload)
        self.webhooks.records[interaction_id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    async def run(self, command: str, options: dict[str, Any] | None = None, **who: Any) -> Posted:
        """A member types a slash command; returns the answer they see."""
        return await (await self.interaction(command, options, **who)).reply()

    async def autocomplete(
        self,
        command: str,
        option: str,
        typed: str,
        others: dict[str, Any] | None = None,
        **who: Any,
    ) -> list[dict[str, Any]]:
        """A member types `typed` into `option`; returns the choices the bot offered."""
        values = dict(others or {}, **{option: typed})
        record = await self.interaction(command, values, focused=option, **who)
        return await record.choices()

    # --- the HTTP side ---------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API):
            return await handler(request)
        info = request.match_info
        route = info.route.resource.canonical[len(API) :] if info.route.resource else request.path
        body, files = await read_body(request)
        request[BODY], request[FILES] = body, files
        record = Recorded(
            request.method, route, request.path[len(API) :], dict(request.query), body, files
        )
        self.requests.append(record)
        response = await self._answer(request, handler, route)
        record.status = response.status
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, route: str
    ) -> web.StreamResponse:
        info = request.match_info
        webhook = route.startswith(("/interactions/", "/webhooks/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return error_response(401, 0, "401: Unauthorized")
        major = info.get("channel_id") or info.get("guild_id") or info.get("token") or ""
        verdict = self.limits.check(request.method, route, major, request.path, webhook)
        if verdict.status:
            return json_response(verdict.body, status=verdict.status, headers=verdict.headers)
        channel_id = info.get("channel_id")
        if channel_id in self._gone or (channel_id and channel_id not in self.channels):
            response: web.StreamResponse = error_response(404, UNKNOWN_CHANNEL, "Unknown Channel")
        elif channel_id in self._forbidden or (
            channel_id and request.method == "POST" and not self._may_post(channel_id)
        ):
            response = error_response(403, MISSING_PERMISSIONS, "Missing Permissions")
        else:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                response = error_response(404, 0, "404: Not Found")
        response.headers.update(verdict.headers)
        return response

    def _ready(self, session_id: str, shard: tuple[int, int]) -> dict[str, Any]:
        guilds = [g for g in self.guilds if shard_of(g, shard[1]) == shard[0]]
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": guild_id, "unavailable": True} for guild_id in guilds],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(shard),
            "application": {"id": self.app_id, "flags": 0},
        }

    def _guilds(self) -> list[dict[str, Any]]:
        channels = [c for i, c in self.channels.items() if i not in self._gone]
        return [
            p.guild(
                guild_id, name, [c for c in channels if c["guild_id"] == guild_id], self.bot_user
            )
            for guild_id, name in self.guilds.items()
        ]

    async def _me(self, request: web.Request) -> web.Response:
        return json_response(self.bot_user)

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(p.application(self.app_id, p.user(p.snowflake(), "Owner")))

    async def _gateway_url(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _commands(self, request: web.Request) -> web.Response:
        return json_response(self.commands(request.match_info.get("guild_id")))

    async def _overwrite(self, request: web.Request) -> web.Response:
        guild_id = request.match_info.get("guild_id")
        commands = [p.registered(c, self.app_id, guild_id) for c in request[BODY]]
        if guild_id is None:
            self.global_commands = commands
        else:
            self.guild_commands[guild_id] = commands
        return json_response(commands)

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self._uploads.get(request.match_info["attachment_id"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    async def _channel(self, request: web.Request) -> web.Response:
        return json_response(self.channels[request.match_info["channel_id"]])

    async def _post_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel_id"]
        message = await self.posts.post(
            channel_id, request[BODY], request[FILES], root=self.root, author=self.bot_user
        )
        if self._after_post:
            status = self._after_post.pop(0)
            if status is None and request.transport is not None:
                request.transport.abort()  # the answer never comes back
                return web.Response()
            return json_response({"message": "upstream failure", "code": 0}, status=status or 503)
        return json_response(message.payload)
