"""Prometheus metrics of this process, served on `/metrics` by `bot.health`.

Other modules count through the small functions below (never through the metric objects),
so a name or a label changes in one place. Gauges that are read from the database or a
front end (outbox depth, gateway latency) are set just before each scrape.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

COMMANDS = Counter(
    "racewatch_commands",
    "Commands served, by command, platform and outcome (ok, refused, failed, busy)",
    ["command", "platform", "outcome"],
)
COMMAND_SECONDS = Histogram(
    "racewatch_command_seconds",
    "Time to answer a command",
    ["command", "platform"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DELIVERIES = Counter(
    "racewatch_deliveries",
    "Outbox messages by platform and outcome (sent, retried, failed, paused, skipped)",
    ["platform", "outcome"],
)
OUTBOX_DEPTH = Gauge("racewatch_outbox_depth", "Messages owed (pending or being sent)")
OUTBOX_OLDEST = Gauge(
    "racewatch_outbox_oldest_seconds", "Age of the oldest message still owed (0 when none)"
)
SCHEDULER_RUNS = Counter(
    "racewatch_scheduler_runs", "Scheduler rounds, by what they did", ["outcome"]
)
FEED_SYNCS = Counter(
    "racewatch_feed_syncs",
    "Feed polls, by feed kind and outcome (ok, unchanged, failed)",
    ["kind", "outcome"],
)
FEED_ITEMS = Counter(
    "racewatch_feed_items",
    "New feed items, by feed kind and fate (applied without a curator, proposed for review)",
    ["kind", "fate"],
)
GATEWAY_LATENCY = Gauge(
    "racewatch_gateway_latency_seconds", "Heartbeat round trip of a gateway", ["platform"]
)
READY = Gauge("racewatch_ready", "1 while /readyz answers 200")


def command_served(command: str, platform: str, outcome: str, seconds: float) -> None:
    """One command answered (`outcome`: ok, refused, failed or busy)."""
    COMMANDS.labels(command, platform, outcome).inc()
    COMMAND_SECONDS.labels(command, platform).observe(seconds)


def delivery(platform: str, outcome: str) -> None:
    """One outbox row handled: sent, retried, failed, paused or skipped."""
    DELIVERIES.labels(platform, outcome).inc()


def scheduler_run(outcome: str) -> None:
    """One scheduler round: `idle`, `planned` (digests or forecasts closed) or `failed`."""
    SCHEDULER_RUNS.labels(outcome).inc()


def feed_synced(kind: str, outcome: str, applied: int = 0, proposed: int = 0) -> None:
    """One feed poll: `ok` (something new), `unchanged` or `failed`, and its new items."""
    FEED_SYNCS.labels(kind, outcome).inc()
    if applied:
        FEED_ITEMS.labels(kind, "applied").inc(applied)
    if proposed:
        FEED_ITEMS.labels(kind, "proposed").inc(proposed)


def outbox(depth: int, oldest_seconds: float) -> None:
    OUTBOX_DEPTH.set(depth)
    OUTBOX_OLDEST.set(oldest_seconds)


def gateway_latency(platform: str, seconds: float) -> None:
    GATEWAY_LATENCY.labels(platform).set(seconds)


def exposition(registry: CollectorRegistry = REGISTRY) -> tuple[bytes, str]:
    """The text format and its content type (the default registry also has the process
    collector: `process_start_time_seconds`, memory, CPU)."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
