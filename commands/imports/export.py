"""`racewatch export`: models and scores as CSV or JSON in the import's own format, so that
an export imported into an empty database gives the same /race, /gap and /leaderboard.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from commands.core.errors import UserError
from commands.core.lookup import resolve_benchmark, resolve_model, resolve_organization
from commands.core.options import PartialDate, parse_country, parse_partial_date
from commands.imports.formats.base import COLUMNS, NUMBER_COLUMNS
from commands.imports.formats.generic_csv import guard
from storage.engine.db import Database
from storage.export import ExportFilter, ExportRow, ScoreFacts, count_rows, export_rows

FORMATS = ("csv", "json")
PROGRESS_FROM = 5_000  # rows
NO_SOURCE = "no source recorded"  # an import needs one on every row


@dataclass(frozen=True)
class ExportQuery:
    """What to export, as the operator typed it (names are resolved forgivingly)."""

    benchmark: str | None = None
    country: str | None = None
    organization: str | None = None
    model: str | None = None
    since: str | None = None
    current_only: bool = False


@dataclass(frozen=True)
class Exported:
    rows: int
    models: int
    scores: int
    benchmarks: int


def format_of(path: str, given: str | None) -> str:
    """The format asked for, or the one the file name says (`.json`), else CSV."""
    if given is not None:
        if given not in FORMATS:
            raise UserError(f"`--format` is csv or json, not `{given}`.")
        return given
    return "json" if path.lower().endswith(".json") else "csv"


async def _filter(db: Database, query: ExportQuery) -> ExportFilter:
    async with db.read() as conn:
        bench = await resolve_benchmark(conn, query.benchmark) if query.benchmark else None
        org = await resolve_organization(conn, query.organization) if query.organization else None
        model = await resolve_model(conn, query.model) if query.model else None
    since = parse_partial_date(query.since, "`--since`").day if query.since else None
    return ExportFilter(
        benchmark_id=bench.id if bench else None,
        country=parse_country(query.country, "--country") if query.country else None,
        org_id=org.id if org else None,
        model_id=model.id if model else None,
        since=since,
        current_only=query.current_only,
    )


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)  # repr: the shortest text that reads back


def _released(row: ExportRow) -> str:
    facts = row.model
    if facts.released is None:
        return ""
    return str(PartialDate(facts.released, facts.release_precision or "day"))


def values(row: ExportRow) -> dict[str, Any]:
    """A row's import columns, typed as JSON writes them (text, numbers, booleans, null)."""
    facts, score = row.model, row.score
    out: dict[str, Any] = {
        "model": facts.name,
        "organization": facts.organization,
        "country": facts.country,
        "release_date": _released(row) or None,
        "weights": facts.weights,
        "params": facts.params_b,
        "context": facts.context_tokens,
        "model_source": facts.source or None,
        "benchmark": None,
        "score": None,
        "source": facts.source or NO_SOURCE,  # a model without a score: its own source
        "stderr": None,
        "date": None,
    }
    if score is not None:
        out |= {
            "benchmark": score.benchmark,
            "score": score.value,
            "source": score.source,
            "stderr": score.stderr,
            "date": score.reported_on.isoformat(),
        }
    return out


def _benchmark_spec(score: ScoreFacts) -> dict[str, Any]:
    return {
        "benchmark_unit": score.unit,
        "benchmark_higher_is_better": score.higher_is_better,
        "benchmark_min": score.min_value,
        "benchmark_max": score.max_value,
        "benchmark_description": score.description,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return str(value)


_GUARDED = tuple(c not in NUMBER_COLUMNS for c in COLUMNS)


def csv_cells(row: ExportRow) -> list[str]:
    """A CSV line in `COLUMNS` order; each score row also defines its benchmark. Text cells
    a spreadsheet would run as a formula go behind a quote (`generic_csv.guard`)."""
    out = values(row)
    if row.score is not None:
        out |= _benchmark_spec(row.score)
    return [
        guard(cell) if text else cell
        for cell, text in zip((_cell(out.get(c)) for c in COLUMNS), _GUARDED, strict=True)
    ]


class CsvLines:
    """Writes CSV lines as the import reads them back. The csv module quotes a value holding
    a line terminator's character, and ours is a newline, so a line holding a carriage
    return is written with every value quoted (a reader would end the row there otherwise)."""

    def __init__(self, out: TextIO) -> None:
        self.plain = csv.writer(out, lineterminator="\n")
        self.quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(self, cells: Sequence[str]) -> None:
        (self.quoted if any("\r" in cell for cell in cells) else self.plain).writerow(cells)


async def _rows(db: Database, f: ExportFilter, progress: bool) -> AsyncIterator[ExportRow]:
    """The rows, with a progress bar on a terminal when there are many."""
    async with db.read() as conn:
        total = await count_rows(conn, f) if progress else 0
        if total < PROGRESS_FROM:
            async for row in export_rows(conn, f):
                yield row
            return
        from tqdm import tqdm

        with tqdm(total=total, unit="row", desc="exporting", disable=None) as bar:
            async for row in export_rows(conn, f):
                yield row
                bar.update()


@dataclass
class _Tally:
    """What an export wrote, counted as it goes."""

    rows: int = 0
    scores: int = 0
    models: set[str] = field(default_factory=set)
    benchmarks: set[str] = field(default_factory=set)

    def add(self, row: ExportRow) -> None:
        self.rows += 1
        self.models.add(row.model.name)
        if row.score is not None:
            self.scores += 1
            self.benchmarks.add(row.score.benchmark)

    def exported(self) -> Exported:
        return Exported(self.rows, len(self.models), self.scores, len(self.benchmarks))


async def export_to(
    db: Database, out: TextIO, fmt: str, query: ExportQuery = ExportQuery(), progress: bool = False
) -> Exported:
    """Write the rows `query` selects to `out` in `fmt` (csv or json)."""
    f = await _filter(db, query)
    tally = _Tally()
    if fmt == "csv":
        lines = CsvLines(out)
        lines.write(COLUMNS)
        async for row in _rows(db, f, progress):
            lines.write(csv_cells(row))
            tally.add(row)
        return tally.exported()
    specs: dict[str, dict[str, Any]] = {}
    out.write('{"rows": [')
    async for row in _rows(db, f, progress):
        line = json.dumps(values(row), ensure_ascii=False)
        out.write(("\n  " if tally.rows == 0 else ",\n  ") + line)
        tally.add(row)
        if row.score is not None and row.score.benchmark not in specs:
            specs[row.score.benchmark] = _json_benchmark(row.score)
    out.write("\n],\n" + '"benchmarks": ' + json.dumps(list(specs.values()), indent=2) + "}\n")
    return tally.exported()


def _json_benchmark(score: ScoreFacts) -> dict[str, Any]:
    """A benchmark as `generic_json.read` reads it from the "benchmarks" list."""
    return {
        "name": score.benchmark,
        "description": score.description,
        "unit": score.unit,
        "higher_is_better": score.higher_is_better,
        "min_value": score.min_value,
        "max_value": score.max_value,
        "source": score.benchmark_source,
    }
