"""Epoch AI's ECI file, imported as published: then /race ECI and /gap answer about real models.

The file is read from `../shared/data/` beside the checkout (or RACEWATCH_SHARED_DATA);
it is never copied into the project. Without it these tests are skipped.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.imports.formats import epoch
from commands.imports.formats.epoch import CREDIT
from commands.imports.pipeline import import_bytes, import_file
from storage.engine import schema
from storage.engine.db import Database
from storage.engine.query import to_date
from tests.support.database import snapshot
from tests.support.shared_data import EPOCH
from tests.support.world import MEMBER, NOW, Ask

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
pytestmark = pytest.mark.skipif(not EPOCH.exists(), reason=f"{EPOCH} is not there")


def epoch_rows() -> list[dict[str, str]]:
    with EPOCH.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_versions_are_grouped_under_the_model_name_best_last() -> None:
    parsed = epoch.read(EPOCH.read_text(encoding="utf-8"), None)
    rows = [r for r in parsed.rows if r.values["model"] == "o3-pro"]
    # The file has three o3-pro versions (_high, _medium, _low), each 148.22957211273115.
    assert len(rows) == 3
    assert {r.values["score"] for r in rows} == {"148.22957211273115"}
    assert rows[-1].values["source"] == f"{CREDIT}; model version o3-pro-2025-06-10_high"
    assert {r.values["country"] for r in rows} == {"US"}
    assert rows[0].values["release_date"] == "2025-06-10"


def test_countries_are_mapped_and_weights_read() -> None:
    parsed = epoch.read(EPOCH.read_text(encoding="utf-8"), None)
    by_model = {r.values["model"]: r.values for r in parsed.rows}
    kimi = by_model["Kimi K2.5"]
    assert (kimi["country"], kimi["weights"], kimi["organization"]) == ("CN", "open", "Moonshot")
    # "Z.ai (Zhipu AI),Tsinghua University": the first listed organization develops it.
    assert by_model["GLM-4.5"]["organization"] == "Z.ai (Zhipu AI)"
    assert by_model["GPT-5"]["release_date"] == "2025-08-07"  # gpt-5-chat has no date
    assert {v["country"] for v in by_model.values()} == {"US", "CN", "FR", "AE", "GB"}


def test_rows_that_give_no_score_are_skipped_with_their_reason() -> None:
    rows = epoch_rows()
    parsed = epoch.read(EPOCH.read_text(encoding="utf-8"), None)
    list(parsed.rows)
    skipped = {number: reason for number, _, reason in parsed.skipped.rows}
    joint = [i for i, r in enumerate(rows, 1) if "," in r["Country"]]
    assert joint and all("several countries" in skipped[i] for i in joint)
    unscored = [
        i
        for i, r in enumerate(rows, 1)
        if not r["ECI Score"].strip() and r["Model name"].strip() and i not in joint
    ]
    assert all(skipped[i] == "no ECI Score" for i in unscored)
    scored = sum(1 for r in rows if r["ECI Score"].strip())
    assert scored + len(skipped) == len(rows)


async def test_import_then_race_and_gap_answer_about_real_models(db: Database, ask: Ask) -> None:
    report = await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    assert not report.rejected
    assert report.written is not None and report.written.benchmarks == 1
    assert report.counts["added"] == 298  # rows with a score and one country
    assert report.written.models == 133  # distinct `Model name`s among them

    race = await ask("/race ECI", MEMBER)
    assert not race.is_error, race.body
    text = race.plain_text()
    # By hand from the file: best US row is GPT-5.4 Pro 158.24337972795823 (2026-03-05);
    # best CN row is Kimi K2.5 148.01667635783778 (2026-01-27). Gap 10.2267 -> 10.2.
    # The first US model at >= 148.0167 is o3-pro (148.2296, 2025-06-10); no earlier US row
    # reaches it. Lag: 2025-06-10 -> 2026-01-27 = 231 days = 231 / 30.44 = 7.6 months.
    assert "GPT-5.4 Pro" in text and "Kimi K2.5" in text
    assert "10.2" in text and "7.6" in text

    gap = await ask('/gap "Kimi K2.5" o3-pro', MEMBER)
    assert not gap.is_error, gap.body
    text = gap.plain_text()
    # 148.22957211273115 - 148.01667635783778 = 0.2129 -> o3-pro leads by 0.2 points.
    assert "148.0" in text and "148.2" in text and "0.2" in text
    assert "7.6 months" in text


async def test_a_second_import_changes_nothing(db: Database) -> None:
    await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    before = await snapshot(db)
    report = await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    assert report.written is None
    assert (report.counts["unchanged"], report.counts["added"]) == (298, 0)
    assert await snapshot(db) == before


async def test_every_epoch_score_credits_epoch(db: Database, ask: Ask) -> None:
    await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    reply = await ask("/sources GPT-5", MEMBER)
    text = reply.plain_text()
    # Six GPT-5 versions in the file, all 150.0: one current, five kept as sources.
    assert text.count("Epoch AI, Epoch Capabilities Index (CC BY 4.0)") >= 6
    assert "gpt-5-2025-08-07_high" in text


async def reported_days(db: Database) -> dict[str, set[date]]:
    """Each Epoch score's model version -> the days its scores are reported on."""
    s = schema.scores
    async with db.read() as conn:
        rows = (await conn.execute(select(s.c.source, s.c.reported_on))).all()
    found: dict[str, set[date]] = {}
    for source, day in rows:
        if source.startswith("Epoch AI"):
            version = source.rsplit("model version ", 1)[-1]
            reported = to_date(day)
            assert reported is not None
            found.setdefault(version, set()).add(reported)
    return found


async def test_epoch_rows_are_reported_on_the_files_date_not_the_import_day(
    db: Database, ask: Ask
) -> None:
    # The ECI file states no date of its own; its newest (release) date is 2026-03-06, so it
    # was published no earlier: every row is reported then, whatever day it is imported.
    await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    days = await reported_days(db)
    assert len(days) == 298 and set().union(*days.values()) == {date(2026, 3, 6)}
    assert "2026-03-06" in (await ask("/sources GPT-5", MEMBER)).plain_text()
    before = await snapshot(db)
    later = await import_file(db, EPOCH, benchmark="ECI", now=NOW + timedelta(days=40))
    assert later.written is None and later.counts["unchanged"] == 298
    assert await snapshot(db) == before


async def test_a_newer_file_keeps_the_date_of_a_score_it_repeats(db: Database) -> None:
    text = EPOCH.read_text(encoding="utf-8")
    await import_bytes(db, "eci.csv", text.encode(), benchmark="ECI", now=NOW)
    newer = (
        text + "new-model-2026-06-01,151.5,2026-06-01,OpenAI,United States of America,,,,New,,\n"
    )
    report = await import_bytes(db, "eci.csv", newer.encode(), benchmark="ECI", now=NOW)
    assert (report.counts["added"], report.counts["unchanged"]) == (1, 298), report.text()
    days = await reported_days(db)
    assert days.pop("new-model-2026-06-01") == {date(2026, 6, 1)}
    assert set().union(*days.values()) == {date(2026, 3, 6)}


async def test_a_hub_files_rows_are_reported_on_the_day_their_run_started(db: Database) -> None:
    data = (FEEDS / "epoch" / "gpqa_diamond.csv").read_bytes()
    report = await import_bytes(db, "gpqa_diamond.csv", data, benchmark="GPQA Diamond", now=NOW)
    assert report.written is not None, report.text()
    days = await reported_days(db)
    # gpt-5.4's best version ran from 2026-03-06T10:12:44Z, kimi-k2.5 from 2026-01-29
    assert days["gpt-5.4-2026-03-05_xhigh"] == {date(2026, 3, 6)}
    assert days["kimi-k2.5"] == {date(2026, 1, 29)}
