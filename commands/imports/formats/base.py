"""What every import format shares: the generic columns, the row types, the format contract.

Pure (text in, rows out): no database, no clock. Rows stay text here; `commands.imports.checks`
validates them the way `/admin` validates its options. A format is a module with `NAME`,
`sniff(filename, text)` and `read(text, benchmark)` (see `Format`), listed once in
`commands.imports.formats.registry`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, Protocol

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
NUMBER_COLUMNS = frozenset(
    {"score", "stderr", "params", "context", "benchmark_min", "benchmark_max"}
)
# A CSV field may be as long as the file: a long value is then refused by its column's own
# limit, row by row, instead of the csv module's 128 KiB ending the whole file.
FIELD_LIMIT = 1 << 30


class RawRow(NamedTuple):
    """One row as written in the file; `number` counts data rows from 1, `line` is the file's."""

    number: int
    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot even be read as named fields
    # the day the source states for the row when it has no `date` of its own (None: the
    # import's day); unlike `date`, a score the database has already is not re-dated by it
    reported: date | None = None

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

    kind: str  # the format's NAME: csv | json | epoch
    rows: Iterator[RawRow]
    estimate: int  # about how many rows (for a progress bar)
    benchmarks: tuple[BenchmarkSpec, ...] = ()
    skipped: Skipped = field(default_factory=Skipped)
    ignored_columns: tuple[str, ...] = ()


class Format(Protocol):
    """An import format: a module with these three names."""

    NAME: str

    def sniff(self, filename: str, text: str) -> bool:
        """Whether the file is in this format (its name, its first characters)."""
        ...

    def read(self, text: str, benchmark: str | None) -> Parsed:
        """Its rows as generic import rows; raises `UserError` for a file it cannot read."""
        ...


def decode(data: bytes) -> str:
    """The file as text; anything but UTF-8 is refused with where it went wrong."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"The file is not UTF-8 text (byte {error.start}): save it as UTF-8 CSV or JSON."
        ) from None


def csv_stream(text: str) -> io.StringIO:
    """The text as a stream for the csv module, which alone decides where a row ends (a
    U+2028, U+0085 or form feed inside a value is part of it); fields of any length."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    return io.StringIO(text, newline="")


def newest_day(texts: Iterable[str]) -> date | None:
    """The latest of the ISO days that start these texts (`2026-03-06`, `2026-03-06T10:12Z`);
    others are not dates and are passed over."""
    days = []
    for text in texts:
        with suppress(ValueError):
            days.append(date.fromisoformat(text.strip()[:10]))
    return max(days, default=None)


def check_columns(found: list[str], benchmark_given: bool) -> tuple[str, ...]:
    """Refuse a file missing required columns; return the columns it has that we ignore."""
    needed = [c for c in REQUIRED if not (c == "benchmark" and benchmark_given)]
    missing = [c for c in needed if c not in found]
    if missing:
        raise UserError(
            f"The file lacks the column(s) {', '.join(missing)}. A row needs "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})."
        )
    return tuple(c for c in found if c not in COLUMNS)
