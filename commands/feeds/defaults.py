"""The feeds a new database starts with, and `/admin feed add`'s checks of a new one.

Every default is a real public URL; `RACEWATCH_FEEDS=off` stops all polling (the feeds stay
configured, and `/admin feed sync` still polls one on request).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from commands.core.errors import UserError
from storage.changes import Change
from storage.engine.db import Database
from storage.feeds import add_feed, defaults_configured, get_feed, list_feeds
from storage.seed import SEED_ACTOR, watched_orgs

HOUR, DAY = 3600, 86400
MIN_EVERY, MAX_EVERY = 15 * 60, 7 * DAY
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FIRST_SPREAD_S = HOUR  # new feeds' first polls spread over this, never at start
DEFAULTS_ACTION = "configure the default feeds"


@dataclass(frozen=True)
class FeedSpec:
    name: str
    kind: str
    url: str
    trust: str
    every_s: int


RSS = (
    ("openai-news", "https://openai.com/news/rss.xml"),
    ("deepmind-blog", "https://deepmind.google/blog/rss.xml"),
    ("huggingface-blog", "https://huggingface.co/blog/feed.xml"),
    ("qwen-blog", "https://qwenlm.github.io/blog/index.xml"),
    ("chinatalk", "https://www.chinatalk.media/feed"),
    ("import-ai", "https://importai.substack.com/feed"),
)


def default_feeds() -> list[FeedSpec]:
    """Epoch's ECI and two hub files and SWE-bench's bash-only board (trusted), each watched
    Hugging Face organisation, OpenRouter's list and the news feeds (for review)."""
    # the feed kinds (about 10 ms to import) load on a first start, not on every start
    from commands.feeds.kinds.epoch import ARCHIVE, ECI_FILE
    from commands.feeds.kinds.huggingface import models_url
    from commands.feeds.kinds.openrouter import URL as OPENROUTER
    from commands.feeds.kinds.swebench import BOARD as SWE_BOARD
    from commands.feeds.kinds.swebench import URL as SWE_BENCH

    specs = [
        FeedSpec("epoch-eci", "epoch", f"{ARCHIVE}#{ECI_FILE}", "auto", DAY),
        FeedSpec("epoch-gpqa", "epoch", f"{ARCHIVE}#gpqa_diamond.csv", "auto", DAY),
        FeedSpec("epoch-swe-bench", "epoch", f"{ARCHIVE}#swe_bench_verified.csv", "auto", DAY),
        FeedSpec("swe-bench-bash-only", "swebench", f"{SWE_BENCH}#{SWE_BOARD}", "auto", DAY),
    ]
    for org in watched_orgs():
        specs.append(FeedSpec(f"hf-{org.lower()}", "huggingface", models_url(org), "review", HOUR))
    specs.append(FeedSpec("openrouter", "openrouter", OPENROUTER, "review", 6 * HOUR))
    specs += [FeedSpec(name, "rss", url, "review", 6 * HOUR) for name, url in RSS]
    return specs


def parse_every(text: str) -> int:
    """`30m`, `6h`, `1d`, `1w` -> seconds, between 15 minutes and a week."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text.lower())
    if not match:
        raise UserError(f"`{text}` is not a period: write 30m, 6h, 1d or 1w.")
    seconds = int(match[1]) * {"m": 60, "h": HOUR, "d": DAY, "w": 7 * DAY}[match[2]]
    if not MIN_EVERY <= seconds <= MAX_EVERY:
        raise UserError("A feed is polled between every 15m and every 1w.")
    return seconds


def every_text(seconds: int) -> str:
    for unit, size in (("w", 7 * DAY), ("d", DAY), ("h", HOUR)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def check_spec(name: str, kind: str, url: str, trust: str) -> FeedSpec:
    """A new feed as given, checked (UserError says what to fix); period filled in later."""
    if not NAME.match(name):
        raise UserError(
            f"`{name}` is not a feed name: lowercase letters, digits, - and _ (at most 40)."
        )
    from commands.feeds.kinds import kind_named

    found = kind_named(kind)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"`{url}` is not an http(s) URL.")
    if trust not in ("auto", "review"):
        raise UserError("trust is auto (applied as it arrives) or review (a curator decides).")
    if found.apply is not None and trust != "auto":
        raise UserError(f"{found.name} feeds are applied through the import path: trust:auto.")
    return FeedSpec(name, found.name, url, trust, HOUR)


async def insert_feed(
    change: Change, spec: FeedSpec, now: datetime, rng: random.Random, first_in: float
) -> int:
    """Configure a feed whose first poll comes `first_in` seconds from now (audited)."""
    if await get_feed(change.conn, spec.name) is not None:
        raise UserError(f"There is already a feed called {spec.name}; see /admin feed list.")
    return await add_feed(
        change,
        {
            "name": spec.name,
            "kind": spec.kind,
            "url": spec.url,
            "trust": spec.trust,
            "every_s": spec.every_s,
            "created_by": change.actor,
            "created_at": now,
            "next_run_at": now + timedelta(seconds=first_in * rng.random()),
        },
    )


async def install_defaults(db: Database, now: datetime, rng: random.Random | None = None) -> int:
    """Configure the default feeds a database lacks (first start); how many were added."""
    rng = rng or random.Random()
    async with db.read() as conn:
        if await defaults_configured(conn, DEFAULTS_ACTION):
            return 0  # once per database: a feed a curator removed stays removed
        have = {feed.name for feed in await list_feeds(conn)}
    from commands.feeds.kinds import KINDS

    wanted = [s for s in default_feeds() if s.name not in have and s.kind in KINDS]
    if not wanted:
        return 0
    async with db.write(SEED_ACTOR, DEFAULTS_ACTION, now) as change:
        for spec in wanted:
            await insert_feed(change, spec, now, rng, FIRST_SPREAD_S)
    return len(wanted)
