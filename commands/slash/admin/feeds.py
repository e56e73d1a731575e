"""/admin feed add | list | remove | sync: curators choose the public sources Racewatch polls."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from commands.core.errors import UserError
from commands.core.registry import REGISTRY, Option, OptionType, Permission, Request
from commands.core.reply import Reply, Table
from commands.feeds.defaults import check_spec, every_text, insert_feed, parse_every
from commands.feeds.fetch import FeedClient
from commands.feeds.kinds import KINDS
from commands.feeds.sync import sync_feeds
from storage.engine.db import Database
from storage.engine.schema import FEED_NAME_LENGTH
from storage.feeds import FeedRow, get_feed, item_counts, list_feeds, remove_feed

CURATOR = Permission.CURATOR
REGISTRY.group("admin", "feed", description="The public sources Racewatch polls")


def when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"


def feed_block(feed: FeedRow) -> list[str]:
    """A feed's schedule and last error in short lines (a phone shows ~56 characters)."""
    lines = [
        f"{feed.name}: trust {feed.trust}, every {every_text(feed.every_s)}",
        f"  synced {when(feed.last_sync_at)}, next {when(feed.next_run_at)}",
        f"  changed {when(feed.last_change_at)} (UTC)",
    ]
    if feed.status == "failing":
        lines.append(f"  failing ×{feed.failures}: {feed.last_error}")
    return lines


@REGISTRY.command(
    "admin",
    "feed",
    "add",
    description="Poll a public source: Epoch AI data, a Hugging Face organisation, OpenRouter, RSS",
    permission=CURATOR,
    options=(
        Option(
            "name",
            "A short name: lowercase letters, digits, - and _",
            required=True,
            max_length=FEED_NAME_LENGTH,
        ),
        Option("kind", "What the source is", required=True, choices=tuple(sorted(KINDS))),
        Option("url", "Where it is (http or https)", OptionType.TEXT, required=True),
        Option(
            "trust",
            "auto: applied as it arrives; review: a curator decides (default)",
            choices=("auto", "review"),
        ),
        Option("every", "How often to poll: 30m, 6h, 1d (default 1h)"),
    ),
    examples=(
        "/admin feed add hf-qwen huggingface https://huggingface.co/api/models?author=Qwen"
        "&sort=createdAt&direction=-1&limit=50",
        "/admin feed add lab-news rss https://openai.com/news/rss.xml every:6h",
    ),
)
async def feed_add(request: Request, db: Database) -> Reply:
    kind = KINDS.get(request.get("kind", ""))
    trust = request.get("trust") or ("auto" if kind and kind.apply else "review")
    spec = check_spec(request.get("name"), request.get("kind"), request.get("url"), trust)
    if request.get("every"):
        spec = replace(spec, every_s=parse_every(request.get("every")))
    async with db.write(request.caller.actor, f"feed add {spec.name}", request.now) as change:
        await insert_feed(change, spec, request.now, random.Random(), 0)
    return Reply(
        title=f"Added feed {spec.name}",
        body=f"{spec.kind}, trust {spec.trust}, every {every_text(spec.every_s)}: {spec.url}\n"
        f"Poll it now with /admin feed sync {spec.name}.",
    )


@REGISTRY.command(
    "admin",
    "feed",
    "list",
    description="Every feed: kind, trust, last sync and change, items seen, status, next poll",
    permission=CURATOR,
    examples=("/admin feed list",),
)
async def feed_list(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        feeds = await list_feeds(conn)
        counts = await item_counts(conn)
    if not feeds:
        return Reply(title="Feeds", body="No feeds yet; add one with /admin feed add.")
    table = Table(
        ("Feed", "Kind", "Status", "Items"),
        tuple((f.name, f.kind, f.status, f"{counts.get(f.id, 0):,}") for f in feeds),
    )
    blocks = tuple(line for f in feeds for line in feed_block(f))
    failing = sum(f.status == "failing" for f in feeds)
    body = f"{len(feeds)} feed(s), {failing} failing." + (
        "" if not failing else " A failing feed is retried later, less often each time."
    )
    return Reply(title="Feeds", body=body, table=table, extra=blocks, ephemeral=True)


@REGISTRY.command(
    "admin",
    "feed",
    "remove",
    description="Stop polling a feed (its proposals stay in the queue)",
    permission=CURATOR,
    options=(Option("name", "The feed", required=True),),
    examples=("/admin feed remove openrouter",),
)
async def feed_remove(request: Request, db: Database) -> Reply:
    name = request.get("name")
    async with db.write(request.caller.actor, f"feed remove {name}", request.now) as change:
        feed = await get_feed(change.conn, name)
        if feed is None:
            raise UserError(f"There is no feed called {name}; see /admin feed list.")
        await remove_feed(change, feed.id)
    return Reply(title=f"Removed feed {name}", body="/admin undo brings it back.")


@REGISTRY.command(
    "admin",
    "feed",
    "sync",
    description="Poll one feed now, or every feed",
    permission=CURATOR,
    options=(Option("name", "The feed (default: every feed)"),),
    examples=("/admin feed sync", "/admin feed sync epoch-eci"),
    slow=True,
)
async def feed_sync(request: Request, db: Database) -> Reply:
    name = request.get("name")
    async with db.read() as conn:
        feeds = await list_feeds(conn)
    if name:
        feeds = [f for f in feeds if f.name == name]
        if not feeds:
            raise UserError(f"There is no feed called {name}; see /admin feed list.")
    async with FeedClient() as client:
        results = await sync_feeds(db, feeds, client, request.now)
    failed = sum(r.outcome == "failed" for r in results)
    return Reply(
        title=f"Synced {len(results)} feed(s)" + (f", {failed} failed" if failed else ""),
        body="\n".join(r.line() for r in results) or "No feeds to sync.",
    )
