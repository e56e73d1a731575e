"""RSS and Atom (feedparser): labs' news pages and the outlets that cover the race.

Each entry is a news item keyed by its id (or link); the model it names, when a known name
or alias appears in the title, is found when the proposal is made.
"""

from __future__ import annotations

import time
from typing import Any
from xml.sax import SAXParseException

from commands.feeds.fetch import FeedError
from commands.feeds.kinds.base import FeedItem, FeedKind, checked, register

ACCEPTS = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)
HEADLINE = 300  # characters of a title kept


def _day(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def parse(body: bytes, url: str) -> list[FeedItem]:
    import feedparser  # loaded by the first poll, not by every `racewatch ask`

    feed = feedparser.parse(body)
    problem = feed.get("bozo_exception")
    if not feed.get("version"):
        raise FeedError(f"not an RSS or Atom feed ({problem or 'no feed element'})")
    if isinstance(problem, SAXParseException):  # feedparser reads on; half a feed is not news
        raise FeedError(f"malformed or truncated XML ({problem})")
    items = []
    for entry in feed.entries:
        link = entry.get("link") or ""
        ident = entry.get("id") or link
        title = " ".join((entry.get("title") or "").split())[:HEADLINE]
        if not ident or not title:
            continue
        facts = {"headline": title, "happened_on": _day(entry)}
        items.append(FeedItem(f"rss:{ident}", title, link or url, "news", facts))
    return checked(items)


KIND = register(
    FeedKind(
        name="rss",
        description="RSS or Atom: a lab's news page or an outlet covering the race",
        accepts=ACCEPTS,
        parse=parse,
        example="https://huggingface.co/blog/feed.xml",
    )
)
