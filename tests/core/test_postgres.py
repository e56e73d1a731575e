"""The same conversation on PostgreSQL as on SQLite: no SQLite-only SQL anywhere.

Runs when RACEWATCH_TEST_POSTGRES_URL names a PostgreSQL database the tests may empty
(`.ci/run` starts a server and sets it); skipped otherwise.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.imports.pipeline import import_bytes
from storage.engine.db import Database
from storage.engine.setup import prepare
from tests.support.database import snapshot
from tests.support.world import NOW

URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="RACEWATCH_TEST_POSTGRES_URL is not set (no PostgreSQL server to test on)"
)

CONVERSATION = (
    "/gap GLM-5.2 Opus-4.8",
    '/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE',
    "/race",
    "/race FrontierSWE",
    "/leaderboard FrontierSWE",
    "/leaderboard FrontierSWE country:CN limit:5 open-only",
    "/model GLM-5.2",
    "/sources GLM-5.2 FrontierSWE",
    "/forecasts",
    "/forecasts open",
    '/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20 weights:open',
    "/admin score add Kimi-K9 FrontierSWE 76.0 source:https://example.org/k9 date:2026-11-20",
    "/admin score add Kimi-K9 FrontierSWE 101 source:https://example.org/k9",
    "/admin model edit Opus-4.8 released:2026-03-01",
    "/gap Kimi-K9 Opus-4.8",
    "/admin model add Early-US org:Anthropic released:2026-01-10",
    "/admin score add Early-US FrontierSWE 76 source:https://example.org/e",
    "/admin model add Mid-US org:Anthropic released:2026-01-20",
    "/admin score add Mid-US FrontierSWE 77 source:https://example.org/m",
    "/gap GLM-5.2 Opus-4.8 benchmark:FrontierSWE",
    "/gap Mid-US Early-US",
    "/race FrontierSWE",
    "/admin undo",
    "/leaderboard FrontierSWE",
    "/admin audit",
    "/gap GLM-5.2 nosuchmodel",
)


async def _empty(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
async def postgres() -> AsyncIterator[Database]:
    db = Database(URL)
    await _empty(db)
    await prepare(db, NOW)
    yield db
    await db.close()


async def test_every_answer_is_the_same_on_postgresql(postgres: Database, db: Database) -> None:
    on_pg, on_sqlite = Dispatcher(postgres, FixedClock(NOW)), Dispatcher(db, FixedClock(NOW))
    for line in CONVERSATION:
        expected = await on_sqlite.run_line(line, CONSOLE_CALLER)
        answer = await on_pg.run_line(line, CONSOLE_CALLER)
        assert answer.plain_text() == expected.plain_text(), line
        assert answer.is_error == expected.is_error, line


async def test_a_refused_write_changes_nothing_on_postgresql(postgres: Database) -> None:
    before = await snapshot(postgres)
    reply = await Dispatcher(postgres, FixedClock(NOW)).run_line(
        "/admin score add GLM-5.2 FrontierSWE NaN source:https://example.org/x", CONSOLE_CALLER
    )
    assert reply.is_error
    assert await snapshot(postgres) == before


async def test_the_dataset_loads_once_on_postgresql(postgres: Database) -> None:
    assert await prepare(postgres, NOW) is False


IMPORT = "model,organization,country,release_date,benchmark,score,source,weights,date\n" + "".join(
    f"Bulk-{i},{'Zhipu AI' if i % 2 else 'OpenAI'},{'CN' if i % 2 else 'US'},"
    f"2026-{i % 9 + 1:02d}-15,{bench},{(i * 7) % 90 + 5}.5,https://example.org/bulk/{i},"
    f"{'open' if i % 3 else 'closed'},2026-10-0{i % 9 + 1}\n"
    for i in range(400)
    for bench in ("FrontierSWE", "PostTrainBench")
)
AFTER_IMPORT = ("/race", "/race FrontierSWE", "/gap Bulk-1 Bulk-2", "/leaderboard PostTrainBench")


async def test_an_import_and_its_undo_answer_the_same_on_postgresql(
    postgres: Database, db: Database
) -> None:
    """The bulk writer's PostgreSQL branch: ids from the sequences, executemany pages."""
    on_pg, on_sqlite = Dispatcher(postgres, FixedClock(NOW)), Dispatcher(db, FixedClock(NOW))
    before = await snapshot(postgres)
    reports = [
        await import_bytes(
            database, "bulk.csv", IMPORT.encode(), actor=CONSOLE_CALLER.actor, now=NOW
        )
        for database in (db, postgres)
    ]
    assert [r.text().split("batch")[0] for r in reports] == [
        reports[0].text().split("batch")[0]
    ] * 2
    assert reports[1].written is not None and reports[1].written.scores == 800
    for line in (*AFTER_IMPORT, "/admin undo", *AFTER_IMPORT):
        expected = await on_sqlite.run_line(line, CONSOLE_CALLER)
        answer = await on_pg.run_line(line, CONSOLE_CALLER)
        assert answer.plain_text() == expected.plain_text(), line
    after = await snapshot(postgres)
    for table in ("organizations", "models", "names", "scores", "benchmarks"):
        assert after[table] == before[table], table
