"""`racewatch run` as a real process, its Slack settings pointed at the fake Slack."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.support.fakes.slack_requests import SlashCommandClient
from tests.support.fakes.slack_server import FakeSlack
from tests.support.slack_world import CURATOR, SCORE_ADD, SIGNING_SECRET, row, texts

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def racewatch_run(fake: FakeSlack, tmp_path: Path, **env: str) -> AsyncIterator[None]:
    """Start `racewatch run` (Slack only, a fresh SQLite file); stop it afterwards."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    clean |= {
        "RACEWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "RACEWATCH_HEALTH_PORT": str(free_port()),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_BASE_URL": fake.api_url,
        "SLACK_CURATORS": CURATOR,
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; raise SystemExit(main(['run']))",
        env=clean,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield
    finally:
        process.terminate()
        _out, err = await process.communicate()
        for secret in (fake.bot_token, fake.app_token, SIGNING_SECRET):
            assert secret.encode() not in err


async def test_racewatch_run_in_socket_mode(fake_slack: FakeSlack, tmp_path: Path) -> None:
    async with racewatch_run(fake_slack, tmp_path, SLACK_APP_TOKEN=fake_slack.app_token):
        await fake_slack.socket.wait_connected(within=60)
        slash = SlashCommandClient(fake_slack)
        _ack, url = await slash.socket("/gap", "GLM-5.2 Opus-4.8")
        [message] = await fake_slack.wait_for_responses(url)
    frontier = row(message, "FrontierSWE")
    assert frontier[1:4] == ["74.4", "75.1", "0.7"]


async def test_racewatch_run_in_http_mode(fake_slack: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_HOST": "127.0.0.1",
        "SLACK_PORT": str(port),
    }
    async with racewatch_run(fake_slack, tmp_path, **env):
        slash = SlashCommandClient(
            fake_slack, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET
        )
        await wait_listening(port)
        added = await slash.post("/admin", SCORE_ADD, user_id=CURATOR)
        [message] = await fake_slack.wait_for_responses(added.response_url)
    assert added.status == 200
    assert message["response_type"] == "in_channel", texts(message)


async def wait_listening(port: int, within: float = 60) -> None:
    """Poll until the process accepts connections (it migrates and seeds first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)
        else:
            writer.close()
            await writer.wait_closed()
            return
