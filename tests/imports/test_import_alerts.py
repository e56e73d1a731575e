"""A bulk import tells subscribed channels in one message, not one per row: its events
share a batch, the outbox owes each channel one row, and a digest says it in one line."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commands.alerts import handlers
from commands.alerts import instant as alerts
from commands.alerts.instant import delivery_reply
from commands.core.caller import Caller, Platform
from commands.core.dispatch import Dispatcher
from commands.imports.pipeline import import_bytes
from storage.engine import schema
from storage.engine.db import Database
from storage.outbox.deliveries import claim
from tests.support.world import NOW

MODELS = 1_000
BENCHMARKS = ("FrontierSWE", "PostTrainBench", "SWE-Marathon")


def manager(channel: str) -> Caller:
    return Caller(
        platform=Platform.DISCORD,
        user_id="u-1",
        display_name="manager",
        workspace_id="guild-1",
        channel_id=channel,
        is_channel_manager=True,
    )


def bulk_file() -> bytes:
    """MODELS new models (every other one from China), each scored on three benchmarks."""
    lines = ["model,organization,country,release_date,benchmark,score,source"]
    for i in range(MODELS):
        lab, country = ("Lab CN", "CN") if i % 2 else ("Lab US", "US")
        lines += [
            f"Bulk-{i},{lab},{country},2026-10-01,{bench},{(i * 13) % 60 + 5}.0,"
            f"https://example.org/bulk/{i}"
            for bench in BENCHMARKS
        ]
    return ("\n".join(lines) + "\n").encode()


async def test_an_import_is_one_alert_per_channel_and_one_digest_line(
    db: Database, dispatcher: Dispatcher
) -> None:
    handlers.install(db)
    for channel, line in (
        ("c-all", "/subscribe all mode:both"),
        ("c-us-scores", "/subscribe scores country:US"),  # first match after 1,000 releases
        ("c-france", "/subscribe releases country:FR"),
    ):
        reply = await dispatcher.run_line(line, manager(channel))
        assert not reply.is_error, reply.plain_text()

    report = await import_bytes(db, "bulk.csv", bulk_file(), now=NOW)
    assert report.written is not None and report.written.scores == MODELS * 3

    async with db.read() as conn:
        kinds = [
            row.kind
            for row in await conn.execute(
                select(schema.events.c.kind).where(schema.events.c.batch == report.batch)
            )
        ]
        assert kinds.count("release") == MODELS and kinds.count("score") == MODELS * 3
        e = schema.events
        first = (
            await conn.execute(
                select(e.c.payload).where(e.c.model == "Bulk-7", e.c.benchmark == "PostTrainBench")
            )
        ).scalar_one()
        assert first == {
            "value": 36.0,
            "source": "https://example.org/bulk/7",
            "status": "added",
            "reported_on": "2026-11-23",
        }
    async with db.write("worker", "claim", NOW) as change:  # as the delivery worker does
        taken = await claim(
            change.conn,
            platforms=["discord"],
            worker="test",
            now=NOW,
            lease_until=NOW + timedelta(minutes=5),
            limit=100,
        )
        # One outbox row per interested channel (none for France), whatever the row count.
        owed = {sub.channel_id: (delivery, sub) for delivery, sub in taken}
        assert sorted(owed) == ["c-all", "c-us-scores"]
        assert {(d.kind, d.batch) for d, _ in owed.values()} == {("batch", report.batch)}
        said = {ch: await delivery_reply(change.conn, d, sub) for ch, (d, sub) in owed.items()}
        shared = alerts.BatchReplies()  # the worker's: read once per kind of channel
        for _ in range(2):
            for channel, (delivery, sub) in owed.items():
                assert await delivery_reply(change.conn, delivery, sub, shared) == said[channel]

    everything = said["c-all"]
    assert everything is not None
    assert "1,000 models" in everything.title and "3,000 scores" in everything.title
    assert len(everything.body.splitlines()) <= 6  # a few examples, then "... and N more"
    us_scores = said["c-us-scores"]
    assert us_scores is not None
    assert us_scores.title == "Import: 1,500 scores"  # only what the channel's filter lets in

    preview = await dispatcher.run_line("/digest preview", manager("c-all"))
    fields = {f.name: f.value for f in preview.fields}
    assert (
        fields["Releases (1000)"]
        .splitlines()[0]
        .startswith(f"• 1,000 events from one import (batch {report.batch})")
    )
    assert len(fields["Scores (3000)"].splitlines()) == 1
