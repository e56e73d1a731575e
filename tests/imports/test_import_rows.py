"""Importing generic CSV/JSON: every row checked, all or nothing, idempotent, undoable."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commands.core.caller import CONSOLE_CALLER
from commands.core.errors import UserError
from commands.imports import bulk_mode
from commands.imports import pipeline as importing
from commands.imports.pipeline import import_bytes
from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import MEMBER, NOW, Ask

HEADER = "model,organization,country,release_date,benchmark,score,source,weights,date\n"
GOOD = (
    HEADER
    + "Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/k9,open,2026-11-21\n"
    + "Kimi-K9,Moonshot AI,CN,2026-11-20,PostTrainBench,30.5,https://example.org/k9,open,\n"
    + "GPT-5.5,OpenAI,US,,SWE-Marathon,20.0,https://example.org/gpt,,2026-11-01\n"
)


@pytest.fixture(autouse=True, params=["whole", "row by row"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test twice: the file written at the end, and written after every row checked
    (as a big file is, a chunk at a time), where later rows change rows already written."""
    if request.param == "row by row":
        monkeypatch.setattr(importing, "CHUNK", 1)


async def run(db: Database, text: str, **options: Any) -> Any:
    return await import_bytes(db, "rows.csv", text.encode(), now=NOW, **options)


async def file_size(path: Path) -> int:
    return (await asyncio.to_thread(path.stat)).st_size


async def events(db: Database) -> list[Any]:
    async with db.read() as conn:
        return list(await conn.execute(select(schema.events).order_by(schema.events.c.id)))


async def test_a_valid_file_adds_models_scores_and_an_organization(db: Database, ask: Ask) -> None:
    report = await run(db, GOOD)
    assert (report.counts["added"], report.counts["updated"], report.rejected) == (3, 0, [])
    assert report.written is not None
    assert (report.written.organizations, report.written.models, report.written.scores) == (1, 1, 3)
    card = (await ask("/model kimi k9", MEMBER)).plain_text()
    assert "Moonshot AI" in card and "CN" in card and "76.0" in card and "30.5" in card
    board = (await ask("/leaderboard FrontierSWE limit:1", MEMBER)).plain_text()
    assert "Kimi-K9" in board


async def test_the_same_file_twice_changes_nothing(db: Database) -> None:
    await run(db, GOOD)
    before = await snapshot(db)
    report = await run(db, GOOD)
    assert report.written is None
    assert report.counts["unchanged"] == 3 and report.counts["added"] == 0
    assert await snapshot(db) == before


async def test_one_bad_row_refuses_the_whole_file_and_names_the_row(db: Database) -> None:
    before = await snapshot(db)
    bad = GOOD + "Kimi-K9,Moonshot AI,CN,2026-11-20,SWE-Marathon,120,https://example.org/k9,,\n"
    report = await run(db, bad)
    assert report.refused and report.written is None
    assert [r.where for r in report.rejected] == ["row 4 (line 5)"]
    assert "SWE-Marathon scores run from 0 to 100" in report.rejected[0].reason
    assert "Nothing was written" in report.text() and "row 4 (line 5)" in report.text()
    assert await snapshot(db) == before


async def test_skip_invalid_writes_the_valid_rows(db: Database) -> None:
    bad = GOOD + "Kimi-K9,Moonshot AI,CN,2026-11-20,SWE-Marathon,abc,https://example.org/k9,,\n"
    report = await run(db, bad, skip_invalid=True)
    assert report.written is not None and report.written.scores == 3
    assert "`score` must be a number" in report.rejected[0].reason


async def test_skip_invalid_with_no_valid_row_is_still_refused(db: Database) -> None:
    before = await snapshot(db)
    bad = HEADER + "Kimi-K9,Moonshot AI,CN,2026-11-20,SWE-Marathon,abc,https://example.org/k9,,\n"
    report = await run(db, bad, skip_invalid=True)
    assert report.refused and "Nothing was written: not one row is valid." in report.text()
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A,Moonshot AI,CN,2026-13-01,FrontierSWE,1,s,,", "is not a date I can read"),
        ("A,Moonshot AI,CN,,FrontierSWE,nan,s,,", "finite number"),
        ("A,Moonshot AI,CN,,FrontierSWE,1,javascript:alert(1),,", "http(s) URL"),
        ("A,Moonshot AI,CN,,NoSuchBench,1,s,,", "I don't know the benchmark `NoSuchBench`"),
        ("A,New Lab,,,FrontierSWE,1,s,,", "new organization: give its country"),
        ("A,Zhipu AI,US,,FrontierSWE,1,s,,", "Zhipu AI is recorded in CN"),
        ("GLM-5.2,OpenAI,US,,FrontierSWE,1,s,,", "GLM-5.2 is by Zhipu AI, not OpenAI"),
        ("A,Moonshot AI,Atlantis,,FrontierSWE,1,s,,", "two-letter ISO code"),
        ("A,Moonshot AI,CN,,FrontierSWE,1,s,maybe,", "`weights` is one of open, closed"),
        ("A,Moonshot AI,CN,,FrontierSWE,1,s,,2027-01-01", "in the future"),
        (f"{'x' * 101},Moonshot AI,CN,,FrontierSWE,1,s,,", "the limit is 100"),
        ("A,Moonshot AI,CN,,FrontierSWE,,s,,", "`score` is empty"),
        (",Moonshot AI,CN,,FrontierSWE,1,s,,", "`model` is empty"),
        ("---,Moonshot AI,CN,,FrontierSWE,1,s,,", "no letters or digits"),
    ],
)
async def test_each_kind_of_bad_row_gets_its_reason(db: Database, row: str, reason: str) -> None:
    report = await run(db, HEADER + row + "\n")
    assert len(report.rejected) == 1, report.text()
    assert reason in report.rejected[0].reason


async def test_rows_must_agree_with_each_other(db: Database) -> None:
    text = HEADER + (
        "A,Moonshot AI,CN,,FrontierSWE,50,https://example.org/a,,\n"
        "A,Moonshot AI,CN,,FrontierSWE,51,https://example.org/a,,\n"  # same source, new value
        "A,Zhipu AI,,,PostTrainBench,10,https://example.org/a,,\n"  # A is Moonshot's above
        "A,Moonshot AI,CN,,FrontierSWE,50,https://example.org/a,,\n"  # a harmless repeat
    )
    report = await run(db, text)
    reasons = {r.number: r.reason for r in report.rejected}
    assert "row 1 gives A on FrontierSWE from the same source a different score" in reasons[2]
    assert "A is by Moonshot AI, not Zhipu AI" in reasons[3]
    assert set(reasons) == {2, 3}
    assert report.counts["unchanged"] == 1


async def test_a_pair_reported_by_many_sources_keeps_each_and_spots_repeats(
    db: Database, ask: Ask
) -> None:
    """Past a few reports of one pair the checker looks sources up by index: same answers."""
    reports = [
        f"A,Moonshot AI,CN,,FrontierSWE,{50 + i},https://example.org/s{i},,2026-10-{i + 1:02d}\n"
        for i in range(25)
    ]
    text = HEADER + "".join(reports)
    text += "A,Moonshot AI,CN,,FrontierSWE,99,https://example.org/s20,,\n"  # s20 said 70
    text += "A,Moonshot AI,CN,,FrontierSWE,72,https://example.org/s22,,\n"  # a repeat of s22
    text += "A,Moonshot AI,CN,,FrontierSWE,60,https://example.org/s3,,\n"  # s3 said 53
    report = await run(db, text, skip_invalid=True)
    reasons = {r.number: r.reason for r in report.rejected}
    assert set(reasons) == {26, 28}
    assert "row 21 gives A on FrontierSWE from the same source a different score" in reasons[26]
    assert "row 4 gives A on FrontierSWE" in reasons[28]
    assert (report.counts["added"], report.counts["unchanged"]) == (25, 1)
    sources = (await ask("/sources A FrontierSWE", MEMBER)).plain_text()
    assert all(f"example.org/s{i}" in sources for i in range(25))
    board = (await ask("/leaderboard FrontierSWE country:CN", MEMBER)).plain_text()
    assert "74.0" in board  # the newest report (s24, 2026-10-25) is the current one


async def test_a_new_value_from_the_same_source_is_an_update(db: Database, ask: Ask) -> None:
    await run(db, GOOD)
    changed = GOOD.replace(
        "76.0,https://example.org/k9,open,2026-11-21", "77.5,https://example.org/k9,open,2026-11-22"
    )
    report = await run(db, changed)
    assert (report.counts["updated"], report.counts["unchanged"]) == (1, 2)
    assert "77.5" in (await ask("/model Kimi-K9", MEMBER)).plain_text()
    last = (await events(db))[-1]
    assert last.kind == "score" and last.payload["status"] == "updated"


async def test_the_newest_report_of_a_pair_is_current(db: Database, ask: Ask) -> None:
    # The seed has GLM-5.2 74.4 on FrontierSWE reported 2026-06-19 (wallstreetcn).
    older = HEADER + "GLM-5.2,Zhipu AI,CN,,FrontierSWE,70.0,https://example.org/old,,2026-06-01\n"
    newer = HEADER + "GLM-5.2,Zhipu AI,CN,,FrontierSWE,76.5,https://example.org/new,,2026-07-01\n"
    await run(db, older)
    assert "74.4" in (await ask("/leaderboard FrontierSWE country:CN", MEMBER)).plain_text()
    await run(db, newer)
    board = (await ask("/leaderboard FrontierSWE country:CN", MEMBER)).plain_text()
    assert "76.5" in board and "74.4" not in board
    sources = (await ask("/sources GLM-5.2 FrontierSWE", MEMBER)).plain_text()
    assert "example.org/old" in sources and "example.org/new" in sources


async def test_a_row_fills_facts_a_model_lacks_and_keeps_known_ones(db: Database) -> None:
    # Opus-4.8 has no release date in the seed; GLM-5.2 was released 2026-06-15.
    text = HEADER + (
        "Opus-4.8,Anthropic,US,2026-05-01,FrontierSWE,75.1,https://example.org/o,,\n"
        "GLM-5.2,Zhipu AI,CN,2026-06-20,FrontierSWE,74.4,https://example.org/g,,\n"
    )
    report = await run(db, text)
    assert report.counts["added"] == 2  # two new sources
    async with db.read() as conn:
        m = schema.models
        rows = dict((await conn.execute(select(m.c.name, m.c.released))).all())
    assert str(rows["Opus-4.8"]) == "2026-05-01"
    assert str(rows["GLM-5.2"]) == "2026-06-15"
    assert any("kept GLM-5.2's released 2026-06-15" in n for n in report.notes)


async def test_a_filled_release_date_reaches_the_lag_and_undo_takes_it_back(
    db: Database, ask: Ask
) -> None:
    lag = "/gap GLM-5.2 Opus-4.8 benchmark:FrontierSWE"
    assert "months behind US" not in (await ask(lag)).plain_text()  # Opus-4.8 undated
    # An older report: the seed's stays current, so the date must reach the stored score.
    text = (
        HEADER
        + "Opus-4.8,Anthropic,US,2026-05-01,FrontierSWE,75.1,https://example.org/o,,2026-01-02\n"
    )
    await run(db, text)
    # US reached 74.4 with Opus-4.8 on 2026-05-01; GLM-5.2 came on 2026-06-15: 45 days.
    assert "GLM-5.2 is 1.5 months behind US" in (await ask(lag)).plain_text()
    await ask("/admin undo")
    assert "months behind US" not in (await ask(lag)).plain_text()


async def test_events_one_per_new_model_and_score_share_a_batch(db: Database) -> None:
    seen: list[int] = []

    async def hook(change: Change, event_id: int) -> None:
        seen.append(event_id)

    db.on_event(hook)
    before = len(await events(db))
    report = await run(db, GOOD)
    new = (await events(db))[before:]
    # Kimi-K9 76.0 also takes the FrontierSWE lead for CN: a lead event of its own.
    assert sorted(e.kind for e in new) == ["lead", "release", "score", "score", "score"]
    assert {e.batch for e in new} == {report.batch}
    lead = next(e for e in new if e.kind == "lead")
    assert seen == [new[0].id, lead.id]  # hooks hear of the batch once, not once per row


async def test_an_import_that_changes_the_leader_says_so(db: Database) -> None:
    # FrontierSWE: Opus-4.8 (US) 75.1 leads GLM-5.2 (CN) 74.4; Kimi-K9 (CN) 76.0 overtakes.
    report = await run(db, GOOD)
    assert any("Lead change on FrontierSWE: CN overtakes US" in s for s in report.lead_changes)
    lead = [e for e in await events(db) if e.kind == "lead"]
    assert lead and lead[-1].batch == report.batch


async def test_undo_takes_an_import_back(db: Database, ask: Ask) -> None:
    before = await snapshot(db)
    await run(db, GOOD, actor=CONSOLE_CALLER.actor)
    reply = await ask("/admin undo")
    assert not reply.is_error, reply.body
    after = await snapshot(db)
    for table in ("organizations", "models", "names", "scores", "benchmarks"):
        assert after[table] == before[table], table


async def test_json_rows_with_a_new_benchmark(db: Database, ask: Ask) -> None:
    data = {
        "benchmarks": [
            {"name": "Latency", "unit": "ms", "higher_is_better": False, "min_value": 0}
        ],
        "rows": [
            {
                "model": "GLM-5.2",
                "organization": "Zhipu AI",
                "country": "CN",
                "release_date": "2026-06-15",
                "benchmark": "Latency",
                "score": 120,
                "source": "https://example.org/lat",
            },
            {
                "model": "GPT-5.5",
                "organization": "OpenAI",
                "country": "US",
                "release_date": "",
                "benchmark": "Latency",
                "score": 180,
                "source": "https://example.org/lat",
            },
        ],
    }
    report = await import_bytes(db, "rows.json", json.dumps(data).encode(), now=NOW)
    assert report.written is not None and report.written.benchmarks == 1
    board = (await ask("/leaderboard Latency", MEMBER)).plain_text()
    assert board.index("GLM-5.2") < board.index("GPT-5.5")  # lower is better


async def test_benchmark_option_names_the_benchmark_of_a_one_score_file(db: Database) -> None:
    text = "model,organization,country,release_date,score,source\nA,Moonshot AI,CN,,60,s\n"
    report = await run(db, text, benchmark="FrontierSWE")
    assert report.counts["added"] == 1
    with pytest.raises(UserError, match="benchmark"):
        await run(db, text)


async def test_a_file_with_only_known_rows_writes_no_audit_entry(db: Database) -> None:
    await run(db, GOOD)
    async with db.read() as conn:
        count = len((await conn.execute(select(schema.audit.c.id))).all())
    await import_bytes(db, "rows.csv", GOOD.encode(), now=NOW + timedelta(days=1))
    async with db.read() as conn:
        assert len((await conn.execute(select(schema.audit.c.id))).all()) == count


async def test_undo_takes_a_large_import_back_in_chunks(db: Database, ask: Ask) -> None:
    """Past the audit's full-value limit the import keeps ids only; undo still restores all."""
    lines = ["model,organization,country,release_date,benchmark,score,source"]
    for i in range(7_000):  # 7,000 models and 21,000 scores: over FULL_AUDIT audited rows
        lines += [
            f"Bulk-{i},Lab {i % 40},{'CN' if i % 2 else 'US'},2026-10-01,{bench},"
            f"{(i * 7) % 90 + 5}.0,https://example.org/bulk/{i}"
            for bench in ("FrontierSWE", "PostTrainBench", "SWE-Marathon")
        ]
    race_before = (await ask("/race")).plain_text()
    before = await snapshot(db)
    report = await run(db, "\n".join(lines) + "\n", actor=CONSOLE_CALLER.actor)
    assert report.written is not None and report.written.scores == 21_000
    assert (await ask("/race")).plain_text() != race_before
    written = report.written
    rows = written.organizations * 2 + written.models * 2 + written.scores  # each with its name
    assert f"{rows:,}" in (await ask("/admin audit limit:1")).plain_text()
    async with db.read() as conn:
        entry = (
            await conn.execute(select(schema.audit.c.changes).order_by(schema.audit.c.id.desc()))
        ).first()
    assert entry is not None and len(entry.changes) <= 5  # runs of ids, not 35,080 rows
    reply = await ask("/admin undo")
    assert not reply.is_error, reply.body
    assert f"{rows:,} row change(s) reverted" in reply.plain_text()
    after = await snapshot(db)
    for table in ("organizations", "models", "names", "scores", "benchmarks"):
        assert after[table] == before[table], table
    assert (await ask("/race")).plain_text() == race_before


async def test_undo_of_an_import_waits_for_a_later_edit_of_one_of_its_rows(
    db: Database, ask: Ask
) -> None:
    """An import's audit keeps its new rows as runs of ids: a later change inside a run blocks."""
    report = await run(db, GOOD, actor=CONSOLE_CALLER.actor)
    assert report.written is not None
    edit = await ask("/admin model edit Kimi-K9 params:1000")
    assert not edit.is_error, edit.body
    async with db.read() as conn:
        ids = [
            r.id for r in await conn.execute(select(schema.audit.c.id).order_by(schema.audit.c.id))
        ]
    before = await snapshot(db)
    refused = await ask(f"/admin undo {ids[-2]}")
    assert refused.is_error and f"#{ids[-1]}" in refused.plain_text()
    assert await snapshot(db) == before
    assert not (await ask("/admin undo")).is_error  # the edit first
    assert not (await ask(f"/admin undo {ids[-2]}")).is_error  # then the import
    assert "Kimi-K9" not in (await ask("/leaderboard FrontierSWE", MEMBER)).plain_text()


LATER_ROWS_CHANGE_EARLIER_ONES = HEADER + (
    # X is new and undated; its second row dates it and says open weights; its third row is a
    # newer report from another source of a pair already written, and becomes current.
    "X-1,Moonshot AI,CN,,FrontierSWE,80.0,https://example.org/x-a,,2026-10-01\n"
    "X-1,Moonshot AI,CN,2026-09-20,PostTrainBench,31.0,https://example.org/x-a,open,\n"
    "X-1,Moonshot AI,CN,,FrontierSWE,81.0,https://example.org/x-b,,2026-10-10\n"
    # Opus-4.8 (seeded, undated) gets a new report, then a later row dates it.
    "Opus-4.8,Anthropic,US,,PostTrainBench,40.0,https://example.org/o-a,,2026-10-02\n"
    "Opus-4.8,Anthropic,US,2026-05-01,SWE-Marathon,20.0,https://example.org/o-a,,2026-10-02\n"
)


async def test_rows_written_early_end_as_if_written_at_the_end(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is written a chunk at a time: later rows that date a model, fill its facts
    or report a pair anew correct the rows already written, so the tables end the same."""
    whole_path = tmp_path / "whole.db"
    shutil.copy(db_path, whole_path)
    whole = Database(f"sqlite:///{whole_path}")
    try:
        monkeypatch.setattr(importing, "CHUNK", 10_000)
        await run(whole, LATER_ROWS_CHANGE_EARLIER_ONES)
        expected = await snapshot(whole)
    finally:
        await whole.close()
    monkeypatch.setattr(importing, "CHUNK", 1)
    await run(db, LATER_ROWS_CHANGE_EARLIER_ONES)
    got = await snapshot(db)
    for table in ("models", "names", "scores", "organizations", "audit"):
        assert got[table] == expected[table], table

    def without_batch(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [row[:8] + row[9:] for row in rows]  # each import has its own batch id

    assert without_batch(got["events"]) == without_batch(expected["events"])
    async with db.read() as conn:
        s, m = schema.scores, schema.models
        x = (await conn.execute(select(m.c.released, m.c.weights).where(m.c.name == "X-1"))).one()
        current = (
            await conn.execute(
                select(s.c.value, s.c.released).where(s.c.source.like("%x-%"), s.c.is_current)
            )
        ).all()
    assert (str(x.released), x.weights) == ("2026-09-20", "open")
    assert sorted((v, str(r)) for v, r in current) == [(31.0, "2026-09-20"), (81.0, "2026-09-20")]


async def test_imports_tune_the_interpreter_only_while_the_last_one_runs(db: Database) -> None:
    """During imports the collector pauses and threads switch sooner (SQLite's thread waits
    less for Python's lock); overlapping imports restore the settings when the last ends."""
    seen: list[tuple[bool, float]] = []

    async def watch(change: Change, first_event: int) -> None:
        seen.append((gc.isenabled(), sys.getswitchinterval()))

    db.on_event(watch)
    interval = sys.getswitchinterval()
    other = GOOD.replace("Kimi-K9", "Kimi-K10").replace("k9", "k10")
    reports = await asyncio.gather(run(db, GOOD), run(db, other))
    assert all(r.written is not None for r in reports)
    assert len(seen) >= 2 and set(seen) == {(False, min(bulk_mode.SWITCH_INTERVAL, interval))}
    assert gc.isenabled() and sys.getswitchinterval() == interval
    with pytest.raises(UserError):
        await run(db, "not,a,header\n1,2,3\n")
    assert gc.isenabled() and sys.getswitchinterval() == interval


def bulk_rows(count: int) -> str:
    return HEADER + "".join(
        f"Bulk-{i},Lab {i % 7},US,2026-01-01,FrontierSWE,{i % 90}.5,https://example.org/{i},open,\n"
        for i in range(count)
    )


async def commit_settings(conn: AsyncConnection) -> tuple[int, int]:
    """The connection's `synchronous` and `wal_autocheckpoint`."""
    found = [
        (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
        for name in ("synchronous", "wal_autocheckpoint")
    ]
    return found[0], found[1]


async def write_settings(db: Database) -> tuple[int, int]:
    """The settings of the connection an ordinary write gets."""
    async with db.write("console:console", "note", NOW) as change:
        return await commit_settings(change.conn)


async def test_a_big_import_syncs_its_commit_and_copies_it_into_the_file_after(
    db: Database, db_path: Path
) -> None:
    """A big import's commit syncs the WAL (on disk when it answers) but does not copy it
    into the database file (0.5 s for 100,000 rows): a checkpoint after the answer does; the
    connection then writes with the ordinary settings again."""
    during: set[tuple[int, int]] = set()

    async def watch(change: Change, first_event: int) -> None:
        during.add(await commit_settings(change.conn))

    db.on_event(watch)
    await run(db, GOOD)  # a small file commits like any write
    assert during == {(1, 1000)}
    during.clear()
    before = await file_size(db_path)
    report = await run(db, bulk_rows(6_000))
    assert report.written is not None and report.written.scores == 6_000
    assert during == {(2, 0)}  # FULL: the WAL synced at commit; and no copying back in it
    assert await file_size(db_path) == before  # the rows are in the WAL
    await db.settle()
    assert await file_size(db_path) > before + 2_000_000  # now copied into the database file
    assert await write_settings(db) == (1, 1000)  # NORMAL and SQLite's default again


async def test_a_cancelled_import_writes_nothing_and_restores_the_connection(db: Database) -> None:
    before = await snapshot(db)
    task = asyncio.create_task(run(db, bulk_rows(6_000)))
    await asyncio.sleep(0.05)  # into the import: checking rows, pages on their way
    assert not task.done(), "6,000 rows imported in 50 ms: cancel a bigger file"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await snapshot(db) == before
    assert await write_settings(db) == (1, 1000)
