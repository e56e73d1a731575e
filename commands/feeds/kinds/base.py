"""What a feed kind is: the media types it accepts and the parse of its public format.

Pure (bytes in, items out). An item's `key` is the same whichever feed lists it
(`hf:deepseek-ai/DeepSeek-V4`), so an item rejected once never comes back.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from commands.core.errors import UserError
from commands.feeds.fetch import FeedError

if TYPE_CHECKING:
    from commands.imports.report import ImportReport
    from storage.engine.db import Database

MAX_ITEMS = 5_000  # a source that lists more is not the source we know: refused
JSON_TYPES = ("application/json", "text/json")


@dataclass(frozen=True)
class FeedItem:
    """One thing a feed lists: a model (`what` = model), a news story, or a data row."""

    key: str
    title: str
    link: str
    what: str  # model | news | row | ignored
    facts: Mapping[str, Any] = field(default_factory=dict)


class Applied(NamedTuple):
    """What an import of a feed did: its report's first line, and the rows it added or
    updated (for /metrics)."""

    line: str
    rows: int


def applied(report: ImportReport) -> Applied:
    """A trusted feed's import as the feed worker reports it; a refused file fails the feed."""
    if report.refused:
        first = report.rejected[0] if report.rejected else None
        raise FeedError(f"the import refused it: {first.reason if first else 'no valid row'}")
    written = report.counts["added"] + report.counts["updated"]
    return Applied(report.text().splitlines()[0], written)


# (database, feed name, body, url, now) -> what the import did
Apply = Callable[["Database", str, bytes, str, datetime], Awaitable[Applied]]


@dataclass(frozen=True)
class FeedKind:
    """A kind of source: declared once in its own module, registered in `KINDS`."""

    name: str
    description: str
    accepts: tuple[str, ...]
    parse: Callable[[bytes, str], list[FeedItem]]
    example: str
    apply: Apply | None = None  # structured data applied through the import path (trust auto)


KINDS: dict[str, FeedKind] = {}


def register(kind: FeedKind) -> FeedKind:
    if kind.name in KINDS:
        raise ValueError(f"feed kind {kind.name} declared twice")
    KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> FeedKind:
    """The kind called `name`, or a UserError listing the kinds there are."""
    try:
        return KINDS[name.strip().lower()]
    except KeyError:
        raise UserError(
            f"There is no feed kind `{name}`; the kinds are {', '.join(sorted(KINDS))}."
        ) from None


def load_json(body: bytes) -> Any:
    """A JSON body, or FeedError saying it is not JSON (an HTML error page, a cut-off body)."""
    text = body.decode("utf-8", errors="replace").lstrip()
    if text.startswith("<"):
        raise FeedError("expected JSON, got HTML or XML (an error page?)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(f"malformed or truncated JSON ({error.msg} at char {error.pos})") from None


def iso_day(value: Any) -> str | None:
    """`2025-01-20T12:00:00.000Z` or a Unix time -> `2025-01-20`; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 < value < 10**11:
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def checked(items: list[FeedItem]) -> list[FeedItem]:
    """Items within `MAX_ITEMS`, each key once (the first listing wins)."""
    if len(items) > MAX_ITEMS:
        raise FeedError(f"lists {len(items):,} items; at most {MAX_ITEMS:,} are read")
    return list({item.key: item for item in reversed(items)}.values())[::-1]
