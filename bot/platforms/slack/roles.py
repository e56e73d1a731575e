"""Who a Slack caller is: curators from config, channel managers from config or the workspace."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.sending import error_code

log = logging.getLogger(__name__)

DEFAULT_TTL = 300.0


class WorkspaceRoles:
    """Curators and channel managers; admin/owner flags come from users.info, cached a while."""

    def __init__(
        self,
        client: AsyncWebClient,
        curators: Iterable[str] = (),
        channel_managers: Iterable[str] = (),
        ttl: float = DEFAULT_TTL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.curators = frozenset(curators)
        self.channel_managers = frozenset(channel_managers)
        self.ttl = ttl
        self._monotonic = monotonic
        self._admins: dict[tuple[str, str], tuple[float, bool]] = {}

    def is_curator(self, user_id: str) -> bool:
        return user_id in self.curators

    async def is_channel_manager(self, team_id: str, user_id: str) -> bool:
        """Listed in config, or a workspace admin or owner (looked up once per TTL)."""
        if user_id in self.channel_managers:
            return True
        return await self._is_admin(team_id, user_id)

    async def _is_admin(self, team_id: str, user_id: str) -> bool:
        key = (team_id, user_id)
        now = self._monotonic()
        cached = self._admins.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            # Not cached: a passing outage must not lock an admin out for the whole TTL.
            log.warning("users.info for %s failed: %s", user_id, error_code(error) or error)
            return False
        user = response.get("user") or {}
        is_admin = bool(user.get("is_admin") or user.get("is_owner"))
        self._admins[key] = (now + self.ttl, is_admin)
        return is_admin
