"""An import written in steps (SQLite): its new rows are committed a step at a time under
runs of ids that every reader leaves out, then published in one short transaction.

SQLite has one write lock for the whole file; writing 500,000 rows in one transaction would
hold it for tens of seconds. Instead `write_steps` claims a run of ids per table (a row of
`import_staging` each, so `published()` hides them from that commit on) and commits the
rows about `STEP_ROWS` at a time, pausing between steps so that waiting writers get the
lock. The import's publish deletes the claim inside its audited transaction: the rows
appear all at once. An import that fails or is cancelled discards its rows (`discard`), and
one that died is cleaned up by the next import or start (`clean_abandoned`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Table, delete, func, insert, not_, select, update
from sqlalchemy.engine import make_url

from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database

st = schema.import_staging
# a step writes pages (up to 3,000 rows each) until it has held the write lock this long,
# then commits: its length follows the machine's speed, not a row count
STEP_SECONDS = 0.25
STEP_ROWS = 10_000  # rows deleted per step when an import's rows are discarded
# between steps: longer than the 100 ms a waiting SQLite writer sleeps between its tries,
# and at least as long as the step (a loaded machine may be slow to wake the waiters)
PAUSE = 0.12
PAUSE_SHARE = 1.0
ABANDONED_AFTER = timedelta(minutes=10)  # a claim not touched for this long: its import died
WAIT = 0.5  # seconds between looks at another import's claim, while waiting for it to end
# the tables an import writes, parents first (rows are discarded children first)
TABLES = ("benchmarks", "organizations", "models", "names", "scores", "events")

Page = tuple[str, str, list[Sequence[Any]]]  # (table, INSERT text, values a column at a time)


class ImportBusy(Exception):
    """Another import is being written to this database just now."""


def published(table: FromClause) -> ColumnElement[bool]:
    """Whether a row of `table` (or an alias of it) is visible: outside the ids an import
    is still writing.

    Two scalar subqueries on a table that is empty but while an import is written; a
    condition on the id keeps every index covering (SQLite's indexes all hold the rowid).
    """
    base: Any = table
    while not isinstance(base, Table):
        base = base.element  # an alias: the table it stands for
    mine = st.c.table_name == base.name
    first = select(func.coalesce(func.min(st.c.first_id), 0)).where(mine).scalar_subquery()
    last = select(func.coalesce(func.max(st.c.last_id), -1)).where(mine).scalar_subquery()
    return not_(table.c.id.between(first, last))


def owner_name() -> str:
    """This process, as a claim names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@asynccontextmanager
async def _steps(db: Database) -> AsyncIterator[AsyncConnection]:
    """A connection for staged steps, foreign keys unchecked: a table's last rows are written
    first (so other writers' new ids land after the claim), before the rows they refer to."""
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(write=True)
        driver: Any = (await conn.get_raw_connection()).driver_connection
        await driver.execute("PRAGMA foreign_keys=OFF")
        await driver.execute("PRAGMA wal_autocheckpoint=0")  # the publish checkpoints after
        try:
            yield conn
        finally:
            try:
                await driver.execute("PRAGMA foreign_keys=ON")
                await driver.execute("PRAGMA wal_autocheckpoint=1000")
            except Exception:  # a cancelled call closed it: never back to the pool half set
                await conn.invalidate()
                raise


@dataclass(frozen=True)
class Claim:
    """An import's runs of ids: table -> (first, last); `holds`: how long each step held
    the write lock (seconds), for the benchmarks."""

    batch: str
    ranges: dict[str, tuple[int, int]]
    holds: list[float] = field(default_factory=list)


def _first_step(pages: Sequence[Page]) -> tuple[list[Page], deque[Page]]:
    """The last page of each table (it takes the table's end, so that other writers' new
    ids land after the claim), and the rest in order."""
    last = {table: i for i, (table, _, _) in enumerate(pages)}
    ends = set(last.values())
    first = [pages[i] for i in sorted(ends)]
    return first, deque(page for i, page in enumerate(pages) if i not in ends)


async def _claimed(conn: AsyncConnection, claim: Claim, owner: str) -> bool:
    """In the first step: claim the runs if each table still ends where the pages begin."""
    taken = (await conn.execute(select(st.c.batch, st.c.owner).limit(1))).first()
    if taken is not None:
        raise ImportBusy(
            f"another import is being written (batch {taken.batch}, by {taken.owner}); "
            "try again when it is done"
        )
    for name, (first, _) in claim.ranges.items():
        table = schema.metadata.tables[name]
        end = (await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar_one()
        if end + 1 != first:
            return False
    now = datetime.now(UTC)
    rows = [
        {"table_name": name, "first_id": first, "last_id": last, "batch": claim.batch}
        for name, (first, last) in claim.ranges.items()
    ]
    await conn.execute(insert(st).values(owner=owner, touched_at=now), rows)
    return True


async def write_steps(
    db: Database,
    claim: Claim,
    pages: Sequence[Page],
    send: Any,
    unchanged: Callable[[AsyncConnection], Awaitable[bool]],
    owner: str = "",
) -> bool:
    """Write `pages` in committed steps of about `STEP_SECONDS` under `claim`, hidden until
    published; False (nothing written) when `unchanged(conn)` says the database changed
    since the pages were made, or another write took ids they use.
    `send(conn, sql, columns)` writes a page. On an error the rows written are discarded."""
    first, rest = _first_step(pages)
    try:
        async with _steps(db) as conn:
            while first or rest:
                async with conn.begin():
                    started = time.perf_counter()  # BEGIN IMMEDIATE: the lock is taken
                    if first:
                        if not await unchanged(conn):
                            return False
                        if not await _claimed(conn, claim, owner or owner_name()):
                            return False
                        for _, sql, columns in first:
                            await send(conn, sql, columns)
                        first = []
                    else:
                        touched = {"touched_at": datetime.now(UTC)}
                        await conn.execute(update(st).where(st.c.batch == claim.batch), touched)
                    while rest:  # a page at least, then more while the step is short
                        _, sql, columns = rest.popleft()
                        await send(conn, sql, columns)
                        if time.perf_counter() - started >= STEP_SECONDS:
                            break
                held = time.perf_counter() - started
                claim.holds.append(held)
                await asyncio.sleep(max(PAUSE, held * PAUSE_SHARE))  # waiting writers go now
        await asyncio.to_thread(_sync_log, db)
    except ImportBusy:
        await _wait_for_others(db)
        return False  # the other import changed the database: check again
    except BaseException:
        await shielded(discard(db, claim.batch))
        raise
    return True


def _sync_log(db: Database) -> None:
    """Flush the steps' WAL to disk without the lock: the publish's commit (synchronous=FULL)
    then syncs its own few pages, not the whole import's (seconds for 500,000 rows)."""
    path = make_url(db.url).database
    if not path or path == ":memory:":
        return
    try:
        fd = os.open(f"{path}-wal", os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def _wait_for_others(db: Database) -> None:
    """Wait while another import is being written (its claim gone: published or discarded);
    ImportBusy if it takes longer than an abandoned one may."""
    waited = 0.0
    while True:
        await clean_abandoned(db)  # the other may have died meanwhile
        async with db.read() as conn:
            if (await conn.execute(select(st.c.batch).limit(1))).first() is None:
                return
        if waited > ABANDONED_AFTER.total_seconds():
            raise ImportBusy("another import is still being written after 10 minutes")
        await asyncio.sleep(WAIT)
        waited += WAIT


async def shielded(work: Any) -> None:
    """Run `work` to its end even if the caller is cancelled meanwhile."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


async def release(conn: AsyncConnection, batch: str) -> bool:
    """In the publish's transaction: the claim goes, so the rows appear when it commits;
    False when the claim is no longer there (it was cleaned up as abandoned)."""
    result = await conn.execute(delete(st).where(st.c.batch == batch))
    return bool(result.rowcount)


async def discard(db: Database, batch: str) -> None:
    """Delete a claim's rows a step at a time (children first), then the claim."""
    async with db.read() as conn:
        found = await conn.execute(
            select(st.c.table_name, st.c.first_id, st.c.last_id).where(st.c.batch == batch)
        )
        ranges = {name: (first, last) for name, first, last in found}
    order = sorted(ranges, key=lambda name: -TABLES.index(name) if name in TABLES else 0)
    async with _steps(db) as conn:
        for name in order:
            table = schema.metadata.tables[name]
            first, last = ranges[name]
            for start in range(first, last + 1, STEP_ROWS):
                async with conn.begin():
                    end = min(last, start + STEP_ROWS - 1)
                    await conn.execute(delete(table).where(table.c.id.between(start, end)))
                await asyncio.sleep(PAUSE)
        async with conn.begin():
            await conn.execute(delete(st).where(st.c.batch == batch))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(owner: str, touched_at: datetime, now: datetime) -> bool:
    """A claim whose import died: its process is gone (same host), or it stopped writing."""
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    return now - touched_at > ABANDONED_AFTER


async def clean_abandoned(db: Database) -> list[str]:
    """Discard the rows of imports that died while being written; their batches."""
    if not db.is_sqlite:
        return []
    async with db.read() as conn:
        claims = (await conn.execute(select(st.c.batch, st.c.owner, st.c.touched_at))).all()
    now = datetime.now(UTC)
    dead = sorted({c.batch for c in claims if abandoned(c.owner, c.touched_at, now)})
    for batch in dead:
        await discard(db, batch)
    return dead
