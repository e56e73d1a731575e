"""The Bolt handlers with a toy registry: acks, in_channel vs ephemeral, roles, images, failures."""

from __future__ import annotations

import asyncio
from typing import Any

from commands.core.dispatch import Dispatcher
from tests.support import toy
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import ADMIN, CURATOR, LISTED_MANAGER, READER, texts


async def test_echo_acks_empty_and_answers_in_channel(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    result = await slash.post("/echo", '"hello <!channel> & @here"')
    assert result.status == 200
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    shown = texts(message)
    assert "hello &lt;!channel&gt; &amp; @\u2060here" in shown
    assert "<!channel>" not in str(message)
    assert READER in shown
    assert toy.RAN == ["echo"]


async def test_forged_or_stale_signature_is_refused_and_nothing_runs(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    forged = await slash.post("/echo", "hi", secret="not-the-secret")
    stale = await slash.post("/echo", "hi", timestamp=1_700_000_000)
    assert (forged.status, stale.status) == (401, 401)
    assert toy.RAN == []
    assert fake_slack.responses(forged.response_url) == []
    assert fake_slack.responses(stale.response_url) == []


async def test_refusals_are_ephemeral_and_run_nothing(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    admin = await slash.post("/admin", "poke", user_id=READER)
    manage = await slash.post("/subscribe", "", user_id=READER)
    for result in (admin, manage):
        [message] = await fake_slack.wait_for_responses(result.response_url)
        assert message["response_type"] == "ephemeral"
        assert "nothing was changed" in texts(message)
    assert toy.RAN == []


async def test_curators_and_managers_are_let_in(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    results = [
        await slash.post("/admin", "poke", user_id=CURATOR),
        await slash.post("/subscribe", "", user_id=ADMIN),  # workspace admin (users.info)
        await slash.post("/subscribe", "", user_id=LISTED_MANAGER),  # listed in config
    ]
    for result in results:
        [message] = await fake_slack.wait_for_responses(result.response_url)
        assert message["response_type"] == "in_channel", texts(message)
    assert toy.RAN == ["admin poke", "subscribe", "subscribe"]
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == [ADMIN]


async def test_workspace_admin_lookup_is_cached(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    for _ in range(3):
        result = await slash.post("/subscribe", "", user_id=ADMIN)
        await fake_slack.wait_for_responses(result.response_url)
    await slash.post("/echo", "x", user_id=READER)  # an everyone command asks nobody
    assert len(fake_slack.calls_to("users.info")) == 1
    assert toy.RAN.count("subscribe") == 3


async def test_slow_command_acks_at_once_and_posts_its_picture(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    result = await slash.post("/chart", "", channel_id="C0CHARTS")
    assert result.status == 200 and "Working on /chart" in result.body
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert message["response_type"] == "in_channel"
    await fake_slack.wait_for(lambda: fake_slack.calls_to("files.completeUploadExternal"))
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0CHARTS"
    assert list(fake_slack.state.uploads.values()) == [toy.PNG]


async def test_picture_in_a_channel_without_the_bot_says_why(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    fake_slack.break_channel("C0PRIVATE", "not_in_channel")
    _front, slash = await start_slack(toy_dispatcher)
    result = await slash.post("/chart", "", channel_id="C0PRIVATE")
    chart, note = await fake_slack.wait_for_responses(result.response_url, count=2)
    assert chart["response_type"] == "in_channel"
    assert note["response_type"] == "ephemeral"
    assert "not a member of the channel" in note["text"]


async def test_failures_and_mistakes_answer_the_caller_alone(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    boom = await slash.post("/boom")
    typo = await slash.post("/echo", '"unclosed')
    [crash] = await fake_slack.wait_for_responses(boom.response_url)
    [mistake] = await fake_slack.wait_for_responses(typo.response_url)
    assert crash["response_type"] == mistake["response_type"] == "ephemeral"
    assert "incident" in texts(crash) and "kaboom" not in str(crash)
    assert "quote is not closed" in texts(mistake)


async def test_slow_command_is_acked_before_it_finishes(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    toy.Gate.event = asyncio.Event()
    _front, slash = await start_slack(toy_dispatcher)
    result = await slash.post("/ponder")
    assert result.status == 200 and "Working on /ponder" in result.body
    assert toy.RAN == [] and fake_slack.responses(result.response_url) == []
    toy.Gate.event.set()
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert texts(message) == "pondered" and toy.RAN == ["ponder"]


async def test_slack_escaping_of_the_typed_text_is_undone(
    fake_slack: FakeSlack, start_slack: Any, toy_dispatcher: Dispatcher
) -> None:
    _front, slash = await start_slack(toy_dispatcher)
    typed = '"AT&amp;T &lt;3 <https://example.org/a|example.org/a>"'
    result = await slash.post("/echo", typed)
    [message] = await fake_slack.wait_for_responses(result.response_url)
    assert "AT&amp;T &lt;3 https://example.org/a" in texts(message)  # escaped once, not twice
