"""Slack HTTP mode served by several identical processes behind one signing secret: each
answers what reaches it, and what one writes the other reads (no state lives in a process)."""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path

import pytest

from storage.engine.db import Database
from tests.support.fakes.slack_requests import SlashCommandClient
from tests.support.fakes.slack_server import FakeSlack
from tests.support.operator import Child, accepts, free_port, start_run, until
from tests.support.slack_world import CURATOR, READER, SCORE_ADD, SIGNING_SECRET, table_rows, texts

pytestmark = pytest.mark.slow


def served(child: Child) -> list[str]:
    """The commands this process answered, from its log lines."""
    text = child.log.read_text(errors="replace")
    return re.findall(r"command /(.+?) on slack in workspace \S+: ok", text)


async def test_two_http_processes_answer_what_reaches_each(
    fake_slack: FakeSlack, postgres: Database, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    children = [
        await start_run(
            tmp_path,
            f"slack{i}",
            RACEWATCH_DATABASE_URL=os.environ["RACEWATCH_TEST_POSTGRES_URL"],
            SLACK_BOT_TOKEN=fake_slack.bot_token,
            SLACK_API_BASE_URL=fake_slack.api_url,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_HOST="127.0.0.1",
            SLACK_PORT=str(port),
            SLACK_CURATORS=CURATOR,
            RACEWATCH_FEEDS="off",
        )
        for i, port in enumerate(ports)
    ]
    first, second = (
        SlashCommandClient(fake_slack, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        for port in ports
    )

    async def answer(client: SlashCommandClient, command: str, text: str, who: str) -> str:
        result = await client.post(command, text, user_id=who)
        assert result.status == 200, result.body
        [message] = await fake_slack.wait_for_responses(result.response_url)
        return texts(message)

    async def leader(client: SlashCommandClient) -> list[str]:
        result = await client.post("/leaderboard", "FrontierSWE", user_id=READER)
        [message] = await fake_slack.wait_for_responses(result.response_url)
        return table_rows(message)[2][:2]

    try:
        for child, port in zip(children, ports, strict=True):
            await until(partial(accepts, port), "listening", child, 90)
        assert "GPT-5.5" in await answer(first, "/admin", SCORE_ADD, CURATOR)
        assert await leader(second) == ["1", "GPT-5.5"]  # written by the first process
        assert "Undone" in await answer(second, "/admin", "undo", CURATOR)
        assert await leader(first) != ["1", "GPT-5.5"]  # undone by the second
    finally:
        for child in children:
            await child.stop()

    assert served(children[0]) == ["admin score add", "leaderboard"], children[0].tail()
    assert served(children[1]) == ["leaderboard", "admin undo"], children[1].tail()
