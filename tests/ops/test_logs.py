"""Logs of `racewatch run`: a line per command, JSON on request, no library chatter, and
no secret in any line (a token, the database password, the body of a refused request)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

import pytest

from bot.logs import setup_logging
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.operator import clean_env, free_port

CURATOR = "4000000000000000099"


def test_secrets_are_masked_in_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`setup_logging` configures the whole process; tests/conftest.py puts it back after."""
    token = "MTIzNDU2.Gx-secret.token"
    setup_logging("INFO", "json", [token, "pg-pass-42"])
    log = logging.getLogger("bot.anything")
    log.info("logged in with %s", token)
    log.warning("cannot reach postgresql://racewatch:pg-pass-42@db:5432/racewatch")
    log.warning("url with another password: postgresql://u:other-pw@h/db")
    try:
        raise RuntimeError(f"refused {token}")
    except RuntimeError:
        log.exception("failed")
    logging.getLogger("bot.platforms.slack.bolt").warning(
        "Invalid request signature detected (signature: v0=1, timestamp: 1, body: text=leak-me)"
    )
    logging.getLogger("apscheduler.scheduler").info("Added job ...")  # chatter: dropped
    lines = capsys.readouterr().err.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 5
    text = "\n".join(lines)
    for secret in (token, "pg-pass-42", "other-pw", "leak-me"):
        assert secret not in text, secret
    assert records[1]["message"] == "cannot reach postgresql://racewatch:***@db:5432/racewatch"
    assert records[3]["level"] == "ERROR" and "RuntimeError: refused ***" in records[3]["error"]
    assert all(not r["logger"].startswith("apscheduler") for r in records)


async def test_racewatch_run_logs_each_command_as_json(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    log_path = tmp_path / "run.log"
    try:
        env = clean_env(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE_URL=fake.url,
            DISCORD_CURATORS=CURATOR,
            RACEWATCH_DATABASE_URL=f"sqlite:///{tmp_path}/run.db",
            RACEWATCH_HEALTH_PORT=str(free_port()),
            RACEWATCH_LOG_LEVEL="info",
            RACEWATCH_LOG_FORMAT="JSON",
        )
        with log_path.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                cwd=tmp_path,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        try:
            await fake.gateway.wait_connected(seconds=90)
            reply = await fake.run("gap", {"model_a": "GLM-5.2", "model_b": "Opus-4.8"})
            assert reply.embeds
            await fake.run("admin audit", {}, user_id="4000000000000000001")  # refused
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                code = await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                raise AssertionError(log_path.read_text()[-6000:]) from None
            assert code == 0, log_path.read_text()
    finally:
        await fake.close()
    records = [json.loads(line) for line in log_path.read_text().splitlines()]
    commands = [r for r in records if r["logger"] == "bot.commands"]
    assert [(r["command"], r["platform"], r["outcome"]) for r in commands] == [
        ("gap", "discord", "ok"),
        ("admin audit", "discord", "refused"),
    ]
    assert all(r["workspace"] == fake.guild_id and r["ms"] >= 0 for r in commands)
    assert not [r for r in records if r["logger"].startswith(("apscheduler", "discord"))]
    assert fake.token not in log_path.read_text()
