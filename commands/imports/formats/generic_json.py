"""The generic JSON: a list of row objects, or {"benchmarks": [...], "rows": [...]}.

Rows name the same fields as the generic CSV's columns; benchmark definitions are checked
field by field exactly like the CSV's benchmark columns and `/admin benchmark add`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from commands.core.errors import UserError
from commands.imports.formats.base import BenchmarkSpec, Parsed, RawRow, check_columns
from commands.imports.rows import benchmark_spec

NAME = "json"
# The fields of a "benchmarks" entry, and the import columns they are checked as.
BENCHMARK_FIELDS = {
    "description": "benchmark_description",
    "unit": "benchmark_unit",
    "higher_is_better": "benchmark_higher_is_better",
    "min_value": "benchmark_min",
    "max_value": "benchmark_max",
    "source": "benchmark_source",
}


def sniff(filename: str, text: str) -> bool:
    """A `.json` name, or text that opens a list or an object."""
    return filename.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")


class _NotAValue(Exception):
    """A field holds a list or an object where a row wants text or a number."""


def _clean(value: Any) -> str:
    """A field as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        raise _NotAValue("a list" if isinstance(value, list) else "an object")
    return str(value).strip()


def _row(number: int, item: Any) -> RawRow:
    if not isinstance(item, dict):
        return RawRow(number, 0, {}, "is not an object with named fields")
    values: dict[str, str] = {}
    for key, value in item.items():
        try:
            values[key.strip().lower()] = _clean(value)
        except _NotAValue as kind:
            return RawRow(number, 0, {}, f"has {kind} in `{key}`: give text or a number")
    return RawRow(number, 0, values)


def _rows(items: list[Any]) -> Iterator[RawRow]:
    for number, item in enumerate(items, 1):
        yield _row(number, item)


def _spec(number: int, item: Any) -> BenchmarkSpec:
    """One entry of "benchmarks", checked as the CSV's benchmark columns are."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str | int | float):
        raise UserError(f'Entry {number} of "benchmarks" needs a "name" (text).')
    try:
        name = _clean(item["name"])
        values = {column: _clean(item.get(key)) for key, column in BENCHMARK_FIELDS.items()}
        return benchmark_spec(values, name)
    except _NotAValue as kind:
        raise UserError(
            f'Entry {number} of "benchmarks" has {kind} in a field: give text or a number.'
        ) from None
    except UserError as error:
        said = error.message  # in the JSON's own field names
        for key, column in (*BENCHMARK_FIELDS.items(), ("name", "benchmark")):
            said = said.replace(f"`{column}`", f"`{key}`")
        raise UserError(f'Entry {number} of "benchmarks": {said}') from None


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"The JSON does not parse: {error.msg} at line {error.lineno}.") from None
    except RecursionError:
        raise UserError(
            "The JSON nests lists or objects too deeply to read: a row is one object "
            "of plain fields."
        ) from None
    except ValueError:  # an integer of more digits than Python converts (4,300)
        raise UserError("The JSON holds a number with too many digits to read.") from None


def read(text: str, benchmark: str | None) -> Parsed:
    """The rows (each checked on its own later) and the benchmarks the file defines."""
    data = _load(text)
    specs: tuple[BenchmarkSpec, ...] = ()
    if isinstance(data, dict):
        defined = data.get("benchmarks", [])
        if not isinstance(defined, list):
            raise UserError('"benchmarks" must be a list of objects, each with a "name".')
        specs = tuple(_spec(n, b) for n, b in enumerate(defined, 1))
        data = data.get("rows")
    if not isinstance(data, list):
        raise UserError('The JSON must be a list of rows, or {"rows": [...]}.')
    keys = sorted({k.strip().lower() for item in data if isinstance(item, dict) for k in item})
    ignored = check_columns(keys, benchmark is not None or not data) if data else ()
    return Parsed(NAME, _rows(data), len(data), specs, ignored_columns=ignored)
