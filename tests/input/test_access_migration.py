"""Migration 0010: a database from before 'unknown' access keeps 'available' only where
someone said it (issue 15: nothing the sources don't say)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, create_engine, select, text

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.feeds.bundle import load_epoch
from storage.engine import schema
from storage.engine.db import Database
from storage.engine.setup import alembic_config, at_head, migrate
from storage.seed.load import load_seed
from tests.support.world import NOW


async def access(db: Database) -> dict[str, str]:
    async with db.read() as conn:
        rows = await conn.execute(select(schema.models.c.name, schema.models.c.access))
        return {name: value for name, value in rows}


async def test_unsaid_available_becomes_unknown_and_curators_words_stay(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0009")
    engine.dispose()
    db = Database(url)
    try:
        await load_seed(db, NOW)
        await check_the_migration(db)
    finally:
        await db.close()


async def test_the_migration_on_postgresql(postgres: Database) -> None:
    def back(conn: Connection) -> None:
        command.downgrade(alembic_config(conn), "0009")

    async with postgres.engine.begin() as conn:
        await conn.run_sync(back)
    await check_the_migration(postgres)


async def check_the_migration(db: Database) -> None:
    """On a seeded database at 0009: what the seed wrote before, curators' words, migrate."""
    async with db.engine.begin() as conn:  # the seed wrote 'available' unsaid
        await conn.execute(text("UPDATE models SET access = 'available' WHERE access = 'unknown'"))
    ask = Dispatcher(db, FixedClock(NOW))
    for line in (
        '/admin access Opus-4.8 withdrawn note:"pulled, https://e.org/1"',
        '/admin access Opus-4.8 available note:"back, https://e.org/2"',
        '/admin access GPT-5.5 available note:"served by API, https://e.org/3"',
        '/admin access GLM-5.2 restricted note:"https://e.org/4"',
        '/admin access Opus-4.7 withdrawn note:"https://e.org/5"',
        "/admin undo",  # Opus-4.7's change undone: it is 'available' unsaid again
    ):
        reply = await ask.run_line(line, CONSOLE_CALLER)
        assert not reply.is_error, (line, reply.body)
    before = await access(db)
    assert before["Opus-4.7"] == "available" and before["GPT-5.5-Cyber"] == "available"
    await migrate(db)
    assert await at_head(db)
    after = await access(db)
    assert after["Opus-4.8"] == "available"  # made available again by a curator
    assert after["GPT-5.5"] == "available"  # said with a new note
    assert after["GLM-5.2"] == "restricted"
    assert after["Opus-4.7"] == "unknown" and after["GPT-5.5-Cyber"] == "unknown"
    withdrawn = {name for name, value in before.items() if value == "withdrawn"}
    assert withdrawn and all(after[name] == "withdrawn" for name in withdrawn)
    assert {n for n, v in after.items() if v == "available"} == {"Opus-4.8", "GPT-5.5"}


async def test_the_bundled_epoch_scores_take_the_files_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0009")
    engine.dispose()
    db = Database(url)
    try:
        await load_seed(db, NOW)
        await load_epoch(db, NOW)
        async with db.engine.begin() as conn:  # what the seed's import wrote before: its day
            await conn.execute(
                text("UPDATE scores SET reported_on = '2026-11-23' WHERE added_by = 'seed'")
            )
        curated = (
            '/admin score add "Kimi K2.5" ECI 140 date:2026-11-01 '
            'source:"Epoch AI, Epoch Capabilities Index (CC BY 4.0), epoch.ai; model version k"'
        )
        reply = await Dispatcher(db, FixedClock(NOW)).run_line(curated, CONSOLE_CALLER)
        assert not reply.is_error, reply.body
        await migrate(db)
        s = schema.scores
        async with db.read() as conn:
            rows = (await conn.execute(select(s.c.source, s.c.added_by, s.c.reported_on))).all()
        epoch = [(by, str(day)) for source, by, day in rows if source.startswith("Epoch AI")]
        assert ("seed", "2026-03-06") in epoch and ("console:console", "2026-11-01") in epoch
        assert {day for by, day in epoch if by == "seed"} == {"2026-03-06"}
        articles = {str(day) for source, by, day in rows if not source.startswith("Epoch AI")}
        assert "2026-11-23" in articles  # the articles' scores keep their own dates
    finally:
        await db.close()
