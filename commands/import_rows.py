"""One import row's text -> typed values, checked with the same option rules as `/admin`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import pycountry

from commands.admin import MODEL_FIELDS
from commands.errors import UserError
from commands.import_formats import BenchmarkSpec
from commands.options import PartialDate, convert
from commands.registry import Option, OptionType

_ADMIN = {o.name: o for o in MODEL_FIELDS}
MODEL = Option("model", "", OptionType.STRING)
ORGANIZATION = Option("organization", "", OptionType.STRING)
BENCHMARK = Option("benchmark", "", OptionType.STRING)
SCORE = Option("score", "", OptionType.NUMBER)
STDERR = Option("stderr", "", OptionType.NUMBER, min_value=0)
SOURCE = Option("source", "", OptionType.SOURCE)
RELEASED = Option("release_date", "", OptionType.DATE)
REPORTED = Option("date", "", OptionType.DATE)
WEIGHTS = replace(_ADMIN["weights"], description="")
PARAMS = replace(_ADMIN["params"], description="")
CONTEXT = replace(_ADMIN["context"], description="")
MODEL_SOURCE = Option("model_source", "", OptionType.SOURCE)
UNIT = Option("benchmark_unit", "", OptionType.STRING)
HIGHER = Option("benchmark_higher_is_better", "", OptionType.BOOLEAN)
LOWEST = Option("benchmark_min", "", OptionType.NUMBER)
HIGHEST = Option("benchmark_max", "", OptionType.NUMBER)


@dataclass(slots=True)
class Line:
    """A row's values, typed and individually valid (consistency is checked later)."""

    model: str
    organization: str
    country: str | None
    released: PartialDate | None
    weights: str | None
    params_b: float | None
    context_tokens: int | None
    benchmark: str | None
    value: float | None
    stderr: float | None
    source: str
    reported_on: date | None
    benchmark_spec: BenchmarkSpec | None
    model_source: str  # what the model's facts are cited to (default: the score's source)


@lru_cache(maxsize=1024)
def country(text: str) -> str:
    """An ISO code (`CN`) or a country's name (`China`) -> the ISO alpha-2 code."""
    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        raise UserError(
            f"`country` is a two-letter ISO code such as US or CN (or a country's name), "
            f"not `{text}`."
        ) from None


_MEMO: dict[tuple[str, str], Any] = {}
_MEMO_SIZE = 1 << 16


def _get(values: dict[str, str], option: Option) -> Any:
    """The option's converted value, or None when blank; remembered, since a bulk file
    repeats its organizations, countries, dates and sources on row after row."""
    raw = values.get(option.name, "")
    if not raw or raw.isspace():
        return None
    key = (option.name, raw)
    if key in _MEMO:
        return _MEMO[key]
    value = convert(option, raw)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def _spec(values: dict[str, str], name: str | None) -> BenchmarkSpec | None:
    """A benchmark definition written on the row itself (as `export` writes it)."""
    higher = _get(values, HIGHER)
    if name is None or higher is None:
        return None
    return BenchmarkSpec(
        name=name,
        description=values.get("benchmark_description", "").strip(),
        unit=_get(values, UNIT) or "points",
        higher_is_better=higher,
        min_value=_get(values, LOWEST),
        max_value=_get(values, HIGHEST),
    )


_FACT_COLUMNS = (
    "organization",
    "country",
    "release_date",
    "weights",
    "params",
    "context",
    "model_source",
)
_FACTS_MEMO: dict[tuple[str, ...], tuple[Any, ...]] = {}


def _facts(values: dict[str, str]) -> tuple[Any, ...]:
    """The model facts of a row, typed; remembered by their text (rows of one model repeat)."""
    key = tuple(values.get(c, "") for c in _FACT_COLUMNS)
    found = _FACTS_MEMO.get(key)
    if found is None:
        where = key[1].strip()
        found = (
            _get(values, ORGANIZATION),
            country(where) if where else None,
            _get(values, RELEASED),
            _get(values, WEIGHTS),
            _get(values, PARAMS),
            _get(values, CONTEXT),
            _get(values, MODEL_SOURCE),
        )
        if len(_FACTS_MEMO) >= _MEMO_SIZE:
            _FACTS_MEMO.clear()
        _FACTS_MEMO[key] = found
    return found


def read_line(values: dict[str, str], default_benchmark: str | None) -> Line:
    """Type every field; raises `UserError` naming the field and how to write it."""
    model = _get(values, MODEL)
    source = _get(values, SOURCE)
    organization, where, released, weights, params_b, context_tokens, cited = _facts(values)
    for name, value in (("model", model), ("organization", organization), ("source", source)):
        if value is None:
            raise UserError(f"`{name}` is empty: every row needs it.")
    column = _get(values, BENCHMARK)
    value = _get(values, SCORE)
    if value is not None and (column or default_benchmark) is None:
        raise UserError(
            "`score` needs its benchmark: fill the benchmark column, or name the "
            "file's one benchmark with --benchmark NAME."
        )
    if column is not None and value is None:
        raise UserError(
            f"`score` is empty: give the score on {column}, or leave benchmark "
            "empty too for a row that only describes a model."
        )
    benchmark = (column or default_benchmark) if value is not None else None
    return Line(
        model=model,
        organization=organization,
        country=where,
        released=released,
        weights=weights,
        params_b=params_b,
        context_tokens=context_tokens,
        benchmark=benchmark,
        value=value,
        stderr=_get(values, STDERR) if "stderr" in values else None,
        source=source,
        reported_on=_reported(values) if "date" in values else None,
        benchmark_spec=_spec(values, benchmark) if HIGHER.name in values else None,
        model_source=cited or source,
    )


def _reported(values: dict[str, str]) -> date | None:
    reported: PartialDate | None = _get(values, REPORTED)
    return reported.day if reported is not None else None
