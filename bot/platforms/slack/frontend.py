"""The Slack front end: Bolt app, Socket Mode or HTTP mode, and a sender for alerts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime

from aiohttp import ClientError, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.config import Settings
from bot.platforms.slack.buttons import Clicks
from bot.platforms.slack.guard import refuse_unreadable
from bot.platforms.slack.handlers import register_commands
from bot.platforms.slack.roles import WorkspaceRoles
from bot.platforms.slack.sending import error_code, post_reply, retry_handlers
from bot.platforms.slack.sending_lookup import SentLookup, metadata
from commands.core.caller import Platform
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def _secret(value: object | None) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter else ""


class SlackFrontEnd:
    """Every registry command as a Slack slash command; `send()` posts alerts and digests."""

    name = Platform.SLACK.value
    pace = 20.0
    """Sends per second: gentle on Slack (about one a second per channel, bursts allowed)."""

    def __init__(self, settings: Settings, dispatcher: Dispatcher) -> None:
        if settings.slack_bot_token is None:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        self.settings = settings
        self.dispatcher = dispatcher
        self.socket_mode = settings.slack_app_token is not None
        if not self.socket_mode and settings.slack_signing_secret is None:
            raise ValueError("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET")
        self.client = AsyncWebClient(
            token=_secret(settings.slack_bot_token),
            base_url=settings.slack_api_base_url,
            retry_handlers=retry_handlers(),
            logger=logging.getLogger("bot.platforms.slack.web"),
        )
        self.poster = AsyncWebClient(  # alerts and digests: never re-posts blindly
            token=_secret(settings.slack_bot_token),
            base_url=settings.slack_api_base_url,
            retry_handlers=retry_handlers(posting=True),
            logger=logging.getLogger("bot.platforms.slack.web"),
        )
        self.lookup = SentLookup(self.poster)
        self.roles = WorkspaceRoles(
            self.client, settings.slack_curators, settings.slack_channel_managers
        )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=_secret(settings.slack_signing_secret),
            request_verification_enabled=not self.socket_mode,
            logger=logging.getLogger("bot.platforms.slack.bolt"),
            name="racewatch",
        )
        self.commands = register_commands(self.app, dispatcher, self.roles)
        Clicks(dispatcher, self.roles).register(self.app)  # buttons and forms
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def listen_url(self) -> str:
        """Where HTTP mode listens (the slash commands' Request URL ends with this path)."""
        return f"http://{self.settings.slack_host}:{self.port}{EVENTS_PATH}"

    async def start(self) -> None:
        """Connect over Socket Mode, or listen for signed HTTP requests; returns once ready.

        A refused token raises `SlackStartError` at once instead of retrying forever.
        """
        await _checked(self.client.auth_test(), "SLACK_BOT_TOKEN")
        if self.socket_mode:
            app_token = _secret(self.settings.slack_app_token)
            opened = await _checked(
                self.client.apps_connections_open(app_token=app_token), "SLACK_APP_TOKEN"
            )
            self._socket = AsyncSocketModeHandler(self.app, app_token, web_client=self.client)
            self._socket.client.wss_uri = str(opened["url"])  # the URL just issued
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack: connected in Socket Mode with %d commands", len(self.commands))
            return
        web_app = self.app.web_app(path=EVENTS_PATH)
        web_app.middlewares.append(refuse_unreadable)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.slack_host, self.settings.slack_port)
        await site.start()
        self._runner = runner
        self.port = _bound_port(runner, self.settings.slack_port)
        log.info("Slack: HTTP mode on %s with %d commands", self.listen_url, len(self.commands))

    async def unready_reason(self) -> str | None:
        """None while Socket Mode is connected or HTTP mode listens (for `/readyz`)."""
        if self._socket is not None:
            connected = await self._socket.client.is_connected()
            return None if connected else "the Slack Socket Mode link is down"
        return None if self._runner is not None else "Slack is not listening"

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def send(
        self,
        channel_id: str,
        reply: Reply,
        *,
        nonce: str | None = None,
        since: datetime | None = None,
    ) -> str:
        """Post an alert or digest (chat.postMessage) and return its `ts`; raises
        `bot.platforms.errors` types. Slack has no idempotency key: `nonce` goes in the
        message's metadata, and with `since` (an earlier try may have landed) a message
        already carrying it is found and returned instead of posting again."""
        if nonce is None:
            return await post_reply(self.poster, channel_id, reply)
        if since is not None:
            found = await self.lookup.find(channel_id, nonce, since, reply.reply_to)
            if found is not None:
                log.info("Slack channel %s: %s was already posted (%s)", channel_id, nonce, found)
                return found
        return await post_reply(self.poster, channel_id, reply, metadata(nonce))


class SlackStartError(RuntimeError):
    """Slack refused a configured token, or could not be reached, when starting."""


async def _checked(call: Awaitable[AsyncSlackResponse], setting: str) -> AsyncSlackResponse:
    """Await a Web API call; a refusal names the setting to fix (never the token itself)."""
    try:
        return await call
    except SlackApiError as error:
        reason = error_code(error) or f"HTTP {error.response.status_code}"
        raise SlackStartError(f"Slack refused {setting}: {reason}") from None
    except (OSError, TimeoutError, ClientError) as error:
        raise SlackStartError(f"Slack could not be reached: {error!r}") from None


def _bound_port(runner: web.AppRunner, configured: int) -> int:
    """The port actually bound (the OS picks one when the setting is 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return configured
