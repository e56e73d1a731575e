"""A bulk import refuses look-alike names as `/admin model add` does (issue 15): a new model,
organization or benchmark whose name differs from a known one, or from an earlier row's,
only by confusable characters is rejected naming that one; invisible characters are not
even a difference (the name is the known one)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commands.imports.pipeline import ImportReport, import_bytes
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import MEMBER, NOW, Ask

HEADER = "model,organization,country,release_date,benchmark,score,source\n"
SPEC = ",benchmark_unit,benchmark_higher_is_better,benchmark_min,benchmark_max\n"
CYRILLIC_M = "\u041c"  # М
CYRILLIC_K = "\u041a"  # К
CYRILLIC_S = "\u0405"  # Ѕ


async def run(db: Database, name: str, text: str, **options: Any) -> ImportReport:
    return await import_bytes(db, name, text.encode(), now=NOW, **options)


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            f"GL{CYRILLIC_M}-5.2,Zhipu AI,CN,,FrontierSWE,70,https://e.org/a\n",
            f"The model GLM-5.2 already exists (`GL{CYRILLIC_M}-5.2` differs from it only by",
        ),
        (
            "Kimi-K9,\u0410nthropic,US,,FrontierSWE,70,https://e.org/a\n",
            "The organization Anthropic already exists",
        ),
    ],
)
async def test_a_lookalike_of_a_known_name_rejects_the_row_naming_it(
    db: Database, row: str, said: str
) -> None:
    before = await snapshot(db)
    report = await run(db, "x.csv", HEADER + row)
    assert report.refused and said in report.rejected[0].reason, report.text()
    assert await snapshot(db) == before


async def test_a_lookalike_benchmark_is_refused_even_with_its_definition(db: Database) -> None:
    before = await snapshot(db)
    text = (
        HEADER.rstrip("\n")
        + SPEC
        + f"Kimi-K9,Moonshot AI,CN,,Frontier{CYRILLIC_S}WE,70,https://e.org/a,%,true,0,100\n"
    )
    report = await run(db, "x.csv", text)
    assert report.refused, report.text()
    assert "The benchmark FrontierSWE already exists" in report.rejected[0].reason
    assert await snapshot(db) == before


async def test_rows_of_one_file_that_only_look_alike_are_refused(db: Database, ask: Ask) -> None:
    text = HEADER + (
        "Kimi-K9,Moonshot AI,CN,,FrontierSWE,70,https://e.org/a\n"
        f"Kimi-{CYRILLIC_K}9,Moonshot AI,CN,,FrontierSWE,71,https://e.org/b\n"
        "Kimi-K10,Moonshot AI,CN,,FrontierSWE,72,https://e.org/c\n"
    )
    before = await snapshot(db)
    refused = await run(db, "x.csv", text)
    assert refused.refused and [r.number for r in refused.rejected] == [2], refused.text()
    assert "The model Kimi-K9 already exists" in refused.rejected[0].reason
    assert await snapshot(db) == before
    done = await run(db, "x.csv", text, skip_invalid=True)
    assert done.counts["added"] == 2 and len(done.rejected) == 1, done.text()
    assert "Rejected row 2 (line 3): The model Kimi-K9 already exists" in done.text()
    board = (await ask("/leaderboard FrontierSWE country:CN", MEMBER)).plain_text()
    assert "Kimi-K9" in board and "Kimi-K10" in board and CYRILLIC_K not in board


async def test_json_imports_refuse_lookalikes_too(db: Database) -> None:
    rows = [
        {
            "model": "Opus-4.8",
            "organization": "Anthropic",
            "country": "US",
            "release_date": "",
            "benchmark": "FrontierSWE",
            "score": 70,
            "source": "https://e.org/a",
        },
        {
            "model": "\u041epus-4.8",  # Cyrillic О
            "organization": "Anthropic",
            "country": "US",
            "release_date": "",
            "benchmark": "FrontierSWE",
            "score": 70,
            "source": "https://e.org/b",
        },
    ]
    report = await run(db, "x.json", json.dumps({"rows": rows}), skip_invalid=True)
    assert [r.number for r in report.rejected] == [2], report.text()
    assert "The model Opus-4.8 already exists" in report.rejected[0].reason


async def test_invisible_characters_name_the_known_model(db: Database, ask: Ask) -> None:
    text = HEADER + "GLM\u200b-5.2,Zhipu AI,CN,,FrontierSWE,70,https://e.org/zw\n"
    report = await run(db, "x.csv", text)
    assert report.counts["added"] == 1 and not report.rejected, report.text()
    sources = (await ask("/sources GLM-5.2 FrontierSWE", MEMBER)).plain_text()
    assert "e.org/zw" in sources
    assert "\u200b" not in (await ask("/leaderboard FrontierSWE", MEMBER)).plain_text()
