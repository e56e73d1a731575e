"""`racewatch` as a child process: a one-shot command, or `racewatch run` watched and killed.

The fake Discord runs in the test's own event loop, so every wait on a running child polls
it with short sleeps; a child that dies early or a condition that never comes fails with
the child's log.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support.fakes.discord_server import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
OWN_SETTINGS = ("DISCORD_", "SLACK_", "RACEWATCH_")


def clean_env(**settings: str) -> dict[str, str]:
    """The test's environment without any Racewatch setting, plus `settings`; the feeds are
    off unless `settings` turn them on (their default sources are real hosts)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    # a new database gets the small dataset; no process polls the outside world
    quick = {"RACEWATCH_BUNDLED": "articles", "RACEWATCH_FEEDS": "off"}
    return env | {"PYTHONPATH": str(ROOT)} | quick | settings


def racewatch(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `racewatch ARGS` to its end with none of the operator's settings from this shell
    (a new database holds the articles alone unless `env` says RACEWATCH_BUNDLED=full; the
    feeds are off unless it says RACEWATCH_FEEDS=on)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        input=stdin,
        timeout=120,
        env=clean_env(**(env or {})),
    )


@dataclass
class Child:
    """One `racewatch run` process and the file its output goes to."""

    process: asyncio.subprocess.Process
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no lease released, in-flight sends never hear back."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()  # reaped: its pid is gone, not a zombie

    async def stop(self, sig: int = signal.SIGINT, seconds: float = 20.0) -> int:
        """Signal it as an operator (Ctrl-C) or Docker (SIGTERM) does; SIGKILL if it does not
        end in time. Returns its exit code."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
            try:
                await asyncio.wait_for(self.process.wait(), seconds)
            except TimeoutError:
                await self.kill()
        return int(self.process.returncode or 0)


async def start_run(workdir: Path, label: str, **settings: str) -> Child:
    """`racewatch run` with these settings only (no .env), its output in `label`.log."""
    log = workdir / f"{label}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=workdir,
            env=clean_env(**({"RACEWATCH_HEALTH_PORT": "0"} | settings)),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Child(process, log)


async def start_racewatch(
    fake: FakeDiscord, database_url: str, workdir: Path, label: str, **settings: str
) -> Child:
    """`racewatch run` with the operator's settings pointed at the fake (no .env, no Slack),
    plus `settings` (environment variables)."""
    discord = {
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE_URL": fake.url,
        "RACEWATCH_DATABASE_URL": database_url,
        "RACEWATCH_LOG_LEVEL": "INFO",
        "RACEWATCH_FEEDS": "off",
    }
    return await start_run(workdir, label, **(discord | settings))


async def until(
    condition: Callable[[], bool | Awaitable[bool]], what: str, child: Child, seconds: float
) -> None:
    """Poll `condition` until it holds; fail with the child's log if it dies or time runs out."""
    deadline = time.monotonic() + seconds
    while not await _holds(condition):
        if child.process.returncode is not None:
            raise AssertionError(
                f"racewatch exited ({child.process.returncode}) before {what}:\n{child.tail()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:.0f} s:\n{child.tail()}")
        await asyncio.sleep(0.02)


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    result = condition()
    return await result if inspect.isawaitable(result) else result
