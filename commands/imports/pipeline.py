"""File import: `racewatch import FILE` and `/admin import`, for CSV, JSON and Epoch's ECI file.

All or nothing: unless every row is valid (or `skip_invalid` leaves the bad ones out),
nothing stays written. Rows are written a chunk at a time while the next are checked (SQLite
writes in its own thread meanwhile), in one transaction that a bad row rolls back; one audit
entry (so `/admin undo` takes the import back), one event batch.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from commands.core.curation import leading_country
from commands.core.errors import UserError
from commands.imports.bulk_mode import bulk_mode
from commands.imports.checks import Checker, Rejection
from commands.imports.formats.base import Parsed, RawRow
from commands.imports.formats.registry import read_file
from storage.benchmarks import get_benchmark
from storage.bulk.plan import ImportPlan, load_snapshot
from storage.bulk.writer import PlanWriter, Written
from storage.changes import Change
from storage.engine.db import Database

PROGRESS_FROM = 5_000  # rows; smaller files finish before a bar would help
CHUNK = 4_000  # rows checked between two writes
# rows from which the commit syncs the WAL and leaves the checkpoint to run after the answer
# (storage.engine.db.Database.write): about where an import fills the WAL past SQLite's
# autocheckpoint; smaller ones commit like any write
BULK_FROM = 5_000
SHOWN = 20  # rejected rows listed in a reply; the rest are counted


@dataclass
class ImportReport:
    """What an import found and did; `written` is None when nothing was written."""

    filename: str
    kind: str
    counts: Counter[str]
    rejected: list[Rejection]
    skipped: list[tuple[int, int, str]]
    notes: list[str] = field(default_factory=list)
    written: Written | None = None
    batch: str | None = None
    lead_changes: list[str] = field(default_factory=list)
    skip_invalid: bool = False

    @property
    def refused(self) -> bool:
        """Nothing written because of invalid rows (skipping them left nothing valid)."""
        valid = sum(self.counts.values())
        return self.written is None and bool(self.rejected) and not (self.skip_invalid and valid)

    def text(self, shown: int = SHOWN) -> str:
        """The report as readers see it: counts, then why rows were rejected or skipped."""
        c = self.counts
        lines = [
            f"{self.filename} ({self.kind}): added {c['added']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, rejected {len(self.rejected)}"
            + (f", skipped {len(self.skipped)}" if self.skipped else "")
            + "."
        ]
        if self.written is not None:
            w = self.written
            lines.append(
                f"Wrote {w.benchmarks} benchmark(s), {w.organizations} organization(s), "
                f"{w.models} model(s), {w.scores} score(s), {w.updates} update(s); "
                f"{w.events} event(s) in batch {self.batch}."
            )
        elif self.refused and self.skip_invalid:
            lines.append("Nothing was written: not one row is valid.")
        elif self.refused:
            lines.append(
                f"Nothing was written: {len(self.rejected)} row(s) are invalid. Fix them, "
                "or import again skipping invalid rows (--skip-invalid / skip_invalid)."
            )
        else:
            lines.append("Nothing to write: the database already has all of it.")
        lines += self.lead_changes
        lines += [f"Rejected {r.where}: {r.reason}" for r in self.rejected[:shown]]
        if len(self.rejected) > shown:
            lines.append(f"... and {len(self.rejected) - shown} more rejected rows.")
        groups: dict[str, list[int]] = {}
        for number, _, reason in self.skipped:
            groups.setdefault(reason, []).append(number)
        for reason, numbers in sorted(groups.items(), key=lambda g: -len(g[1])):
            shown_rows = ", ".join(map(str, numbers[:3])) + (", ..." if len(numbers) > 3 else "")
            lines.append(f"Skipped {len(numbers)} row(s), {reason}: row {shown_rows}")
        lines += [f"Note: {n}" for n in self.notes[:shown]]
        return "\n".join(lines)


def _rows(parsed: Parsed, progress: bool) -> Iterator[RawRow]:
    if not progress or parsed.estimate < PROGRESS_FROM:
        return parsed.rows
    from tqdm import tqdm

    bar = tqdm(parsed.rows, total=parsed.estimate, unit="row", desc="checking", disable=None)
    return iter(bar)  # disable=None: no bar unless standard error is a terminal


async def _leaders(change: Change, ids: set[int]) -> dict[int, str | None]:
    leaders: dict[int, str | None] = {}
    for benchmark_id in ids:
        bench = await get_benchmark(change.conn, benchmark_id)
        leaders[benchmark_id] = await leading_country(change, bench)
    return leaders


async def _before_writing(
    change: Change, writer: PlanWriter, plan: ImportPlan, leaders: dict[int, str | None]
) -> None:
    """The leading country of each known benchmark the plan touches, before its scores land."""
    fresh = {b for b in plan.benchmarks_touched if isinstance(b, int) and b not in leaders}
    if fresh:
        await writer.settle()
        leaders |= await _leaders(change, fresh)


class _Refused(Exception):
    """Raised inside the write to roll back the rows written before a bad row turned up."""


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
    with bulk_mode():  # ends once the import's objects are gone, not still to walk
        await _import(db, parsed, report, benchmark, actor, now or datetime.now(UTC), progress)
    return report


async def _import(
    db: Database,
    parsed: Parsed,
    report: ImportReport,
    benchmark: str | None,
    actor: str,
    at: datetime,
    progress: bool,
) -> None:
    batch = f"import-{uuid.uuid4().hex[:12]}"
    with suppress(_Refused):
        bulk = parsed.estimate >= BULK_FROM
        async with db.write(actor, f"import {report.filename}", at, bulk=bulk) as change:
            checker = Checker(
                await load_snapshot(change.conn),
                parsed.benchmarks,
                default_benchmark=benchmark,
                today=at.date(),
                actor=actor,
            )
            plan = checker.result.plan
            writer = PlanWriter(change, plan, batch)
            leaders: dict[int, str | None] = {}
            try:
                for number, raw in enumerate(_rows(parsed, progress), 1):
                    checker.add(raw)  # rows are written a chunk at a time while checking goes on
                    if number % CHUNK == 0 and (report.skip_invalid or not checker.result.rejected):
                        await _before_writing(change, writer, plan, leaders)
                        await writer.write_new()
                checked = checker.finish()
                del checker  # the snapshot and row index: free them before writing the rest
                report.counts, report.rejected, report.notes = (
                    checked.counts,
                    checked.rejected,
                    checked.notes,
                )
                if parsed.ignored_columns:
                    ignored = ", ".join(parsed.ignored_columns)
                    report.notes.insert(0, f"ignored column(s): {ignored}")
                if checked.rejected and not report.skip_invalid:
                    raise _Refused  # nothing stays written
                if plan.empty:
                    return
                await _before_writing(change, writer, plan, leaders)
                report.written = await writer.finish()
            except BaseException:
                writer.abandon()
                raise
            report.batch = batch
            report.lead_changes = await _lead_events(change, leaders, batch)


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
