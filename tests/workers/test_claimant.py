"""Which outbox rows a starting worker may take back at once: those of dead local workers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.workers.claimant import is_gone, worker_name
from bot.workers.delivery import DeliveryWorker
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from storage.engine.db import Database
from storage.outbox.deliveries import claim, count_by_status

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def dead_pid() -> int:
    """A child process that ran and was reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def alive_pid() -> Iterator[int]:
    child = subprocess.Popen(SLEEPER)
    yield child.pid
    child.kill()
    child.wait()


def name_of(pid: int) -> str:
    host, namespace, _ = worker_name().rsplit(":", 2)
    return f"{host}:{namespace}:{pid}"


def test_the_name_says_host_namespace_and_pid() -> None:
    name = worker_name()
    assert name.endswith(f":{os.getpid()}") and len(name) <= 60


def test_a_reaped_process_is_gone_a_running_one_is_not(dead_pid: int, alive_pid: int) -> None:
    assert is_gone(name_of(dead_pid))
    assert not is_gone(name_of(alive_pid))


def test_a_killed_process_not_yet_reaped_is_gone() -> None:
    child = subprocess.Popen(SLEEPER)
    child.kill()
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, still in the table
    try:
        assert is_gone(name_of(child.pid))
    finally:
        child.wait()


def test_doubt_means_not_gone(dead_pid: int) -> None:
    host, namespace, _ = worker_name().rsplit(":", 2)
    assert not is_gone(f"another-host:{namespace}:{dead_pid}")  # not our machine
    assert not is_gone(f"{host}:1:{dead_pid}")  # another PID namespace
    assert not is_gone(worker_name())  # this very process
    assert not is_gone("test-worker")


class Silent:
    async def send(
        self, channel_id: str, reply: Reply, *, nonce: str | None = None, since: object = None
    ) -> str:
        raise AssertionError("recover() sends nothing")


async def test_recover_takes_back_only_what_dead_local_workers_held(
    db: Database, clock: FixedClock, dead_pid: int, alive_pid: int
) -> None:
    handlers.install(db)
    dispatcher = Dispatcher(db, clock)
    for channel in ("c1", "c2"):
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="7",
            display_name="Manager",
            workspace_id="g1",
            channel_id=channel,
            is_channel_manager=True,
        )
        assert not (await dispatcher.run_line("/subscribe scores", manager)).is_error
    score = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/x"
    assert not (await dispatcher.run_line(score, CONSOLE_CALLER)).is_error
    for holder in (name_of(dead_pid), name_of(alive_pid)):
        async with db.write("test", "claim", clock.now()) as change:
            now, lease_until = clock.now(), clock.now() + timedelta(minutes=2)
            claimed = await claim(
                change.conn,
                platforms=["discord"],
                limit=1,
                worker=holder,
                now=now,
                lease_until=lease_until,
            )
            assert claimed

    worker = DeliveryWorker(db, {"discord": Silent()}, clock)
    assert await worker.recover() == [name_of(dead_pid)]

    async with db.read() as conn:
        assert await count_by_status(conn) == {"pending": 1, "sending": 1}
