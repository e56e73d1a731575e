"""Random sequences of curator writes, small imports and undos, typed through the console's
entry points, never leave the database with anything `racewatch db check` objects to.

On SQLite (a fresh copy of the seeded database per sequence) and, when
RACEWATCH_TEST_POSTGRES_URL is set, on PostgreSQL (emptied and seeded per sequence).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from commands.alerts import handlers
from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.options import Attachment
from commands.core.reply import Reply
from storage.check import check
from storage.engine.db import Database
from storage.engine.schema import metadata
from storage.engine.setup import prepare
from tests.support.world import NOW

POSTGRES = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
SEEDED: dict[str, list[dict[str, Any]]] = {}  # PostgreSQL's seeded rows, by table
MODELS = ("K1", "K2", "GLM-5.2")
ORGS = (("Moonshot AI", "CN"), ("AcmeUS", "US"), ("Mistral", "FR"), ("Anthropic", "US"))
DAYS = ("2025-12-01", "2026-01-10", "2026-06", "2026-Q3", "2026-11-20")
REPORTED = ("2026-06-19", "2026-10-01", "2026-11-20")
BENCHMARKS = ("FrontierSWE", "PostTrainBench")
SOURCES = ("https://example.org/a", "https://example.org/b")

names, orgs, days = st.sampled_from(MODELS), st.sampled_from(ORGS), st.sampled_from(DAYS)
scores = st.tuples(
    names,
    st.sampled_from(BENCHMARKS),
    st.integers(0, 100),
    st.sampled_from(SOURCES),
    st.sampled_from(REPORTED),
)


def _org(org: tuple[str, str]) -> str:
    return f'org:"{org[0]}" country:{org[1]}'


def _import(rows: list[tuple[str, tuple[str, str], str, tuple[str, str, int, str, str]]]) -> bytes:
    lines = ["model,organization,country,release_date,benchmark,score,source,date"]
    for model, (org, country), released, (_, bench, value, source, day) in rows:
        released = released if len(released) == 10 else "2026-02-02"
        lines.append(f"{model},{org},{country},{released},{bench},{value},{source},{day}")
    return ("\n".join(lines) + "\n").encode()


STEPS = st.one_of(
    st.builds(lambda n, o, d: f"/admin model add {n} {_org(o)} released:{d}", names, orgs, days),
    st.builds(lambda n, o: f"/admin model edit {n} {_org(o)}", names, orgs),
    st.builds(lambda n, d: f"/admin model edit {n} released:{d}", names, days),
    st.builds(lambda n, o, d: f"/admin model edit {n} {_org(o)} released:{d}", names, orgs, days),
    st.builds(lambda s: f"/admin score add {s[0]} {s[1]} {s[2]} source:{s[3]} date:{s[4]}", scores),
    st.builds(
        lambda n, a: f"/admin access {n} {a}",
        names,
        st.sampled_from(("available", "restricted", "withdrawn")),
    ),
    st.just("/admin undo"),
    st.builds(lambda k: f"/admin undo {k}", st.integers(3, 9)),
    st.builds(_import, st.lists(st.tuples(names, orgs, days, scores), min_size=1, max_size=3)),
)
SEQUENCES = st.lists(STEPS, min_size=2, max_size=8)
# Issue 14's sequence (entry 1 is the dataset, 2 the subscription): the undone edit must take
# the score added after it back to the model's old country and release date.
ISSUE_14: list[str | bytes] = [
    '/admin model add K1 org:"Moonshot AI" country:CN released:2026-11-20',
    "/admin model edit K1 org:AcmeUS country:US released:2026-01-10",
    "/admin score add K1 PostTrainBench 40 source:https://example.org/k9",
    "/admin undo 4",
]
MANAGER = Caller(
    platform=Platform.DISCORD,
    user_id="7",
    display_name="Manager",
    workspace_id="g1",
    channel_id="c1",
    is_curator=False,
    is_channel_manager=True,
)


@asynccontextmanager
async def fresh(kind: str, template: Path) -> AsyncIterator[Database]:
    """A seeded database of the kind, new for one sequence."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "racewatch.db"
            shutil.copy(template, path)
            db = Database(f"sqlite:///{path}")
            try:
                yield db
            finally:
                await db.close()
        return
    db = Database(POSTGRES)
    try:
        await _reset(db)
        yield db
    finally:
        await db.close()


async def _reset(db: Database) -> None:
    """Migrate and seed once, keeping the seeded rows; then put back just those rows (the
    dataset's loader takes a second on PostgreSQL, this a few milliseconds)."""
    if not SEEDED:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await prepare(db, NOW)
        async with db.read() as conn:
            for table in metadata.sorted_tables:
                SEEDED[table.name] = [dict(r._mapping) for r in await conn.execute(table.select())]
        return
    async with db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(table.delete())
        for table in metadata.sorted_tables:
            if SEEDED[table.name]:
                await conn.execute(table.insert(), SEEDED[table.name])
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )


async def step(dispatcher: Dispatcher, what: str | bytes) -> Reply:
    if isinstance(what, bytes):
        file = Attachment("rows.csv", what)
        return await dispatcher.run(("admin", "import"), {"file": file}, CONSOLE_CALLER)
    return await dispatcher.run_line(what, CONSOLE_CALLER)


@pytest.mark.parametrize(
    ("kind", "examples"),
    [
        ("sqlite", 15),
        pytest.param(
            "postgresql",
            10,
            marks=pytest.mark.skipif(not POSTGRES, reason="RACEWATCH_TEST_POSTGRES_URL is not set"),
        ),
    ],
)
def test_db_check_holds_after_every_step(kind: str, examples: int, template_db: Path) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(sequence=SEQUENCES)
    @example(sequence=ISSUE_14)
    def run(sequence: list[str | bytes]) -> None:
        asyncio.run(play(kind, template_db, sequence))

    run()


async def play(kind: str, template: Path, sequence: list[str | bytes]) -> None:
    """Subscribe a channel (so that writes owe it alerts), then each step and a check."""
    async with fresh(kind, template) as db:
        handlers.install(db)
        dispatcher = Dispatcher(db, FixedClock(NOW))
        subscribed = await dispatcher.run_line("/subscribe all", MANAGER)
        assert not subscribed.is_error, subscribed.body
        for number, what in enumerate(sequence, 1):
            reply = await step(dispatcher, what)
            assert "incident" not in reply.body, (what, reply.body)
            async with db.read() as conn:
                problems = await check(conn)
            assert problems == [], (sequence[:number], problems)
