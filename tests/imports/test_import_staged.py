"""An import written in steps (issue 14): SQLite's write lock is held a step at a time, and
still a reader sees all of an import or nothing of it; a failed, cancelled or killed import
leaves nothing visible, and its rows go at the next import or start."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from commands.core.caller import CONSOLE_CALLER, Caller, Platform
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from commands.imports import pipeline
from commands.imports.pipeline import import_bytes
from storage.bulk import staging, writer
from storage.bulk.writer import Columns
from storage.check import check
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.engine.setup import prepare
from tests.support.world import NOW, Ask

MANAGER = Caller(
    platform=Platform.DISCORD,
    user_id="7",
    display_name="Manager",
    workspace_id="g1",
    channel_id="c1",
    is_curator=False,
    is_channel_manager=True,
)
HEADER = "model,organization,country,release_date,benchmark,score,source,weights,date\n"


def bulk_rows(count: int, name: str = "Bulk") -> str:
    """`count` rows: new models of new labs, on FrontierSWE and PostTrainBench by turns."""
    benchmarks = ("FrontierSWE", "PostTrainBench")
    return HEADER + "".join(
        f"{name}-{i // 2},{name} Lab {i // 2 % 7},US,2026-01-01,{benchmarks[i % 2]},{i % 90}.5,"
        f"https://example.org/{i // 2},open,2026-11-01\n"
        for i in range(count)
    )


def ask_elsewhere(db_path: Path, line: str) -> Reply:
    """A chat line run in another thread with its own event loop and connections: another
    process reading the same file while this one writes."""
    replies: list[Reply] = []

    async def run() -> None:
        other = Database(f"sqlite:///{db_path}")
        try:
            replies.append(await Dispatcher(other, FixedClock(NOW)).run_line(line, CONSOLE_CALLER))
        finally:
            await other.close()

    thread = threading.Thread(target=asyncio.run, args=(run(),))
    thread.start()
    thread.join()
    return replies[0]


def counts(db_path: Path) -> dict[str, int]:
    """Rows per table as stored, hidden ones included (plain sqlite3, no filter)."""
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in staging.TABLES}
    finally:
        con.close()


def claims(db_path: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT table_name, batch, owner FROM import_staging").fetchall()
    finally:
        con.close()


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page per step and no pause: many steps from a small file."""
    monkeypatch.setattr(staging, "STEP_SECONDS", 0.0)
    monkeypatch.setattr(staging, "PAUSE", 0.0)


async def test_readers_see_nothing_of_an_import_until_it_is_published(
    db: Database, db_path: Path, ask: Ask, monkeypatch: pytest.MonkeyPatch, small_steps: None
) -> None:
    before = counts(db_path)
    seen: list[tuple[dict[str, int], list[str]]] = []
    send = writer.send_page

    calls: list[int] = []

    async def send_and_look(conn: AsyncConnection, sql: str, columns: Columns) -> None:
        await send(conn, sql, columns)  # steps before this one are committed (past the first)
        calls.append(len(columns[0]))
        if len(calls) in (7, 9, 11):
            said = [
                ask_elsewhere(db_path, line).plain_text()
                for line in ("/model Bulk-1", "/race FrontierSWE", "/models country:US")
            ]
            seen.append((counts(db_path), said))

    monkeypatch.setattr(pipeline, "send_page", send_and_look)
    report = await import_bytes(db, "bulk.csv", bulk_rows(9_000).encode(), now=NOW)
    assert report.written is not None and report.written.scores == 9_000, report.text()
    assert len(report.lock_holds) > 5  # written in steps, then published
    assert len(seen) == 3
    for stored, said in seen:
        assert stored["scores"] > before["scores"]  # rows committed ...
        assert "Bulk" not in " ".join(said[1:])  # ... and seen by no reader
        assert "Bulk-1" not in said[0] or "know" in said[0].lower(), said[0]
    assert claims(db_path) == []
    card = (await ask("/model Bulk-1")).plain_text()
    assert "Bulk Lab 1" in card and "FrontierSWE" in card
    async with db.read() as conn:
        assert await check(conn) == []
    undone = await ask("/admin undo")
    assert not undone.is_error, undone.plain_text()
    assert counts(db_path) | {"events": 0} == before | {"events": 0}  # events stay, undone


async def test_a_failed_import_leaves_nothing_behind(
    db: Database, db_path: Path, ask: Ask, monkeypatch: pytest.MonkeyPatch, small_steps: None
) -> None:
    before = counts(db_path)
    sent: list[int] = []
    send = writer.send_page

    async def fail_later(conn: AsyncConnection, sql: str, columns: Columns) -> None:
        sent.append(len(columns[0]))
        if len(sent) == 12:
            raise OSError("disk trouble")
        await send(conn, sql, columns)

    monkeypatch.setattr(pipeline, "send_page", fail_later)
    with pytest.raises(OSError, match="disk trouble"):
        await import_bytes(db, "bulk.csv", bulk_rows(9_000).encode(), now=NOW)
    assert counts(db_path) == before and claims(db_path) == []
    assert (await ask("/model Bulk-1")).is_error


async def test_a_cancelled_import_leaves_nothing_behind(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, small_steps: None
) -> None:
    before = counts(db_path)
    started = asyncio.Event()
    send = writer.send_page

    async def slow(conn: AsyncConnection, sql: str, columns: Columns) -> None:
        await send(conn, sql, columns)
        started.set()
        await asyncio.sleep(0.01)

    monkeypatch.setattr(pipeline, "send_page", slow)
    job = asyncio.create_task(import_bytes(db, "bulk.csv", bulk_rows(9_000).encode(), now=NOW))
    await started.wait()
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert counts(db_path) == before and claims(db_path) == []


def start_import(db_path: Path, csv: Path) -> subprocess.Popen[str]:
    """`racewatch import FILE` in another process, as an operator runs it from a shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACEWATCH_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--database-url", f"sqlite:///{db_path}", "import", csv],
        env=env | {"RACEWATCH_FEEDS": "off", "PYTHONPATH": str(Path.cwd())},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_claim(db_path: Path, child: subprocess.Popen[str]) -> None:
    """Until the child's import is being written (its rows claimed)."""
    deadline = time.monotonic() + 120
    while not claims(db_path):
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.005)


async def test_an_import_killed_while_written_is_cleaned_up_at_the_next_start(
    db: Database, db_path: Path, ask: Ask, tmp_path: Path
) -> None:
    before = counts(db_path)
    csv = tmp_path / "bulk.csv"
    csv.write_text(bulk_rows(40_000))
    child = start_import(db_path, csv)
    wait_for_claim(db_path, child)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert claims(db_path)  # it died holding its claim
    assert (await ask("/model Bulk-1")).is_error  # nothing of it is seen meanwhile
    assert "Bulk" not in (await ask("/race FrontierSWE")).plain_text()
    await prepare(db)  # the next start
    assert claims(db_path) == [] and counts(db_path) == before
    async with db.read() as conn:
        assert await check(conn) == []


async def test_chat_writes_go_through_while_a_big_import_is_written_elsewhere(
    db: Database, db_path: Path, ask: Ask, tmp_path: Path
) -> None:
    """A 40,000-row import in another process: chat writes wait a step at most (they go
    through; never "busy", never an incident), and the import, noticing a curator's write
    landed, checks again and still publishes all its rows."""
    csv = tmp_path / "bulk.csv"
    csv.write_text(bulk_rows(40_000))
    child = start_import(db_path, csv)
    wait_for_claim(db_path, child)
    said = [
        await ask("/admin benchmark add Latency unit:ms higher_is_better:no"),
        await ask("/admin score add GLM-5.2 PostTrainBench 40 source:https://example.org/x"),
        await ask("/subscribe leads", as_=MANAGER),
    ]
    for reply in said:
        assert not reply.is_error and "incident" not in reply.plain_text(), reply.plain_text()
    out, err = await asyncio.to_thread(child.communicate, timeout=600)
    assert child.returncode == 0, err
    assert "20000 model(s), 40000 score(s)" in out, out
    assert claims(db_path) == []
    assert "Bulk Lab" in (await ask("/model Bulk-1")).plain_text()
    async with db.read() as conn:
        assert await check(conn) == []
