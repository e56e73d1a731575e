"""The Discord front end: logs in, syncs the command tree, serves interactions, sends alerts."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from datetime import datetime
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.config import Settings
from bot.platforms.discord.clicks import Clicks
from bot.platforms.discord.client import new_client
from bot.platforms.discord.endpoints import DISCORD_API, discover_gateway, point_at
from bot.platforms.discord.render import allowed_mentions, render
from bot.platforms.discord.respond import InteractionResponder
from bot.platforms.discord.tree import build_tree
from bot.platforms.errors import ChannelForbidden, ChannelGone, Rejected, RetryLater
from commands.core.caller import Platform
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 60.0


class DiscordFrontEnd:
    """One bot connection: `start()`, then it serves until `close()`; `send()` posts alerts."""

    name = Platform.DISCORD.value
    pace = 48.0
    """Sends per second: Discord's global limit is 50/s, 2 left for the other calls."""
    pace_bucket: str | None = None
    """The limit is the bot's, across processes: they share this budget (on PostgreSQL)."""

    def __init__(self, settings: Settings, dispatcher: Dispatcher) -> None:
        self.settings = settings
        if settings.discord_token is not None:  # a bot is its token: a hash of it names it
            token = settings.discord_token.get_secret_value().encode()
            self.pace_bucket = "discord:" + hashlib.sha256(token).hexdigest()[:16]
        self.shards = settings.shards  # (ids, count) when the bot is split across processes
        self.client = new_client(self.shards)
        self.responder = InteractionResponder(
            dispatcher, settings.discord_curators, poster=self.send
        )
        self.tree = build_tree(self.client, dispatcher.registry, self.responder)
        self.clicks = Clicks(dispatcher, settings.discord_curators)
        self.client.event(self.clicks.on_interaction)  # buttons and modals; commands: the tree
        self._connection: asyncio.Task[None] | None = None
        self._shards_up: set[int] = set()
        if self.shards is not None:
            self._watch_shards()

    async def start(self) -> None:
        """Log in, register the commands, and connect to the gateway (returns once READY)."""
        if self.settings.discord_token is None:
            raise RuntimeError("DISCORD_TOKEN is not set: the Discord front end cannot log in")
        api = self.settings.discord_api_base_url
        point_at(api, self.settings.discord_gateway_url)
        await self.client.login(self.settings.discord_token.get_secret_value())
        if self.settings.discord_gateway_url is None and api.rstrip("/") != DISCORD_API:
            point_at(api, await discover_gateway(self.client))
        synced = await self.sync_commands()
        log.info("Discord: %d commands registered", len(synced))
        connected = asyncio.ensure_future(self._connected())
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))
        self._connection.add_done_callback(_log_end)
        done, _ = await asyncio.wait(
            {connected, self._connection},
            timeout=CONNECT_TIMEOUT,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if connected not in done:
            connected.cancel()
            if self._connection in done:
                self._connection.result()  # raises why the gateway refused us
            raise TimeoutError("Discord gateway did not answer READY in time")
        shards = f" (shards {self.shards[0]} of {self.shards[1]})" if self.shards else ""
        log.info("Discord: connected as %s%s", self.client.user, shards)

    async def _connected(self) -> None:
        """Until the gateway says READY: on each of this process's shards when sharded."""
        if self.shards is None:
            await self.client.wait_for("connect")
            return
        waiting = set(self.shards[0])
        while waiting:
            with contextlib.suppress(TimeoutError):  # re-checked: no shard_connect slips by
                await self.client.wait_for("shard_connect", timeout=0.5)
            waiting -= {i for i in waiting if self._shard_up(i)}

    def _shard_up(self, shard_id: int) -> bool:
        client = self.client
        shard = (
            client.get_shard(shard_id) if isinstance(client, discord.AutoShardedClient) else None
        )
        return shard_id in self._shards_up and shard is not None and not shard.is_closed()

    def _watch_shards(self) -> None:
        """Keep `_shards_up` as the gateway says: READY or RESUMED up, a disconnect down."""

        async def on_shard_connect(shard_id: int) -> None:
            self._shards_up.add(shard_id)

        async def on_shard_resumed(shard_id: int) -> None:
            self._shards_up.add(shard_id)

        async def on_shard_disconnect(shard_id: int) -> None:
            self._shards_up.discard(shard_id)

        for handler in (on_shard_connect, on_shard_resumed, on_shard_disconnect):
            self.client.event(handler)

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        """Bulk-overwrite the commands: to the development guild if set, else globally."""
        guild_id = self.settings.discord_dev_guild_id
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def wait_closed(self) -> None:
        """Until the gateway connection ends (for `racewatch run`)."""
        if self._connection is not None:
            await self._connection

    async def unready_reason(self) -> str | None:
        """None while the gateway connection is up, else why not (for `/readyz`)."""
        if self.shards is not None:
            down = [str(i) for i in self.shards[0] if not self._shard_up(i)]
            if down or self.client.is_closed():
                return f"the Discord gateway is not connected (shard {', '.join(down) or 'all'})"
            return None
        ws = self.client.ws
        if self.client.is_closed() or ws is None or not ws.open or not self.client.is_ready():
            return "the Discord gateway is not connected"
        return None

    @property
    def latency(self) -> float:
        """The gateway's heartbeat round trip in seconds (NaN before the first)."""
        return float(self.client.latency)

    async def close(self) -> None:
        await self.client.close()
        if self._connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connection

    async def send(
        self,
        channel_id: str,
        reply: Reply,
        *,
        nonce: str | None = None,
        since: datetime | None = None,
    ) -> str:
        """Post a reply to a channel and return the message id; 429s are waited out by
        discord.py, the rest raise `bot.platforms.errors` types. The same `nonce` again within
        minutes posts nothing new (Discord's `enforce_nonce`): a resend after a crash is not a
        duplicate, so `since` (an earlier try may have landed) needs no lookup here."""
        embed, content, files = render(reply)
        channel = self.client.get_partial_messageable(int(channel_id))
        extra: dict[str, Any] = {"embed": embed} if embed is not None else {}
        if nonce is not None:
            extra["nonce"] = nonce
        if reply.reply_to:  # a correction answers the alert it corrects
            extra["reference"] = discord.MessageReference(
                message_id=int(reply.reply_to), channel_id=int(channel_id), fail_if_not_exists=False
            )
        try:
            message = await channel.send(
                content=content or None,
                files=files,
                allowed_mentions=allowed_mentions(reply),
                **extra,
            )
        except discord.NotFound as error:
            why = _why(error)
            raise ChannelGone(channel_id, why, f"the channel is gone ({why})") from error
        except discord.Forbidden as error:
            why = _why(error)
            text = f"the bot may not post there ({why})"
            raise ChannelForbidden(channel_id, why, text) from error
        except discord.HTTPException as error:
            retryable = error.status >= 500 or error.status == 429
            raise (RetryLater if retryable else Rejected)(channel_id, _why(error)) from error
        except (aiohttp.ClientError, OSError) as error:
            raise RetryLater(channel_id, str(error)) from error
        return str(message.id)


def _log_end(connection: asyncio.Task[None]) -> None:
    """A gateway connection that gives up (bad token, intents refused) must not end silently."""
    if not connection.cancelled() and connection.exception() is not None:
        log.error("Discord: the gateway connection ended", exc_info=connection.exception())


def _why(error: discord.HTTPException) -> str:
    return f"HTTP {error.status}, Discord code {error.code}: {error.text}"
