"""Curators change the data; everything is audited, undoable, and refused to everyone else."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from storage.engine import schema
from storage.engine.db import Database
from storage.engine.setup import alembic_config, migrate
from tests.support.database import snapshot
from tests.support.tables import audit_entries
from tests.support.world import MEMBER, Ask


async def events(db: Database, kind: str) -> list[str]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(schema.events.c.summary)
            .where(schema.events.c.kind == kind)
            .order_by(schema.events.c.id)
        )
        return list(rows.scalars())


async def test_add_model_and_score_then_read_them_back(ask: Ask, db: Database) -> None:
    reply = await ask(
        '/admin model add Kimi-K9 org:"Moonshot AI" country:CN '
        'released:2026-11-20 weights:open aliases:"Kimi K9, K9"'
    )
    assert reply.title == "Added Kimi-K9", reply
    reply = await ask(
        "/admin score add k9 FrontierSWE 76.0 source:https://example.org/post date:2026-11-20"
    )
    assert reply.title == "Added: Kimi-K9 76.0 on FrontierSWE"
    assert "Lead change: CN now leads US on FrontierSWE" in reply.body
    board = await ask("/leaderboard FrontierSWE")
    assert board.table is not None and board.table.rows[0][1:4] == ("Kimi-K9", "Moonshot AI", "CN")
    assert await events(db, "lead") == [
        "Lead change on FrontierSWE: CN overtakes US with Kimi-K9 at 76.0"
    ]
    assert "Kimi-K9 (Moonshot AI, CN) released 2026-11-20" in await events(db, "release")


async def test_every_change_is_audited_and_undo_reverts_it(ask: Ask, db: Database) -> None:
    before = await snapshot(db)
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    assert (await ask("/model Opus-4.8")).fields[2].value == "2026-03-01"
    audit = await ask("/admin audit")
    assert audit_entries(audit)[0][1:] == ("console:console", "model edit Opus-4.8")
    undone = await ask("/admin undo")
    assert undone.title == "Undone: #2 model edit Opus-4.8"
    assert (await ask("/model Opus-4.8")).fields[2].value == "unknown"
    after = await snapshot(db)
    assert after["models"] == before["models"]
    assert (await ask("/admin undo")).body.startswith("You have no change left to undo")


async def test_undo_a_model_add_removes_its_names_too(ask: Ask, db: Database) -> None:
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN')
    await ask("/admin undo")
    reply = await ask("/model Kimi-K9")
    assert reply.is_error and "I don't know the model" in reply.body
    # the organization created with it went too
    assert (await ask('/admin model add Kimi-K9 org:"Moonshot AI"')).is_error


async def test_undo_refuses_when_a_later_change_touched_the_same_rows(ask: Ask) -> None:
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    await ask("/admin model edit Opus-4.8 licence:proprietary")
    reply = await ask("/admin undo 2")
    assert reply.is_error and "Entry #3" in reply.body


async def test_forecast_resolve_and_access(ask: Ask, db: Database) -> None:
    await ask(
        '/admin forecast add who:"Elon Musk" claim:"Chinese models reach Fable-level" '
        "window:2027-Q1 said:2026-06-18 source:https://example.org/x"
    )
    forecasts = await ask("/forecasts open")
    assert forecasts.table is not None
    claim = next(c for c in forecasts.extra if c.endswith(": Chinese models reach Fable-level"))
    number = claim.split()[0].removeprefix("#")
    assert forecasts.table.rows[-1][2] == "2027-Q1"
    reply = await ask(f'/admin forecast resolve {number} missed note:"no" force')
    assert not reply.is_error
    again = await ask(f"/admin forecast resolve {number} hit")
    assert again.is_error and "already missed" in again.body
    assert len(await events(db, "resolved")) == 1
    await ask('/admin access GPT-5.5 restricted note:"export licence needed"')
    assert (await ask("/model GPT-5.5")).fields[-1].value == "restricted (export licence needed)"
    assert await events(db, "access") == [
        *[e for e in await events(db, "access") if "withdrawn" in e],
        "GPT-5.5 is now restricted: export licence needed",
    ]


async def test_news_and_benchmark_add(ask: Ask, db: Database) -> None:
    reply = await ask('/admin benchmark add ARC-Z description:"Puzzles" min:0 max:100')
    assert not reply.is_error
    reply = await ask(
        '/admin news "Zhipu AI teases GLM-6" source:https://example.org/n org:zhipu date:2026-11-20'
    )
    assert not reply.is_error
    assert (await events(db, "news"))[-1] == "Zhipu AI teases GLM-6"


@pytest.mark.parametrize(
    "line",
    [
        "/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/a",
        "/admin model add X org:Anthropic",
        "/admin undo",
        "/admin audit",
    ],
)
async def test_non_curators_are_refused_and_nothing_changes(
    ask: Ask, db: Database, line: str
) -> None:
    before = await snapshot(db)
    reply = await ask(line, as_=MEMBER)
    assert reply.is_error and reply.ephemeral
    assert "curators only" in reply.body and "nothing was changed" in reply.body
    assert await snapshot(db) == before


async def test_a_model_moved_to_another_country_takes_its_scores_along(ask: Ask) -> None:
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    lag = "/gap GLM-5.2 Opus-4.8 benchmark:FrontierSWE"
    assert "GLM-5.2 is 3.5 months behind US" in (await ask(lag)).plain_text()
    moved = await ask('/admin model edit Opus-4.8 org:"Test Lab" country:CN')
    assert not moved.is_error, moved.body
    # Opus-4.8 now counts for China: China's frontier reached 74.4 on 2026-03-01.
    assert "GLM-5.2 is 3.5 months behind the rest of CN" in (await ask(lag)).plain_text()
    assert "Opus-4.8" not in (await ask("/leaderboard FrontierSWE country:US")).plain_text()
    assert "Opus-4.8" in (await ask("/leaderboard FrontierSWE country:CN")).plain_text()
    await ask("/admin undo")
    assert "GLM-5.2 is 3.5 months behind US" in (await ask(lag)).plain_text()


async def test_a_database_from_before_score_countries_is_filled_in(tmp_path: Path) -> None:
    """Migrations 0003 and 0004 give existing scores their model's country and release date."""
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        conn.execute(
            text(
                "INSERT INTO organizations (id, name, country, source) VALUES "
                "(1, 'Zhipu AI', 'CN', 's'), (2, 'Anthropic', 'US', 's')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO models (id, name, org_id, released, access, source) VALUES "
                "(1, 'GLM-5.2', 1, '2026-06-15', 'available', 's'), "
                "(2, 'Opus-4.8', 2, NULL, 'available', 's')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO benchmarks (id, name, description, unit, higher_is_better, source) "
                "VALUES (1, 'FrontierSWE', 'd', 'points', 1, 's')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO scores (model_id, benchmark_id, value, reported_on, source, "
                "added_by, is_current) VALUES (1, 1, 74.4, '2026-06-19', 's', 'x', 1), "
                "(2, 1, 75.1, '2026-06-19', 's', 'x', 1)"
            )
        )
    engine.dispose()
    db = Database(f"sqlite:///{path}")
    await migrate(db)
    async with db.read() as conn:
        rows = (
            await conn.execute(
                text("SELECT model_id, country, released FROM scores ORDER BY model_id")
            )
        ).all()
    await db.close()
    assert [tuple(r) for r in rows] == [(1, "CN", "2026-06-15"), (2, "US", None)]
