"""An import and chat writes side by side (issue 14): the import checks its rows without
holding SQLite's write lock, notices writes made meanwhile, and a chat write that finds the
lock taken too long answers "busy", never an incident."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from commands.imports import checks
from commands.imports.formats.base import RawRow
from commands.imports.pipeline import import_bytes
from storage.bulk.writer import PlanWriter
from storage.engine import schema
from storage.engine.db import Database
from tests.support.world import NOW, Ask

HEADER = "model,organization,country,release_date,benchmark,score,source\n"
ROWS = HEADER + (
    "Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/k9\n"
    "Kimi-K9,Moonshot AI,CN,2026-11-20,PostTrainBench,30.5,https://example.org/k9\n"
)


def impatient(db_path: Path) -> Database:
    """A second handle on the database whose writes wait 50 ms for the lock, not 10 s."""
    db = Database(f"sqlite:///{db_path}")

    @event.listens_for(db.engine.sync_engine, "connect")
    def wait_briefly(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    return db


def ask_elsewhere(db_path: Path, line: str) -> Reply:
    """Run a chat line in another thread, with its own event loop and connections, while
    this one is busy: as another process writing to the same file would."""
    replies: list[Reply] = []

    async def run() -> None:
        other = impatient(db_path)
        try:
            replies.append(await Dispatcher(other, FixedClock(NOW)).run_line(line, CONSOLE_CALLER))
        finally:
            await other.close()

    thread = threading.Thread(target=asyncio.run, args=(run(),))
    thread.start()
    thread.join()
    return replies[0]


async def test_a_chat_write_goes_through_while_an_import_checks_its_rows(
    db: Database, db_path: Path, ask: Ask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A curator adds the import's model while the import checks its rows: the write does
    not wait for the import, and the import sees the model (no second Kimi-K9)."""
    said: list[Reply] = []
    add = checks.Checker.add

    def add_then_write(self: checks.Checker, raw: RawRow) -> None:
        add(self, raw)
        if not said:  # on the first row of the first check
            line = '/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20'
            said.append(ask_elsewhere(db_path, line))

    monkeypatch.setattr(checks.Checker, "add", add_then_write)
    report = await import_bytes(db, "rows.csv", ROWS.encode(), now=NOW)
    assert not said[0].is_error, said[0].plain_text()
    assert report.written is not None and report.written.models == 0, report.text()
    assert report.written.scores == 2
    async with db.read() as conn:
        kimis = select(func.count()).where(schema.models.c.name == "Kimi-K9")
        assert (await conn.execute(kimis)).scalar() == 1
    undone = await ask("/admin undo")
    assert not undone.is_error, undone.plain_text()
    card = (await ask("/model Kimi-K9")).plain_text()
    assert "Moonshot AI" in card and "76.0" not in card  # the model stays, the import's scores go


async def test_a_chat_write_that_finds_the_lock_taken_answers_busy(db_path: Path) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    other = impatient(db_path)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a long write holds SQLite's write lock
        reply = await Dispatcher(other, FixedClock(NOW)).run_line(
            "/admin benchmark add Latency unit:ms", CONSOLE_CALLER
        )
        assert reply.is_error
        assert "busy with a long write; try again in a few seconds" in reply.plain_text()
        assert "incident" not in reply.plain_text()
        holder.execute("ROLLBACK")
        reply = await Dispatcher(other, FixedClock(NOW)).run_line(
            "/admin benchmark add Latency unit:ms", CONSOLE_CALLER
        )
        assert not reply.is_error, reply.plain_text()
    finally:
        holder.close()
        await other.close()


async def test_an_invalid_file_never_takes_the_write_lock(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refusing a file is all checking: writes go on meanwhile, none waits for it."""
    said: list[Reply] = []
    add = checks.Checker.add

    def add_then_write(self: checks.Checker, raw: RawRow) -> None:
        add(self, raw)
        said.append(ask_elsewhere(db_path, f"/admin benchmark add Drift-{raw.number}"))

    monkeypatch.setattr(checks.Checker, "add", add_then_write)
    bad = ROWS + "Kimi-K9,Moonshot AI,CN,2026-11-20,SWE-Marathon,120,https://example.org/k9\n"
    report = await import_bytes(db, "rows.csv", bad.encode(), now=NOW)
    assert report.refused and [r.number for r in report.rejected] == [3]
    assert [r.is_error for r in said] == [False, False, False], [r.plain_text() for r in said]


async def test_rows_written_elsewhere_between_preparing_and_writing_are_kept(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's pages are made before it takes the lock, with ids from where each table
    ends; an event another process appends meanwhile (no audit entry) moves the end: the
    import makes its pages again instead of colliding with it."""
    prepare = PlanWriter.prepare
    appended: list[int] = []

    async def prepare_then_append(self: PlanWriter) -> None:
        await prepare(self)
        if not appended:
            other = sqlite3.connect(db_path, isolation_level=None)
            cursor = other.execute(
                "INSERT INTO events (kind, at, summary, payload) "
                "VALUES ('news', '2026-11-23 12:00:00', 'written meanwhile', '{}')"
            )
            appended.append(int(cursor.lastrowid or 0))
            other.close()

    monkeypatch.setattr(PlanWriter, "prepare", prepare_then_append)
    report = await import_bytes(db, "rows.csv", ROWS.encode(), now=NOW)
    assert report.written is not None and report.written.scores == 2, report.text()
    async with db.read() as conn:
        events = schema.events
        kept = select(events.c.summary).where(events.c.id == appended[0])
        assert (await conn.execute(kept)).scalar() == "written meanwhile"
        batch = select(func.count()).where(events.c.batch == report.batch)
        said = report.written.events + len(report.lead_changes)  # and a lead change
        assert (await conn.execute(batch)).scalar() == said == 4
