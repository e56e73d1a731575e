"""The generic CSV: a header row naming the columns (any case), then one score per row.

Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
or carriage return) are written by `racewatch export` behind a single quote, as OWASP's
CSV-injection guidance says; reading takes exactly that quote off again (`unguard`), so an
export imports as it was. Number columns are never quoted: `-0.5` stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from commands.core.errors import UserError
from commands.imports.formats.base import (
    NUMBER_COLUMNS,
    Parsed,
    RawRow,
    check_columns,
    csv_stream,
)

NAME = "csv"
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"
_QUOTED_STARTS = FORMULA_STARTS | {QUOTE}


def guard(cell: str) -> str:
    """A text cell as exported: behind a quote when a spreadsheet would run it, or when it
    starts with a quote that `unguard` would take off."""
    if cell[:1] in FORMULA_STARTS or (cell[:1] == QUOTE and cell[1:2] in _QUOTED_STARTS):
        return QUOTE + cell
    return cell


def unguard(cell: str) -> str:
    """Undo `guard`: the quote in front of a formula start (or of another quote) goes."""
    if cell[:1] == QUOTE and cell[1:2] in _QUOTED_STARTS:
        return cell[1:]
    return cell


def sniff(filename: str, text: str) -> bool:
    """Any text: the format tried last."""
    return True


def read(text: str, benchmark: str | None) -> Parsed:
    """The rows, read lazily; a row with more cells than the header carries a problem."""
    reader = csv.reader(csv_stream(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise UserError("The file is empty: nothing to import.")
    ignored = check_columns(header, benchmark is not None)
    width = len(header)
    texts = [i for i, name in enumerate(header) if name not in NUMBER_COLUMNS | set(ignored)]
    quoted = QUOTE in text  # else no cell needs `unguard` (one scan instead of one a cell)

    def rows() -> Iterator[RawRow]:
        number, line = 0, reader.line_num + 1
        for cells in reader:
            if any(cells) and not (len(cells) == 1 and cells[0].isspace()):
                number += 1
                if quoted:
                    for i in texts:
                        if i < len(cells) and cells[i][:1] == QUOTE:
                            cells[i] = unguard(cells[i])
                values = dict(zip(header, cells, strict=False))  # converters strip spaces
                if (extra := len(cells) - width) > 0:
                    problem = f"has {extra} more cell(s) than the header: quote values with commas"
                    yield RawRow(number, line, values, problem)
                else:
                    yield RawRow(number, line, values)
            line = reader.line_num + 1

    return Parsed(NAME, rows(), text.count("\n"), ignored_columns=ignored)
