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


async def test_history_lists_newest_first_a_page_at_a_time(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    meta = {"event_type": "t", "event_payload": {"key": "k"}}
    posted = [
        (await client.chat_postMessage(channel="C0H", text=f"m{n}", metadata=meta))["ts"]
        for n in range(3)
    ]
    await client.chat_postMessage(channel="C0H", text="reply", thread_ts=posted[0])
    page = await client.conversations_history(channel="C0H", limit=2)
    assert [m["ts"] for m in page["messages"]] == [posted[2], posted[1]]  # no thread reply
    assert page["has_more"] and "metadata" not in page["messages"][0]  # only when asked
    rest = await client.conversations_history(
        channel="C0H", limit=2, cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in rest["messages"]] == [posted[0]] and not rest["has_more"]
    late = await client.conversations_history(
        channel="C0H", oldest=posted[0], include_all_metadata=True
    )
    assert [m["ts"] for m in late["messages"]] == [posted[2], posted[1]]  # oldest excluded
    assert late["messages"][0]["metadata"] == meta
    thread = await client.conversations_replies(channel="C0H", ts=posted[0])
    assert [m["text"] for m in thread["messages"]] == ["m0", "reply"]


async def test_history_needs_its_scope(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    fake_slack.scopes.discard("channels:history")
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_history(channel="C0H")
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "channels:history"


@pytest.mark.parametrize("fault", [500, "drop"])
async def test_a_message_created_then_its_answer_lost(
    fake_slack: FakeSlack, fault: int | str
) -> None:
    client = AsyncWebClient(  # slack_sdk's default retries a dropped connection: none here
        token=fake_slack.bot_token, base_url=fake_slack.api_url, retry_handlers=[]
    )
    fake_slack.fail_after_posting(fault)
    with pytest.raises((SlackApiError, aiohttp.ClientError)):
        await client.chat_postMessage(channel="C0H", text="hello")
    assert [m.text for m in fake_slack.channel_messages("C0H")] == ["hello"]
    assert fake_slack.posted == []  # no answer said ok
