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

MAX_STRING = 100
MAX_TEXT = 1000
MAX_SOURCE = 500
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
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


def _text(name: str, raw: Any, limit: int) -> str:
    value = str(raw).strip()
    if not value:
        raise UserError(f"`{name}` is empty: give a value.")
    if len(value) > limit:
        raise UserError(f"`{name}` is {len(value)} characters long; the limit is {limit}.")
    if _CONTROL.search(value):
        raise UserError(f"`{name}` contains control characters; use plain text.")
    return value


def _number(option: Option, raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UserError(f"`{option.name}` must be a number such as 74.4, not `{raw}`.") from None
    if not math.isfinite(value):
        raise UserError(f"`{option.name}` must be a finite number such as 74.4, not `{raw}`.")
    _check_range(option, value)
    return value


def _integer(option: Option, raw: Any) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise UserError(f"`{option.name}` must be a whole number such as 5, not `{raw}`.") from None
    _check_range(option, value)
    return value


def _check_range(option: Option, value: float) -> None:
    low, high = option.min_value, option.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise UserError(f"`{option.name}` must be between {low:g} and {high:g}, not {value:g}.")


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
    value = _text(name, raw, MAX_SOURCE)
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
    if kind is OptionType.STRING:
        return _text(option.name, raw, MAX_STRING)
    if kind is OptionType.TEXT:
        return _text(option.name, raw, MAX_TEXT)
    if kind is OptionType.NUMBER:
        return _number(option, raw)
    if kind is OptionType.INTEGER:
        return _integer(option, raw)
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
