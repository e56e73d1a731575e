"""The fake Slack itself, through the real slack_sdk client: auth, uploads, response_url."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.fakes.slack_server import RESPONSE_URL_USES, FakeSlack


async def test_wrong_token_is_invalid_auth(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as raised:
        await client.auth_test()
    assert raised.value.response["error"] == "invalid_auth"
    good = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    assert (await good.auth_test())["team_id"] == fake_slack.team_id


async def test_upload_v2_flow_keeps_the_bytes(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    result = await client.files_upload_v2(channel="C0X", file=b"abc", filename="a.png", title="t")
    file_id = result["file"]["id"]
    assert fake_slack.state.uploads[file_id] == b"abc"
    assert [c.method for c in fake_slack.state.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_users_info_and_conversations_info(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    assert (await client.users_info(user="U0ADMIN"))["user"]["is_admin"] is True
    fake_slack.break_channel("C0OLD", "is_archived")
    info = await client.conversations_info(channel="C0OLD")
    assert info["channel"]["is_archived"] is True


async def test_response_url_takes_five_messages(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    async with aiohttp.ClientSession() as session:
        statuses = []
        for i in range(RESPONSE_URL_USES + 1):
            async with session.post(url, json={"text": f"m{i}"}) as response:
                statuses.append(response.status)
    assert statuses == [200] * RESPONSE_URL_USES + [404]
    assert [m["text"] for m in fake_slack.responses(url)] == [f"m{i}" for i in range(5)]


def test_unknown_channel_error_is_refused() -> None:
    with pytest.raises(ValueError):
        FakeSlack().break_channel("C0", "on_fire")
