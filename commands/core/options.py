"""Option values from any front end, converted to typed values or refused with a how-to."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from commands.core.countries import country_code
from commands.core.errors import UserError
from commands.core.registry import Option, OptionType
from storage.limits import INTEGER_MAX, NAME_LENGTH, SOURCE_LENGTH, TEXT_LENGTH
from storage.names import normalize, visible

MAX_STRING = NAME_LENGTH
MAX_TEXT = TEXT_LENGTH
MAX_SOURCE = SOURCE_LENGTH
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\n\t\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Numbers are written in ASCII digits only: `1_0` and full-width `１０` are refused everywhere.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|data|file|vbscript|mailto|ftp|about):", re.I)
# An http(s) URL whose host `urlsplit` takes as it stands (no space, bracket or non-ASCII):
# accepted without splitting it, as an import checks tens of thousands of them.
_PLAIN_WEB_URL = re.compile(r"https?://[^\s/?#\[\]]+(?:[/?#]|\Z)", re.I)


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or a quarter; `day` is the period's first day."""

    day: date
    precision: str  # day | month | quarter

    def __str__(self) -> str:
        if self.precision == "month":
            return self.day.strftime("%Y-%m")
        if self.precision == "quarter":
            return f"{self.day.year}-Q{(self.day.month - 1) // 3 + 1}"
        return self.day.isoformat()

    @property
    def last_day(self) -> date:
        """The period's last day (the same day for day precision)."""
        if self.precision == "day":
            return self.day
        months = 3 if self.precision == "quarter" else 1
        end_month = self.day.month + months - 1
        return date(self.day.year, end_month, calendar.monthrange(self.day.year, end_month)[1])


@dataclass(frozen=True)
class Window:
    """A forecast's target window, both ends included."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class Attachment:
    """A file the caller uploaded (or, on the console, named by path)."""

    filename: str
    data: bytes


def parse_partial_date(text: str, what: str = "date") -> PartialDate:
    """`2026-06-15`, `2026-06` or `2026-Q2`; anything else is refused with the accepted forms."""
    value = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
            parsed = PartialDate(date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter")
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            parsed = PartialDate(date(int(m[1]), int(m[2]), 1), "month")
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            parsed = PartialDate(date.fromisoformat(value), "day")
        else:
            raise ValueError(value)
    except ValueError:
        raise UserError(
            f"{what} `{text}` is not a date I can read: write 2026-06-15, 2026-06 or 2026-Q2."
        ) from None
    if not 1950 <= parsed.day.year <= 2100:
        raise UserError(f"{what} `{text}` is out of range: use a year between 1950 and 2100.")
    return parsed


def parse_window(text: str) -> Window:
    """`2027-Q1`, `2026-11`, `2026` or `FROM..TO` with any of the date forms on each side."""
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        value = f"{value}-01..{value}-12"
    start_text, _, end_text = value.partition("..")
    start = parse_partial_date(start_text, "window start")
    end = parse_partial_date(end_text, "window end") if end_text else start
    if end.last_day < start.day:
        raise UserError(f"window `{text}` ends before it starts: write FROM..TO, earliest first.")
    return Window(start.day, end.last_day)


def max_length(option: Option) -> int:
    """The most characters an option takes: its own limit, else its type's (the columns')."""
    if option.max_length is not None:
        return option.max_length
    return {OptionType.TEXT: MAX_TEXT, OptionType.SOURCE: MAX_SOURCE}.get(option.type, MAX_STRING)


def _text(name: str, raw: Any, limit: int, one_line: bool = True) -> str:
    value = str(raw).strip()
    if not value:
        raise UserError(f"`{name}` is empty: give a value.")
    if len(value) > limit:
        raise UserError(f"`{name}` is {len(value)} characters long; the limit is {limit}.")
    if _CONTROL.search(value) or (one_line and _LINE_BREAK.search(value)):
        what = "control characters or line breaks" if one_line else "control characters"
        raise UserError(f"`{name}` contains {what}; use plain text.")
    if _SURROGATE.search(value):
        raise UserError(f"`{name}` contains broken characters (lone surrogates); retype it.")
    return value


def _name(name: str, raw: Any, limit: int) -> str:
    """A short text that may be a name, without invisible characters (zero-width, bidi
    controls); its matching key (see storage.names) fits the column too."""
    value = _text(name, visible(str(raw)), limit)
    key = len(normalize(value))
    if key > limit:
        raise UserError(
            f"`{name}` is {key} characters long once written out (a ligature such as ﬃ "
            f"counts as its letters); the limit is {limit}."
        )
    return value


def _shown(raw: Any) -> str:
    text = str(raw).strip()
    return text if len(text) <= 30 else text[:29] + "…"


def parse_number(raw: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    """A finite number in plain digits (`74.4`, `-1`, `1e3`); `1_0` and `１０` are refused."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif _NUMBER.fullmatch(text := str(raw).strip()):
        value = float(text)
    elif text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        value = math.nan
    else:
        raise UserError(
            f"`{name}` must be a number such as 74.4, not `{_shown(raw)}`: "
            "write it with the digits 0-9 and a dot."
        )
    if not math.isfinite(value):
        raise UserError(f"`{name}` must be a finite number such as 74.4, not `{_shown(raw)}`.")
    check_range(name, value, low, high, raw)
    return value


def parse_integer(raw: Any, name: str, low: float | None = None, high: float | None = None) -> int:
    """A whole number in plain digits within what a column holds (at most 2^31 - 1 either way)."""
    low = -INTEGER_MAX if low is None else low
    high = INTEGER_MAX if high is None else high
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif _INTEGER.fullmatch(text := str(raw).strip()) and len(text) <= 20:
        value = int(text)
    elif _INTEGER.fullmatch(text):
        value = INTEGER_MAX + 1 if not text.startswith("-") else -INTEGER_MAX - 1
    else:
        raise UserError(
            f"`{name}` must be a whole number such as 5, not `{_shown(raw)}`: "
            "write it with the digits 0-9."
        )
    check_range(name, value, low, high, raw)
    return value


def check_range(
    name: str, value: float, low: float | None, high: float | None, raw: Any = None
) -> None:
    """Refuse a value outside [low, high], saying the bound (either may be missing)."""
    if (low is None or value >= low) and (high is None or value <= high):
        return
    shown = _shown(value if raw is None else raw)
    if low is not None and high is not None:
        bounds = f"between {_bound(low)} and {_bound(high)}"
    else:
        bounds = f"at least {_bound(low)}" if low is not None else f"at most {_bound(high)}"
    raise UserError(f"`{name}` must be {bounds}, not {shown}.")


def _bound(value: float | None) -> str:
    return str(int(value)) if value is not None and value == int(value) else f"{value:g}"


def _boolean(option: Option, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in _TRUE or word == option.name.lower():
        return True
    if word in _FALSE:
        return False
    raise UserError(f"`{option.name}` is yes or no, not `{raw}`.")


def parse_source(raw: Any, name: str = "source") -> str:
    """An http(s) URL or a plain citation; other URL schemes are refused."""
    value = _text(name, raw, MAX_SOURCE, one_line=False)
    if value.isascii() and _PLAIN_WEB_URL.match(value):
        return value
    if "://" in value or _DANGEROUS_SCHEME.match(value):
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise UserError(
                f"`{name}` must be an http(s) URL such as https://example.org/post "
                f'or a citation such as "Axios, 2026-06-20", not `{value}`.'
            )
    return value


def parse_country(raw: Any, name: str = "country") -> str:
    code = country_code(str(raw))
    if code is None:
        raise UserError(
            f"`{name}` is a two-letter ISO country code such as US or CN, or a country's name"
            f" such as China; not `{raw}`."
        )
    return code


def _choice(option: Option, raw: Any) -> str:
    word = str(raw).strip().lower()
    for choice in option.choices:
        if choice.lower() == word:
            return choice
    raise UserError(f"`{option.name}` is one of {', '.join(option.choices)}; not `{raw}`.")


def convert(option: Option, raw: Any) -> Any:
    """One option's value, typed; raises `UserError` saying how to write it."""
    if option.choices:
        return _choice(option, raw)
    kind = option.type
    if kind in (OptionType.STRING, OptionType.ROLE):
        return _name(option.name, raw, max_length(option))
    if kind is OptionType.TEXT:
        return _text(option.name, raw, max_length(option), one_line=False)
    if kind is OptionType.NUMBER:
        return parse_number(raw, option.name, option.min_value, option.max_value)
    if kind is OptionType.INTEGER:
        return parse_integer(raw, option.name, option.min_value, option.max_value)
    if kind is OptionType.BOOLEAN:
        return _boolean(option, raw)
    if kind is OptionType.DATE:
        return parse_partial_date(str(raw), f"`{option.name}`")
    if kind is OptionType.WINDOW:
        return parse_window(str(raw))
    if kind is OptionType.SOURCE:
        return parse_source(raw, option.name)
    if kind is OptionType.COUNTRY:
        return parse_country(raw, option.name)
    if kind is OptionType.ATTACHMENT:
        if isinstance(raw, Attachment):
            return raw
        raise UserError(
            f"`{option.name}` needs a file: attach one (or give a path on the console)."
        )
    raise AssertionError(f"unhandled option type {kind}")
