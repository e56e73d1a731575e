"""`/healthz`, `/readyz` and `/metrics` of `racewatch run` (in process, on the fake Discord).

The fake Discord and PostgreSQL are reached through proxies the test cuts and restores:
`/readyz` must say which one went away, then be ready again once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy.engine import make_url

from bot import app
from bot.config import Settings
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.operator import clean_env, free_port
from tests.support.proxy import CuttableProxy

PG_URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL") or None
CURATOR = "4000000000000000099"


@dataclass
class Running:
    fake: FakeDiscord
    gateway: CuttableProxy
    base: str
    process: asyncio.Task[None]

    async def get(self, path: str) -> tuple[int, Any]:
        async with aiohttp.ClientSession() as http, http.get(self.base + path) as response:
            body = await (response.json() if path != "/metrics" else response.text())
            return response.status, body


async def until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:.0f} s")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def racewatch_run(tmp_path: Path, database_url: str | None = None) -> AsyncIterator[Running]:
    """`racewatch run` on the fake Discord, the fake reached through a cuttable proxy."""
    fake = FakeDiscord()
    await fake.start()
    gateway = CuttableProxy(int(fake.root.rsplit(":", 1)[1]))
    await gateway.start()
    fake.root = fake.webhooks.root = f"http://127.0.0.1:{gateway.port}"  # READY's resume URL too
    port = free_port()
    settings = Settings(
        _env_file=None,
        discord_token=fake.token,
        discord_api_base_url=fake.url,
        discord_curator_ids=CURATOR,
        database_url=database_url or f"sqlite:///{tmp_path}/run.db",
        health_host="127.0.0.1",
        health_port=port,
        bundled="articles",
    )
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    process = asyncio.create_task(app.run(settings))
    running = Running(fake, gateway, f"http://127.0.0.1:{port}", process)
    try:
        await until(lambda: _ready(running), "ready")
        yield running
    finally:
        process.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await process
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        await gateway.close()
        await fake.close()


async def _ready(running: Running) -> bool:
    if running.process.done():
        running.process.result()  # raises why it stopped
        raise AssertionError("racewatch run returned before it was ready")
    try:
        status, _ = await running.get("/readyz")
    except aiohttp.ClientError:
        return False
    return status == 200


async def _unready_because(running: Running, word: str) -> bool:
    status, body = await running.get("/readyz")
    return status == 503 and any(word in reason for reason in body.get("reasons", []))


async def test_readyz_goes_unready_when_the_gateway_goes_away_and_back(tmp_path: Path) -> None:
    async with racewatch_run(tmp_path) as running:
        status, body = await running.get("/readyz")
        assert status == 200 and body["checks"] == {
            "database": "ok",
            "discord": "ok",
            "scheduler": "ok",
        }
        assert await running.get("/healthz") == (200, {"status": "ok"})

        await running.gateway.cut()
        await until(lambda: _unready_because(running, "Discord gateway"), "unready on Discord")
        status, body = await running.get("/healthz")
        assert status == 200  # alive all the same: nothing to restart
        await running.gateway.restore()
        await until(lambda: _ready(running), "ready again")


@pytest.mark.skipif(PG_URL is None, reason="set RACEWATCH_TEST_POSTGRES_URL to a PostgreSQL")
async def test_readyz_goes_unready_when_the_database_goes_away_and_back(tmp_path: Path) -> None:
    assert PG_URL is not None
    url = make_url(PG_URL)
    database = CuttableProxy(url.port or 5432, url.host or "127.0.0.1")
    await database.start()
    try:
        proxied = url.set(host="127.0.0.1", port=database.port)
        async with racewatch_run(
            tmp_path, proxied.render_as_string(hide_password=False)
        ) as running:
            await database.cut()
            await until(lambda: _unready_because(running, "database"), "unready on the database")
            _status, body = await running.get("/readyz")
            assert str(url.password) not in str(body)
            await database.restore()
            await until(lambda: _ready(running), "ready again")
    finally:
        await database.close()


def _sample(metrics: str, name: str, **labels: str) -> float:
    """One sample's value in the text exposition (0 when absent)."""
    for line in metrics.splitlines():
        match = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


async def test_metrics_count_a_served_command(tmp_path: Path) -> None:
    async with racewatch_run(tmp_path) as running:
        _, before = await running.get("/metrics")
        reply = await running.fake.run("race", {}, user_id=CURATOR)
        assert reply.embeds
        refused = await running.fake.run("admin audit", {}, user_id="4000000000000000001")
        assert refused.ephemeral
        status, after = await running.get("/metrics")
    assert status == 200
    ok = {"command": "race", "platform": "discord", "outcome": "ok"}
    assert _sample(after, "racewatch_commands_total", **ok) == (
        _sample(before, "racewatch_commands_total", **ok) + 1
    )
    no = {"command": "admin audit", "platform": "discord", "outcome": "refused"}
    assert _sample(after, "racewatch_commands_total", **no) == (
        _sample(before, "racewatch_commands_total", **no) + 1
    )
    assert _sample(after, "racewatch_command_seconds_count", command="race") >= 1
    for name in (
        "racewatch_outbox_depth",
        "racewatch_outbox_oldest_seconds",
        "process_start_time_seconds",
    ):
        assert re.search(rf"^{name} ", after, re.M), name
    assert _sample(after, "racewatch_scheduler_runs_total", outcome="idle") >= 1
    assert re.search(r'^racewatch_gateway_latency_seconds\{platform="discord"\} ', after, re.M)


async def healthcheck(port: int, *args: str) -> tuple[int, str]:
    """`racewatch healthcheck` as Docker's HEALTHCHECK runs it, with the port configured."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "healthcheck",
        *args,
        env=clean_env(RACEWATCH_HEALTH_PORT=str(port), RACEWATCH_HEALTH_HOST="0.0.0.0"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert b"Traceback" not in err, err
    return int(process.returncode or 0), (out + err).decode()


async def test_the_healthcheck_command_asks_the_configured_port(tmp_path: Path) -> None:
    async with racewatch_run(tmp_path) as running:
        port = int(running.base.rsplit(":", 1)[1])
        assert (await healthcheck(port))[0] == 0
        code, said = await healthcheck(port, "--ready")
        assert code == 0 and '"ready"' in said
    code, said = await healthcheck(free_port())
    assert code == 1 and "/healthz" in said
