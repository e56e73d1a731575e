"""The delivery log in words: each subscription's last delivery, and why an event was or
was not posted to a channel (delivered, pending, rate-limited, paused, filtered out)."""

from __future__ import annotations

from datetime import datetime

from commands.analysis.schedules import local_label, next_slot, schedule_of
from storage.engine.aio import AsyncConnection
from storage.events import EventRow
from storage.outbox.deliveries import Delivery
from storage.outbox.log import deliveries_of_event
from storage.subscriptions import Subscription, mismatch

WHAT = {"events": "alert", "batch": "import summary", "digest": "digest"}


def _when(at: datetime | None, sub: Subscription) -> str:
    return local_label(at, sub.timezone) if at else "?"


def is_rate_limited(delivery: Delivery) -> bool:
    error = (delivery.last_error or "").lower()
    return "429" in error or "rate" in error


def delivery_state(delivery: Delivery, sub: Subscription) -> str:
    """`sent Tue 24 Nov 2026 09:00 CET (message 123)`, `pending: rate-limited, retrying at ...`."""
    what = WHAT.get(delivery.kind, delivery.kind)
    if delivery.status == "sent":
        ref = f", message {delivery.message_ref}" if delivery.message_ref else ""
        return f"{what} delivered {_when(delivery.sent_at, sub)}{ref}"
    if delivery.status in ("pending", "sending"):
        if delivery.attempts == 0:
            return f"{what} pending: queued, not tried yet"
        label = "rate-limited" if is_rate_limited(delivery) else "pending"
        retry = f", next try {_when(delivery.not_before, sub)}" if delivery.not_before else ""
        error = f" (last answer: {delivery.last_error})" if delivery.last_error else ""
        return f"{what} {label}: {delivery.attempts} attempt(s){retry}{error}"
    if delivery.status == "paused":
        return f"{what} not posted: the subscription was paused ({delivery.last_error})"
    if delivery.status == "skipped" and (delivery.last_error or "").startswith("not sent:"):
        return f"{what} {delivery.last_error}"  # e.g. restored from a backup of ...
    if delivery.status == "skipped":
        return f"{what} not posted: {delivery.last_error or 'nothing to say'}"
    return f"{what} failed for good: {delivery.last_error}"


def last_delivery_line(delivery: Delivery | None, sub: Subscription) -> str:
    if delivery is None:
        return "Last delivery: none yet"
    return f"Last delivery: {delivery_state(delivery, sub)}"


async def explain(conn: AsyncConnection, sub: Subscription, event: EventRow, now: datetime) -> str:
    """Why this event was, or was not (yet), posted to the subscription's channel."""
    reason = mismatch(sub, event)
    rows = [
        r
        for r in await deliveries_of_event(conn, sub.id, event)
        if r.kind == "events" or reason is None  # a digest or import spans filtered events too
    ]
    if rows:
        return "\n".join(
            f"{'Posted' if r.status == 'sent' else 'Not posted'}: {delivery_state(r, sub)}"
            for r in rows
        )
    if reason is not None:
        return f"Filtered out: {reason}."
    if sub.paused_reason is not None:
        return f"Paused since {_when(sub.paused_at, sub)}: {sub.paused_reason}."
    if event.at < sub.created_at:
        return "Not posted: it happened before this channel subscribed."
    schedule = schedule_of(sub)
    if schedule is not None and event.id > sub.digest_cursor:
        due = local_label(next_slot(schedule, now), sub.timezone)
        return f"Pending: it will be in the next digest ({due})."
    if not sub.instant:
        return "Not posted: this channel has no instant alerts and it predates the digest."
    return "Not posted: no alert was queued (the channel subscribed or resumed after it)."
