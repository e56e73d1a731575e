"""The operator's view: `racewatch` as a child process with a clean environment."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN_SETTINGS = ("DISCORD_", "SLACK_", "RACEWATCH_")


def clean_env(**settings: str) -> dict[str, str]:
    """The test's environment without any Racewatch setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    quick = {"RACEWATCH_BUNDLED": "articles"}  # a new database gets the small dataset
    return env | {"PYTHONPATH": str(ROOT)} | quick | settings


def racewatch(
    *args: str, cwd: Path, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run `racewatch ARGS` to its end (stdin is not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        input=stdin if stdin is not None else "",
        timeout=120,
        env=clean_env(**settings),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def accepts(port: int) -> bool:
    """Whether something listens on 127.0.0.1:`port` (a process that migrates first is late)."""
    try:
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


def assert_operator_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, the sentence on stderr, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("racewatch: "), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


@dataclass
class Child:
    """One `racewatch run` process and the file its output goes to."""

    process: asyncio.subprocess.Process
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self, sig: int = signal.SIGTERM, seconds: float = 30.0) -> int:
        """Signal it as an operator (or Docker) does; SIGKILL if it does not end in time."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
            try:
                await asyncio.wait_for(self.process.wait(), seconds)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
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
            env=clean_env(RACEWATCH_HEALTH_PORT="0", **settings),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Child(process, log)


async def until(
    condition: Callable[[], bool | Awaitable[bool]], what: str, child: Child, seconds: float
) -> None:
    """Poll `condition` until it holds; fail with the child's log if it dies or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if await result if inspect.isawaitable(result) else result:
            return
        if child.process.returncode is not None:
            raise AssertionError(f"racewatch exited ({child.process.returncode}):\n{child.tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:.0f} s:\n{child.tail()}")
        await asyncio.sleep(0.02)
