"""What a channel asks to follow, as typed: topics (`leads scores`, `all`) and filters.

Filters are `key:value` words: `org:"Zhipu AI"` keeps only events about it, `-org:"Zhipu AI"`
drops them; keys are model, org, country and benchmark, and several combine (one of the
values of each key given must match, and no excluded one may). `none` removes every filter.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from commands.alerts.kinds import TOPIC_WORDING
from commands.core.errors import UserError
from storage.subscriptions import FILTER_FIELDS, TOPICS, Filter

ALL = ("all", "everything", "*")
NO_FILTERS = ("none", "unfiltered", "no-filters")
_TOPIC_WORDS = {word: topic.name for topic in TOPIC_WORDING for word in topic.words}
_KEY_WORDS = {
    "model": "model",
    "org": "org",
    "orgs": "org",
    "organization": "org",
    "lab": "org",
    "country": "country",
    "benchmark": "benchmark",
    "bench": "benchmark",
}
_FILTER = re.compile(r"(-?)([a-z]+):(.*)", re.IGNORECASE | re.DOTALL)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
HOW = (
    f"Write topics (all, {', '.join(TOPICS)}) and filters such as "
    'org:"Zhipu AI", -benchmark:SWE-Marathon, country:CN or model:GLM-5.2 (none: no filter).'
)


@dataclass(frozen=True)
class Terms:
    """Topics and filters as given; None means "not given" (keep what the channel had)."""

    topics: tuple[str, ...] | None
    filters: tuple[Filter, ...] | None


def words_of(*texts: str | None) -> list[str]:
    words: list[str] = []
    for text in texts:
        if text:
            try:
                words += shlex.split(text.translate(_QUOTES))
            except ValueError:
                raise UserError(f"A quote is not closed in `{text}`. {HOW}") from None
    return words


def topic(word: str) -> str:
    found = _TOPIC_WORDS.get(word.strip().lower())
    if found is None:
        raise UserError(f"`{word}` is not a topic or a filter. {HOW}")
    return found


def parse_terms(*texts: str | None) -> Terms:
    """Topics and filters from any of the given texts, in any order; `none` clears filters."""
    topics: list[str] = []
    filters: list[Filter] = []
    cleared = False
    for word in words_of(*texts):
        match = _FILTER.fullmatch(word.strip(", "))
        if match is None:
            cleaned = word.strip(", ").lower()
            if cleaned in NO_FILTERS:
                cleared = True
                continue
            chosen = TOPICS if cleaned in ALL else (topic(cleaned),)
            topics += [t for t in chosen if t not in topics]
            continue
        key = _KEY_WORDS.get(match[2].lower())
        if key is None:
            raise UserError(f"`{match[2]}` is not a filter key: use {', '.join(FILTER_FIELDS)}.")
        value = match[3].strip()
        if not value:
            raise UserError(f"The filter `{word}` has no value. {HOW}")
        rule = Filter(key, value, exclude=match[1] == "-")
        if rule not in filters:
            filters.append(rule)
    ordered = tuple(t for t in TOPICS if t in topics)
    return Terms(ordered or None, tuple(filters) if filters or cleared else None)


def describe_topics(topics: tuple[str, ...]) -> str:
    return "all topics" if set(topics) == set(TOPICS) else ", ".join(topics)


def describe_filters(filters: tuple[Filter, ...]) -> str:
    return " ".join(str(f) for f in filters) if filters else "none"
