"""Channel managers: config list, or workspace admins/owners from users.info, cached for a TTL."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.roles import WorkspaceRoles
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import ADMIN, LISTED_MANAGER, READER


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def roles(fake: FakeSlack, ticks: Ticks) -> WorkspaceRoles:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    return WorkspaceRoles(client, ["U0CURATOR"], [LISTED_MANAGER], ttl=60, monotonic=ticks)


async def test_admin_flag_is_cached_until_the_ttl_ends(fake_slack: FakeSlack) -> None:
    ticks = Ticks()
    workspace = roles(fake_slack, ticks)
    assert await workspace.is_channel_manager("T0RACE", ADMIN)
    fake_slack.add_user(ADMIN, "admin")  # demoted in Slack
    ticks.now = 59
    assert await workspace.is_channel_manager("T0RACE", ADMIN)  # still cached
    ticks.now = 61
    assert not await workspace.is_channel_manager("T0RACE", ADMIN)
    assert len(fake_slack.calls_to("users.info")) == 2


async def test_owner_and_listed_managers(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0OWNER", is_owner=True)
    workspace = roles(fake_slack, Ticks())
    assert await workspace.is_channel_manager("T0RACE", "U0OWNER")
    assert await workspace.is_channel_manager("T0RACE", LISTED_MANAGER)
    assert not await workspace.is_channel_manager("T0RACE", READER)
    assert workspace.is_curator("U0CURATOR") and not workspace.is_curator(READER)
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == ["U0OWNER", READER]


async def test_a_failed_lookup_refuses_but_is_not_cached(fake_slack: FakeSlack) -> None:
    workspace = roles(fake_slack, Ticks())
    fake_slack.fail_next("users.info", 400, error="missing_scope")
    assert not await workspace.is_channel_manager("T0RACE", ADMIN)
    assert await workspace.is_channel_manager("T0RACE", ADMIN)
