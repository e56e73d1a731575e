"""Reading import files: the generic CSV/JSON row format, and telling the formats apart.

Pure (bytes in, rows out): no database, no clock. Rows stay text here; `import_check`
validates them the way `/admin` validates its options.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from commands.core.errors import UserError

REQUIRED = ("model", "organization", "country", "release_date", "benchmark", "score", "source")
OPTIONAL = ("weights", "params", "context", "stderr", "date", "model_source")
# A benchmark the database lacks is created from these (export writes them on every row).
BENCHMARK_COLUMNS = (
    "benchmark_unit",
    "benchmark_higher_is_better",
    "benchmark_min",
    "benchmark_max",
    "benchmark_description",
)
COLUMNS = REQUIRED + OPTIONAL + BENCHMARK_COLUMNS


class RawRow(NamedTuple):
    """One row as written in the file; `number` counts data rows from 1, `line` is the file's."""

    number: int
    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot even be read as named fields

    @property
    def where(self) -> str:
        return f"row {self.number} (line {self.line})" if self.line else f"row {self.number}"


@dataclass(frozen=True)
class BenchmarkSpec:
    """A benchmark an import may create when the database does not have it yet."""

    name: str
    description: str = ""
    unit: str = "points"
    higher_is_better: bool = True
    min_value: float | None = None
    max_value: float | None = None
    source: str = ""


@dataclass
class Skipped:
    """Rows a format reader left out on purpose, each with its reason (not errors)."""

    rows: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, number: int, line: int, reason: str) -> None:
        self.rows.append((number, line, reason))


@dataclass
class Parsed:
    """What a reader found: the rows (possibly lazy), benchmarks it defines, rows it skipped."""

    kind: str  # csv | json | epoch
    rows: Iterator[RawRow]
    estimate: int  # about how many rows (for a progress bar)
    benchmarks: tuple[BenchmarkSpec, ...] = ()
    skipped: Skipped = field(default_factory=Skipped)
    ignored_columns: tuple[str, ...] = ()


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"The file is not UTF-8 text (byte {error.start}): save it as UTF-8 CSV or JSON."
        ) from None


def _check_columns(found: list[str], benchmark_given: bool) -> tuple[str, ...]:
    """Refuse a file missing required columns; return the columns it has that we ignore."""
    needed = [c for c in REQUIRED if not (c == "benchmark" and benchmark_given)]
    missing = [c for c in needed if c not in found]
    if missing:
        raise UserError(
            f"The file lacks the column(s) {', '.join(missing)}. A row needs "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})."
        )
    return tuple(c for c in found if c not in COLUMNS)


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def read_csv(text: str, benchmark_given: bool) -> Parsed:
    """Generic CSV: a header row with the column names (any case), then one score per row."""
    reader = csv.reader(text.splitlines(keepends=True))  # lighter than a StringIO copy
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise UserError("The file is empty: nothing to import.")
    ignored = _check_columns(header, benchmark_given)
    width = len(header)

    def rows() -> Iterator[RawRow]:
        number, line = 0, reader.line_num + 1
        for cells in reader:
            if any(cells) and not (len(cells) == 1 and cells[0].isspace()):
                number += 1
                values = dict(zip(header, cells, strict=False))  # converters strip spaces
                if (extra := len(cells) - width) > 0:
                    problem = f"has {extra} more cell(s) than the header: quote values with commas"
                    yield RawRow(number, line, values, problem)
                else:
                    yield RawRow(number, line, values)
            line = reader.line_num + 1

    return Parsed("csv", rows(), text.count("\n"), ignored_columns=ignored)


def _json_rows(items: list[Any]) -> Iterator[RawRow]:
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            yield RawRow(number, 0, {}, "is not an object with named fields")
            continue
        yield RawRow(number, 0, {str(k).strip().lower(): _clean(v) for k, v in item.items()})


def read_json(text: str, benchmark_given: bool) -> Parsed:
    """Generic JSON: a list of row objects, or {"benchmarks": [...], "rows": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"The JSON does not parse: {error.msg} at line {error.lineno}.") from None
    specs: tuple[BenchmarkSpec, ...] = ()
    if isinstance(data, dict):
        specs = tuple(_spec(b) for b in data.get("benchmarks", []))
        data = data.get("rows")
    if not isinstance(data, list):
        raise UserError('The JSON must be a list of rows, or {"rows": [...]}.')
    keys = sorted({str(k).strip().lower() for item in data if isinstance(item, dict) for k in item})
    ignored = _check_columns(keys, benchmark_given or not data) if data else ()
    return Parsed("json", _json_rows(data), len(data), specs, ignored_columns=ignored)


def _spec(item: Any) -> BenchmarkSpec:
    if not isinstance(item, dict) or not str(item.get("name", "")).strip():
        raise UserError('Each entry of "benchmarks" needs at least a "name".')
    return BenchmarkSpec(
        name=str(item["name"]).strip(),
        description=str(item.get("description") or ""),
        unit=str(item.get("unit") or "points"),
        higher_is_better=bool(item.get("higher_is_better", True)),
        min_value=item.get("min_value"),
        max_value=item.get("max_value"),
        source=str(item.get("source") or ""),
    )


def read_file(filename: str, data: bytes, *, benchmark: str | None = None) -> Parsed:
    """Pick the reader from the content: JSON, Epoch AI's ECI CSV, or the generic CSV."""
    from commands.imports.formats import epoch

    text = _text(data)
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        return read_json(text, benchmark is not None)
    first_line = stripped.split("\n", 1)[0]
    if epoch.looks_like_epoch(first_line):
        return epoch.read_epoch(text, benchmark or epoch.DEFAULT_BENCHMARK)
    return read_csv(text, benchmark is not None)
