"""Discord shards split across processes: each `racewatch run` identifies as its shards only,
hears only its guilds' slash commands and answers them; a bad shard setting is said plainly."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.engine.db import Database
from tests.support.fakes.discord_gateway import IDENTIFY
from tests.support.fakes.discord_server import FakeDiscord
from tests.support.operator import assert_operator_error, racewatch
from tests.support.processes import Child, start_racewatch

pytestmark = pytest.mark.slow


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


def workspaces(child: Child) -> set[str]:
    """The guilds whose commands this process served (its command log lines)."""
    text = child.log.read_text(errors="replace")
    return set(re.findall(r"command /\S+ on discord in workspace (\d+): ok", text))


async def test_two_processes_each_serve_only_their_shards_guilds(
    fake: FakeDiscord, postgres: Database, tmp_path: Path
) -> None:
    guilds = {
        shard: fake.add_guild(f"Guild on shard {shard}", shard=(shard, 2)) for shard in (0, 1)
    }
    channels = {shard: fake.add_channel("race", guilds[shard]) for shard in (0, 1)}
    url = os.environ["RACEWATCH_TEST_POSTGRES_URL"]  # the fixture emptied and prepared it
    children = [
        await start_racewatch(
            fake,
            url,
            tmp_path,
            f"shard{shard}",
            RACEWATCH_SHARD_IDS=str(shard),
            RACEWATCH_SHARD_COUNT="2",
        )
        for shard in (0, 1)
    ]
    try:
        await fake.gateway.wait_connected(seconds=90, shards=2)
        for _ in range(2):
            for shard in (0, 1):
                reply = await fake.run("benchmarks", channel_id=channels[shard])
                assert reply.embeds, reply
    finally:
        for child in children:
            await child.stop()

    identified = [m["d"]["shard"] for m in fake.gateway.received if m.get("op") == IDENTIFY]
    assert sorted(identified) == [[0, 2], [1, 2]]
    assert workspaces(children[0]) == {guilds[0]}, children[0].tail()
    assert workspaces(children[1]) == {guilds[1]}, children[1].tail()


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"RACEWATCH_SHARD_IDS": "0,1"}, ("RACEWATCH_SHARD_IDS", "set RACEWATCH_SHARD_COUNT")),
        (
            {"RACEWATCH_SHARD_IDS": "1,2", "RACEWATCH_SHARD_COUNT": "2"},
            ("shard 2 is outside RACEWATCH_SHARD_COUNT=2", "0 to 1"),
        ),
        ({"RACEWATCH_SHARD_IDS": "first", "RACEWATCH_SHARD_COUNT": "2"}, ("shard numbers",)),
        ({"RACEWATCH_SHARD_COUNT": "0"}, ("RACEWATCH_SHARD_COUNT",)),
    ],
)
def test_a_bad_shard_setting_exits_2_saying_what_to_fix(
    tmp_path: Path, settings: dict[str, str], words: tuple[str, ...]
) -> None:
    result = racewatch("run", cwd=tmp_path, DISCORD_TOKEN="a-token", **settings)
    assert_operator_error(result, *words)
    assert not (tmp_path / "racewatch.db").exists()  # nothing was opened, nothing written
