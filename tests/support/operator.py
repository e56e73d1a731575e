"""The operator's view: `racewatch` as a child process with a clean environment (the
children themselves are `tests.support.processes`'s)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from pathlib import Path

from tests.support import processes
from tests.support.processes import Child, clean_env, start_run, until

__all__ = [  # the helpers the operator's tests use, wherever they live
    "Child",
    "accepts",
    "assert_operator_error",
    "clean_env",
    "free_port",
    "racewatch",
    "start_run",
    "until",
]


def racewatch(
    *args: str, cwd: Path, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run `racewatch ARGS` to its end (stdin is not a terminal)."""
    return processes.racewatch(*args, cwd=cwd, env=settings, stdin=stdin or "")


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
