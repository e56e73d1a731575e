"""Instant alerts: the message a channel gets for one write's events or one import's.

A score that changes the lead is one alert titled by the lead change; an import of
thousands of rows is one summary. `delivery_reply` is what the delivery worker posts for
an outbox row. What each kind of event is called comes from `commands.alerts.kinds`.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import Counter, OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

from commands.alerts.digest import digest_reply
from commands.alerts.kinds import KINDS, details, rank, title_of
from commands.core.reply import Reply
from storage.engine.aio import AsyncConnection
from storage.events import EventRow, batch_pages, events_by_id
from storage.outbox.deliveries import Delivery
from storage.subscriptions import Subscription, mismatch

SHOWN = {"condensed": 5, "full": 20}
CORRECTED = tuple(kind.name for kind in KINDS if kind.corrected)  # told when undone
UNDID = {False: "A curator undid this", True: "A curator undid this, which the digest listed"}
UNDID_IMPORT = {  # a correction's first line, of an alert or of a digest (True)
    False: "A curator undid this import; none of it holds any more:",
    True: "A curator undid an import the digest listed; none of it holds any more:",
}


def _order(event: EventRow) -> tuple[int, int]:
    return rank(event.kind), event.id


def _lines(events: Sequence[EventRow], shown: int) -> list[str]:
    lines = [f"• {e.summary}" for e in events[:shown]]
    if len(events) > shown:
        lines.append(f"… and {len(events) - shown} more")
    return lines


def alert_reply(events: Sequence[EventRow], fmt: str = "condensed") -> Reply:
    """One write's events as one alert, titled by the most important of them."""
    main = min(events, key=_order)
    others = [e for e in events if e.id != main.id]
    body = "\n".join([main.summary, *_lines(others, SHOWN[fmt])])
    return Reply(
        title=title_of(main),
        body=body,
        fields=details(main) if fmt == "full" else (),
        footer=f"Racewatch alert · event #{main.id} · {main.at:%Y-%m-%d %H:%M} UTC",
    )


@dataclass(frozen=True)
class BatchSummary:
    """An import's events as one channel sees them: counts by kind, the first few by rank."""

    counts: Counter[str]
    top: tuple[EventRow, ...]
    first_id: int
    last_id: int


async def summarize_batch(
    conn: AsyncConnection, batch: str, sub: Subscription, *, undone: bool = False
) -> BatchSummary | None:
    """Read an import's events a page at a time (there may be 10^5), keeping only a summary
    (of an undone import, with `undone`: what its correction takes back)."""
    counts: Counter[str] = Counter()
    top: list[EventRow] = []
    first = last = 0
    async for page in batch_pages(conn, batch, undone=undone):
        wanted = [e for e in page if mismatch(sub, e) is None]
        if not wanted:
            continue
        counts.update(e.kind for e in wanted)
        first, last = first or wanted[0].id, wanted[-1].id
        top = heapq.nsmallest(SHOWN[sub.format], [*top, *wanted], key=_order)
    return BatchSummary(counts, tuple(top), first, last) if counts else None


def batch_reply(summary: BatchSummary, batch: str) -> Reply:
    """A bulk import as one summary: what it added, lead changes first."""
    counts = summary.counts
    parts = [f"{counts[k.name]:,} {k.noun(counts[k.name])}" for k in KINDS if counts[k.name]]
    lines = [f"• {e.summary}" for e in summary.top]
    if (rest := counts.total() - len(summary.top)) > 0:
        lines.append(f"… and {rest} more")
    return Reply(
        title=f"Import: {', '.join(parts)}",
        body="\n".join(lines),
        footer=(
            f"Racewatch alert · import batch {batch} · "
            f"events #{summary.first_id}-#{summary.last_id}"
        ),
    )


class BatchReplies:
    """One import's message per kind of channel (topics, filters, format), read once for all
    the channels it goes to: an import's events never change once committed."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._replies: OrderedDict[Hashable, Reply | None] = OrderedDict()
        self._locks: dict[Hashable, asyncio.Lock] = {}

    async def get(self, conn: AsyncConnection, batch: str, sub: Subscription) -> Reply | None:
        key = (batch, sub.topics, sub.filters, sub.format)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key in self._replies:
                self._replies.move_to_end(key)
                return self._replies[key]
            summary = await summarize_batch(conn, batch, sub)
            reply = None if summary is None else batch_reply(summary, batch)
            self._replies[key] = reply
            while len(self._replies) > self.keep:
                self._locks.pop(self._replies.popitem(last=False)[0], None)
            return reply


async def delivery_reply(
    conn: AsyncConnection,
    delivery: Delivery,
    sub: Subscription,
    batches: BatchReplies | None = None,
) -> Reply | None:
    """What an outbox row says now (None: nothing left for this channel, e.g. filters changed)."""
    if delivery.kind == "digest":
        return await digest_reply(conn, sub, delivery)
    if delivery.kind == "batch" and delivery.batch is not None:
        return await (batches or BatchReplies(keep=0)).get(conn, delivery.batch, sub)
    if delivery.kind == "revert":
        return await revert_reply(conn, delivery, sub)
    said = await events_by_id(conn, delivery.event_ids)
    wanted = [e for e in said if not e.undone and mismatch(sub, e) is None]
    if not wanted:
        return None
    reply = alert_reply(wanted, sub.format)
    if sub.mention and any(e.kind == "lead" for e in wanted):
        return replace(reply, mention=sub.mention)  # the channel opted in: ping on lead changes
    return reply


async def revert_reply(
    conn: AsyncConnection, delivery: Delivery, sub: Subscription
) -> Reply | None:
    """The correction an outbox row owes: of an alert, a digest or an import's summary."""
    in_digest = delivery.cursor_from is not None
    if delivery.batch is not None:
        summary = await summarize_batch(conn, delivery.batch, sub, undone=True)
        if summary is None:
            return None  # the channel was told nothing of this import
        said = batch_reply(summary, delivery.batch)
        lead = UNDID_IMPORT[in_digest]
        return replace(
            said,
            title=f"Reverted: {said.title}",
            body=f"{lead}\n{said.body}",
            footer=f"Racewatch correction · import batch {delivery.batch}",
            reply_to=delivery.reply_to,
        )
    events = await events_by_id(conn, delivery.event_ids)
    return correction_reply(events, delivery.reply_to, in_digest) if events else None


def correction_reply(
    events: Sequence[EventRow], reply_to: str | None, in_digest: bool = False
) -> Reply:
    """What a channel is told of an alert (or digest line) it got whose change a curator
    undid."""
    main = min(events, key=_order)
    return Reply(
        title=f"Reverted: {title_of(main)}",
        body=f"{UNDID[in_digest]}; it no longer holds:\n"
        + "\n".join(f"• {e.summary}" for e in sorted(events, key=_order)),
        footer=f"Racewatch correction · event #{main.id}",
        reply_to=reply_to,
    )
