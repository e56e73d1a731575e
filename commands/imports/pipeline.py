"""File import: `racewatch import FILE` and `/admin import`, for CSV, JSON and Epoch's ECI file.

All or nothing: unless every row is valid (or `skip_invalid` leaves the bad ones out),
nothing is written. Rows are checked against a snapshot of the database read without the
write lock (other writes go on meanwhile). On SQLite the new rows are then written in short
committed steps that no reader sees (storage.bulk.staging) and published in one short
transaction, if no audited write landed since the snapshot (else they are discarded and the
rows checked again); on PostgreSQL, which locks rows rather than the database, the plan is
written in one transaction. One audit entry (so `/admin undo` takes the import back), one
event batch."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from commands.core.curation import leading_country
from commands.core.errors import UserError
from commands.imports.bulk_mode import bulk_mode
from commands.imports.checks import Checker
from commands.imports.formats.base import Parsed, RawRow
from commands.imports.formats.registry import read_file
from commands.imports.report import ImportReport as ImportReport
from storage.benchmarks import get_benchmark
from storage.bulk.plan import ImportPlan, Snapshot, data_version, load_snapshot
from storage.bulk.staging import (
    Claim,
    ImportBusy,
    Page,
    clean_abandoned,
    discard,
    release,
    shielded,
    write_steps,
)
from storage.bulk.writer import PlanWriter, Written, send_page
from storage.changes import Change
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database

PROGRESS_FROM = 5_000  # rows; smaller files finish before a bar would help
CHUNK = 4_000  # rows checked between two turns of the event loop
RECHECKS = 3  # checks against a fresh snapshot before checking inside the write
# rows from which the commit syncs the WAL and leaves the checkpoint to run after the answer
# (storage.engine.db.Database.write): about where an import fills the WAL past SQLite's
# autocheckpoint; smaller ones commit like any write
BULK_FROM = 5_000
DIRECT_ROWS = 5_000  # new rows up to which SQLite writes them in one transaction, not steps


def _rows(parsed: Parsed, progress: bool) -> Iterator[RawRow]:
    if not progress or parsed.estimate < PROGRESS_FROM:
        return parsed.rows
    from tqdm import tqdm

    # disable=None: no bar unless standard error is a terminal
    bar = tqdm(total=parsed.estimate, unit="row", desc="checking", disable=None)
    return _counted(parsed.rows, bar)


def _counted(rows: Iterable[RawRow], bar: Any) -> Iterator[RawRow]:
    """Rows through the bar, which ends at n/n: the estimate counts lines, not rows."""
    try:
        for row in rows:
            yield row
            bar.update()
        bar.total = bar.n
        bar.refresh()
    finally:
        bar.close()


async def _leaders(change: Change, ids: set[int]) -> dict[int, str | None]:
    leaders: dict[int, str | None] = {}
    for benchmark_id in ids:
        bench = await get_benchmark(change.conn, benchmark_id)
        leaders[benchmark_id] = await leading_country(change, bench)
    return leaders


async def _lead_events(change: Change, before: dict[int, str | None], batch: str) -> list[str]:
    """A change of the leading country on a benchmark is an event of its own (same batch)."""
    after = await _leaders(change, set(before))
    said: list[str] = []
    for benchmark_id, old in before.items():
        new = after[benchmark_id]
        if old is not None and new is not None and new != old:
            bench = await get_benchmark(change.conn, benchmark_id)
            summary = f"Lead change on {bench.name}: {new} overtakes {old} (file import)"
            await change.event(
                "lead",
                summary,
                country=new,
                benchmark=bench.name,
                batch=batch,
                payload={"from": old, "to": new},
            )
            said.append(summary)
    return said


async def import_bytes(
    db: Database,
    filename: str,
    data: bytes,
    *,
    benchmark: str | None = None,
    skip_invalid: bool = False,
    actor: str = "console:console",
    now: datetime | None = None,
    progress: bool = False,
) -> ImportReport:
    """Check every row and write the valid ones in one transaction (or nothing)."""
    parsed = read_file(filename, data, benchmark=benchmark)
    report = ImportReport(
        filename, parsed.kind, Counter(), [], parsed.skipped.rows, skip_invalid=skip_invalid
    )
    job = _Job(db, report, benchmark, actor, now or datetime.now(UTC), progress)
    with bulk_mode():  # ends once the import's objects are gone, not still to walk
        await job.run(parsed, lambda: read_file(filename, data, benchmark=benchmark))
    return report


class _Stale(Exception):
    """The database changed between the check and the write: check again."""


@dataclass
class _Job:
    """One import: check the rows against a snapshot without holding the write lock, then
    write the plan (SQLite: in steps, then a short publish) if nothing changed since the
    snapshot (else check again; after `RECHECKS` tries, check and write in one transaction,
    which on SQLite holds the lock throughout: a database that keeps changing)."""

    db: Database
    report: ImportReport
    benchmark: str | None
    actor: str
    at: datetime
    progress: bool

    async def run(self, parsed: Parsed, reread: Callable[[], Parsed]) -> None:
        await clean_abandoned(self.db)  # rows of an import that died while being written
        for attempt in range(RECHECKS):
            async with self.db.read() as conn:
                version = await data_version(conn)
                snapshot = await load_snapshot(conn)
                if await data_version(conn) != version:
                    continue  # a write landed while the snapshot was read
            plan = await self._check(parsed if attempt == 0 else reread(), snapshot)
            if plan is None:
                return
            with suppress(_Stale):
                await self._write(plan, version)
                return
        async with self._transaction() as change:  # the database keeps changing
            plan = await self._check(reread(), await load_snapshot(change.conn))
            if plan is not None:
                await self._publish(change, plan, f"import-{uuid.uuid4().hex[:12]}")

    async def _check(self, parsed: Parsed, snapshot: Snapshot) -> ImportPlan | None:
        """Every row checked against the snapshot; the plan, or None when nothing is to be
        written (invalid rows without `skip_invalid`, or nothing new)."""
        report = self.report
        checker = Checker(
            snapshot,
            parsed.benchmarks,
            default_benchmark=self.benchmark,
            today=self.at.date(),
            actor=self.actor,
        )
        for number, raw in enumerate(_rows(parsed, self.progress), 1):
            checker.add(raw)
            if number % CHUNK == 0:
                await asyncio.sleep(0)  # the bot goes on answering meanwhile
        checked = checker.finish()
        report.counts, report.rejected, report.notes = (
            checked.counts,
            checked.rejected,
            checked.notes,
        )
        if parsed.ignored_columns:
            report.notes.insert(0, f"ignored column(s): {', '.join(parsed.ignored_columns)}")
        if (checked.rejected and not report.skip_invalid) or checked.plan.empty:
            return None
        return checked.plan

    def _transaction(self) -> AbstractAsyncContextManager[Change]:
        bulk = sum(self.report.counts.values()) >= BULK_FROM  # rows checked
        return self.db.write(self.actor, f"import {self.report.filename}", self.at, bulk=bulk)

    async def _write(self, plan: ImportPlan, version: int) -> None:
        batch = f"import-{uuid.uuid4().hex[:12]}"
        if not self.db.is_sqlite:  # PostgreSQL locks rows, not the database: one transaction
            async with self._transaction() as change:
                if await data_version(change.conn) != version:
                    raise _Stale  # rolls back: nothing written
                await self._publish(change, plan, batch)
            return
        # SQLite: the pages are made without the lock; a big import writes them in short
        # committed steps that readers do not see, and publishes them in one short transaction
        async with self.db.read() as conn:
            action = f"import {self.report.filename}"
            prepared = PlanWriter(Change(conn, self.actor, action, self.at), plan, batch)
            await prepared.prepare()
        ranges, pages = prepared.staged()
        staged = sum(len(columns[0]) for _, _, columns in pages) > DIRECT_ROWS
        if staged:
            await self._write_steps(Claim(batch, ranges, self.report.lock_holds), pages, version)
        try:
            async with self._transaction() as change:
                started = time.perf_counter()
                if await data_version(change.conn) != version:
                    raise _Stale
                await self._publish(change, plan, batch, prepared, staged=staged)
            self.report.lock_holds.append(time.perf_counter() - started)  # with the commit
        except BaseException:
            if staged:
                await shielded(discard(self.db, batch))
            raise

    async def _write_steps(self, claim: Claim, pages: list[Page], version: int) -> None:
        """The new rows in committed steps, hidden until published (storage.bulk.staging)."""

        async def unchanged(conn: AsyncConnection) -> bool:
            return await data_version(conn) == version

        try:
            if not await write_steps(self.db, claim, pages, send_page, unchanged):
                raise _Stale  # the database changed since the check: nothing written
        except ImportBusy as busy:
            raise UserError(f"Not imported: {busy}.") from None
        except (IntegrityError, sqlite3.IntegrityError):  # a write meanwhile took a name
            raise _Stale from None  # (the rows written are discarded)

    async def _publish(
        self,
        change: Change,
        plan: ImportPlan,
        batch: str,
        prepared: PlanWriter | None = None,
        *,
        staged: bool = False,
    ) -> None:
        """Write the plan (or publish its staged rows), its events and the lead changes it
        makes (same transaction)."""
        touched = {b for b in plan.benchmarks_touched if isinstance(b, int)}
        leaders = await _leaders(change, touched)  # before the staged rows appear
        if staged and not await release(change.conn, batch):
            raise _Stale  # its rows were cleaned up as abandoned meanwhile
        writer = prepared or PlanWriter(change, plan, batch)
        try:
            if prepared is None:
                written: Written | None = await writer.finish()
            elif staged:
                written = await writer.publish_staged(change)
            else:
                written = await writer.publish(change)
        except BaseException:
            writer.abandon()
            raise
        if written is None:
            raise _Stale  # another write took ids the pages use
        self.report.written = written
        self.report.batch = batch
        self.report.lead_changes = await _lead_events(change, leaders, batch)


async def import_file(
    db: Database,
    path: Path | str,
    *,
    benchmark: str | None = None,
    skip_invalid: bool = False,
    actor: str = "console:console",
    now: datetime | None = None,
    progress: bool = False,
) -> ImportReport:
    """`racewatch import FILE`: read the file and import it (see `import_bytes`)."""
    file = Path(path)
    try:
        data = await asyncio.to_thread(file.read_bytes)
    except OSError as error:
        raise UserError(f"Cannot read {file}: {error.strerror}.") from None
    return await import_bytes(
        db,
        file.name,
        data,
        benchmark=benchmark,
        skip_invalid=skip_invalid,
        actor=actor,
        now=now,
        progress=progress,
    )
