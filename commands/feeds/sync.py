"""One poll of a feed: fetch (conditionally), parse, then apply or propose what is new.

A feed that fails is marked failing with the reason and polled again after an exponential
backoff; it writes nothing else and never stops the other feeds. One log line per failure
streak (and one when it recovers).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from commands.core.errors import UserError
from commands.feeds.fetch import FeedClient, FeedError, Fetched
from commands.feeds.kinds import KINDS
from commands.feeds.proposals import propose
from commands.feeds.review import approve_all
from storage.engine.db import Database
from storage.feeds import FeedRow, record_poll, remember_items, seen_keys

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 24 * 3600  # a failing feed is still tried at least daily (or its own period)
FIRST_WINDOW = timedelta(days=30)  # a new feed proposes items of the last 30 days, not its past
CONCURRENCY = 4  # feeds fetched at once


@dataclass(frozen=True)
class SyncResult:
    """What one poll did: `unchanged`, `changed` or `failed` (with the reason)."""

    feed: str
    outcome: str
    new_items: int = 0
    proposals: int = 0
    applied: str = ""
    error: str | None = None
    kind: str = ""
    applied_items: int = 0  # applied without a curator: rows an import wrote, or approvals

    def line(self) -> str:
        if self.outcome == "failed":
            return f"{self.feed}: failed: {self.error}"
        if self.outcome == "unchanged":
            return f"{self.feed}: unchanged"
        said = [f"{self.new_items} new item(s)"]
        if self.proposals:
            said.append(f"{self.proposals} proposal(s) queued")
        if self.applied:
            said.append(self.applied)
        return f"{self.feed}: " + "; ".join(said)


_GATES: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()


def _gate(db: Database) -> asyncio.Lock:
    """Feeds are fetched and parsed side by side but write one at a time: on SQLite a
    writer waiting for the lock sleeps in steps, which costs more than the queue here."""
    return _GATES.setdefault(db, asyncio.Lock())


def next_run(feed: FeedRow, now: datetime, rng: random.Random, failures: int = 0) -> datetime:
    """The feed's period (doubled for each failure in a row, capped), jittered by ±10%."""
    base = feed.every_s * 2**failures if failures else feed.every_s
    delay = min(base, max(feed.every_s, MAX_BACKOFF_S))
    return now + timedelta(seconds=delay * rng.uniform(0.9, 1.1))


def _since(feed: FeedRow, now: datetime) -> str | None:
    """On a feed's first poll, the day before which its items are its past, not news."""
    return None if feed.last_sync_at is not None else (now - FIRST_WINDOW).date().isoformat()


async def _failed(
    db: Database, feed: FeedRow, now: datetime, reason: str, rng: random.Random
) -> SyncResult:
    if feed.failures == 0:
        log.warning("feed %s is failing: %s (retried with backoff)", feed.name, reason)
    else:
        log.debug("feed %s still failing (%d): %s", feed.name, feed.failures + 1, reason)
    values = {
        "status": "failing",
        "last_error": reason[:500],
        "failures": feed.failures + 1,
        "last_sync_at": now,
        "next_run_at": next_run(feed, now, rng, feed.failures + 1),
    }
    async with _gate(db), db.write(f"feed:{feed.name}", f"feed poll {feed.name}", now) as change:
        await record_poll(change.conn, feed.id, values)
    return SyncResult(feed.name, "failed", error=reason, kind=feed.kind)


def _ok(feed: FeedRow, now: datetime, rng: random.Random, fetched: Fetched) -> dict[str, Any]:
    if feed.failures:
        log.info("feed %s works again after %d failed poll(s)", feed.name, feed.failures)
    values: dict[str, Any] = {
        "status": "ok",
        "last_error": None,
        "failures": 0,
        "last_sync_at": now,
        "next_run_at": next_run(feed, now, rng),
    }
    if not fetched.not_modified:
        values |= {"etag": fetched.etag, "last_modified": fetched.last_modified}
        values["body_hash"] = hashlib.sha256(fetched.body).hexdigest()
    return values


async def sync_feed(
    db: Database, feed: FeedRow, client: FeedClient, now: datetime, rng: random.Random
) -> SyncResult:
    """Poll one feed; every failure becomes the feed's status, never an exception."""
    kind = KINDS[feed.kind]
    try:
        fetched = await client.get(
            feed.url, accepts=kind.accepts, etag=feed.etag, last_modified=feed.last_modified
        )
        same = hashlib.sha256(fetched.body).hexdigest() == feed.body_hash
        if fetched.not_modified or same:
            async with _gate(db), db.write(f"feed:{feed.name}", "feed poll", now) as change:
                await record_poll(change.conn, feed.id, _ok(feed, now, rng, fetched))
            return SyncResult(feed.name, "unchanged", kind=feed.kind)
        items = kind.parse(fetched.body, feed.url)
        applied, done = "", 0
        if kind.apply is not None and feed.trust == "auto":
            async with _gate(db):
                applied, done = await kind.apply(db, feed.name, fetched.body, feed.url, now)
    except FeedError as error:
        return await _failed(db, feed, now, error.reason, rng)
    except UserError as error:  # the import refused the file
        return await _failed(db, feed, now, f"the import refused it: {error.message}", rng)
    async with _gate(db), db.write(f"feed:{feed.name}", f"feed poll {feed.name}", now) as change:
        seen = await seen_keys(change.conn, feed.id)
        new = [i for i in items if i.key not in seen]
        queued = 0
        if kind.apply is None:
            queued = await propose(change.conn, feed, new, now, _since(feed, now))
        await remember_items(change.conn, feed.id, [i.key for i in new], now)
        values = _ok(feed, now, rng, fetched)
        if new or applied:
            values["last_change_at"] = now
        await record_poll(change.conn, feed.id, values)
    if queued and feed.trust == "auto" and kind.apply is None:
        done = await approve_all(db, feed.name, now)
        applied = f"{done} approved (trusted feed)"
    return SyncResult(
        feed.name, "changed", len(new), queued, applied, kind=feed.kind, applied_items=done
    )


async def sync_feeds(
    db: Database,
    feeds: Sequence[FeedRow],
    client: FeedClient,
    now: datetime,
    rng: random.Random | None = None,
) -> list[SyncResult]:
    """Poll feeds a few at a time; one that breaks unexpectedly is marked failing alone."""
    rng = rng or random.Random()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(feed: FeedRow) -> SyncResult:
        async with gate:
            try:
                return await sync_feed(db, feed, client, now, rng)
            except Exception as error:  # a bug in one kind must not stop the other feeds
                log.exception("feed %s: poll failed unexpectedly", feed.name)
                return await _failed(db, feed, now, f"internal error: {type(error).__name__}", rng)

    return list(await asyncio.gather(*(one(feed) for feed in feeds)))
