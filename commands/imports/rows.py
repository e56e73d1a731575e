"""One import row's text -> typed values, checked with the same option rules as `/admin`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from commands.core.countries import country_code
from commands.core.errors import UserError
from commands.core.model_fields import MODEL_FIELDS
from commands.core.options import PartialDate, convert
from commands.core.registry import Option, OptionType
from commands.imports.formats.base import BenchmarkSpec
from storage.limits import UNIT_LENGTH
from storage.names import normalize

_ADMIN = {o.name: o for o in MODEL_FIELDS}
_MEMO_SIZE = 1 << 16  # converted values remembered per column
_MISSING = object()


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    """Keep `value` under `key`; a full memo starts over (bounded memory, still fast)."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


class Column:
    """One import column: its option's rules, and the values already converted, since a
    bulk file repeats its organizations, countries, dates and sources row after row."""

    __slots__ = ("check", "memo", "name", "option")

    def __init__(self, option: Option, check: Callable[[str, Any], Any] | None = None) -> None:
        self.option = option
        self.name = option.name
        self.check = check  # a further rule on the converted value (names: `plain_name`)
        self.memo: dict[str | None, Any] = {}

    def get(self, values: Mapping[str, str]) -> Any:
        """The row's value in this column, typed (see `convert`)."""
        return self.convert(values.get(self.name))

    def convert(self, raw: str | None) -> Any:
        """The typed value, or None when blank; raises `UserError` saying how to write it."""
        value = self.memo.get(raw, _MISSING)
        if value is _MISSING:
            value = None if not raw or raw.isspace() else convert(self.option, raw)
            if value is not None and self.check is not None:
                value = self.check(self.name, value)
            _remember(self.memo, raw, value)
        return value


# Characters a name may not hold: controls (tab and line breaks too), line and paragraph
# separators; and mentions, which would ping a channel wherever a name is shown.
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MENTION = re.compile(r"@(everyone|here|channel)\b|<[@!#]", re.IGNORECASE)


def plain_name(field: str, value: str) -> str:
    """A model's, organization's or benchmark's name: one line of plain text, no mention."""
    if _NOT_IN_NAMES.search(value):
        raise UserError(f"`{field}` contains a line break or control character; use plain text.")
    if _MENTION.search(value):
        raise UserError(f"`{field}` contains a mention (`@everyone`, `<@...>`); write the name.")
    return value


def _number_at_least(low: float) -> Callable[[str, Any], Any]:
    def check(field: str, value: float) -> float:
        if value < low:
            raise UserError(f"`{field}` must be {low:g} or more, not {value:g}.")
        return value

    return check


MODEL = Column(Option("model", "", OptionType.STRING), plain_name)
ORGANIZATION = Column(Option("organization", "", OptionType.STRING), plain_name)
BENCHMARK = Column(Option("benchmark", "", OptionType.STRING), plain_name)
SCORE = Column(Option("score", "", OptionType.NUMBER))
STDERR = Column(Option("stderr", "", OptionType.NUMBER), _number_at_least(0))
SOURCE = Column(Option("source", "", OptionType.SOURCE))
RELEASED = Column(Option("release_date", "", OptionType.DATE))
REPORTED = Column(Option("date", "", OptionType.DATE))
WEIGHTS = Column(replace(_ADMIN["weights"], description=""))
PARAMS = Column(replace(_ADMIN["params"], description=""))
CONTEXT = Column(replace(_ADMIN["context"], description=""))
MODEL_SOURCE = Column(Option("model_source", "", OptionType.SOURCE))
UNIT = Column(Option("benchmark_unit", "", OptionType.STRING, max_length=UNIT_LENGTH))
HIGHER = Column(Option("benchmark_higher_is_better", "", OptionType.BOOLEAN))
LOWEST = Column(Option("benchmark_min", "", OptionType.NUMBER))
HIGHEST = Column(Option("benchmark_max", "", OptionType.NUMBER))
DESCRIPTION = Column(Option("benchmark_description", "", OptionType.TEXT))
BENCHMARK_SOURCE = Column(Option("benchmark_source", "", OptionType.SOURCE))


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


def country(text: str) -> str:
    """An ISO code (`CN`) or a country's name (`China`) -> the ISO alpha-2 code."""
    code = country_code(text)
    if code is None:
        raise UserError(
            f"`country` is a two-letter ISO code such as US or CN (or a country's name), "
            f"not `{text}`."
        )
    return code


def benchmark_spec(values: Mapping[str, str], name: str) -> BenchmarkSpec:
    """A benchmark's definition in the `BENCHMARK_COLUMNS` (`benchmark_source` too), checked as
    `/admin benchmark add` checks its options; raises `UserError` saying what is wrong."""
    name = BENCHMARK.convert(name)
    if name is None or not normalize(name):
        raise UserError(f"`{name or ''}` has no letters or digits; give a real benchmark name.")
    higher = HIGHER.get(values)
    low, high = LOWEST.get(values), HIGHEST.get(values)
    if low is not None and high is not None and low >= high:
        raise UserError(f"`benchmark_min` ({low:g}) must be below `benchmark_max` ({high:g}).")
    return BenchmarkSpec(
        name=name,
        description=DESCRIPTION.get(values) or "",
        unit=UNIT.get(values) or "points",
        higher_is_better=True if higher is None else higher,
        min_value=low,
        max_value=high,
        source=BENCHMARK_SOURCE.get(values) or "",
    )


def _spec(values: dict[str, str], name: str | None) -> BenchmarkSpec | None:
    """A benchmark definition written on the row itself (as `export` writes it)."""
    if name is None or HIGHER.get(values) is None:
        return None
    return benchmark_spec(values, name)


_FACTS_MEMO: dict[tuple[str, ...], tuple[Any, ...]] = {}


def _facts(values: dict[str, str]) -> tuple[Any, ...]:
    """The model facts of a row, typed; remembered by their text (rows of one model repeat)."""
    get = values.get
    key = (
        get("organization", ""),
        get("country", ""),
        get("release_date", ""),
        get("weights", ""),
        get("params", ""),
        get("context", ""),
        get("model_source", ""),
    )
    found = _FACTS_MEMO.get(key)
    if found is None:
        where = key[1].strip()
        found = (
            ORGANIZATION.get(values),
            country(where) if where else None,
            RELEASED.get(values),
            WEIGHTS.get(values),
            PARAMS.get(values),
            CONTEXT.get(values),
            MODEL_SOURCE.get(values),
        )
        _remember(_FACTS_MEMO, key, found)
    return found


def read_line(values: dict[str, str], default_benchmark: str | None) -> Line:
    """Type every field; raises `UserError` naming the field and how to write it."""
    model = MODEL.get(values)
    source = SOURCE.get(values)
    organization, where, released, weights, params_b, context_tokens, cited = _facts(values)
    for name, value in (("model", model), ("organization", organization), ("source", source)):
        if value is None:
            raise UserError(f"`{name}` is empty: every row needs it.")
    benchmark, value, stderr, reported = _measure(values, default_benchmark)
    return Line(  # by position, in field order: a third of the cost of keywords, per row
        model,
        organization,
        where,
        released,
        weights,
        params_b,
        context_tokens,
        benchmark,
        value,
        stderr,
        source,
        reported,
        _spec(values, benchmark) if HIGHER.name in values else None,
        cited or source,
    )


_MEASURE_MEMO: dict[tuple[str | None, ...], tuple[Any, ...]] = {}


def _measure(values: dict[str, str], default_benchmark: str | None) -> tuple[Any, ...]:
    """A row's benchmark, score, stderr and report date, typed; remembered by their text
    (a file's scores repeat their benchmark, date and often their value)."""
    get = values.get
    key = (get("benchmark"), get("score"), get("stderr"), get("date"), default_benchmark)
    found = _MEASURE_MEMO.get(key)
    if found is None:
        column = BENCHMARK.convert(key[0])
        value = SCORE.convert(key[1])
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
        reported: PartialDate | None = REPORTED.convert(key[3])
        found = (
            (column or default_benchmark) if value is not None else None,
            value,
            STDERR.convert(key[2]),
            reported.day if reported is not None else None,
        )
        _remember(_MEASURE_MEMO, key, found)
    return found
