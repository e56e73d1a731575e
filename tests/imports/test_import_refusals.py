"""Bad import input: a clear refusal (the file, or the one row with --skip-invalid), nothing
written for it, and never an incident when it comes through /admin import (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.platforms import console
from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.core.reply import Reply
from commands.imports.formats.registry import read_file
from commands.imports.pipeline import ImportReport, import_bytes
from storage.engine import schema
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import NOW, Ask

HEADER = "model,organization,country,release_date,benchmark,score,source,stderr\n"
GOOD = "Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/k9,\n"
ROW = {
    "model": "Kimi-K9",
    "organization": "Moonshot AI",
    "country": "CN",
    "release_date": "2026-11-20",
    "benchmark": "Latency",
    "score": 850,
    "source": "https://example.org/lat",
}


def latency_file(**spec: Any) -> bytes:
    """A JSON file defining one benchmark (`spec` overrides its fields) and scoring on it."""
    definition = {"name": "Latency", "unit": "ms", "min_value": 0, **spec}
    row = {**ROW, "benchmark": definition["name"]}
    return json.dumps({"benchmarks": [definition], "rows": [row]}).encode()


async def run(db: Database, name: str, data: bytes, **options: Any) -> ImportReport:
    return await import_bytes(db, name, data, now=NOW, **options)


async def admin_import(db: Database, name: str, data: bytes) -> Reply:
    """/admin import in chat, skipping invalid rows."""
    return await Dispatcher(db, FixedClock(NOW)).run(
        ("admin", "import"),
        {"file": Attachment(name, data), "skip_invalid": True},
        CONSOLE_CALLER,
    )


async def benchmark(db: Database, name: str) -> Any:
    async with db.read() as conn:
        query = select(schema.benchmarks).where(schema.benchmarks.c.name == name)
        return (await conn.execute(query)).one_or_none()


@pytest.mark.parametrize(("given", "stored"), [("false", False), ("no", False), (True, True)])
async def test_json_benchmark_direction_is_read_like_the_csv_column(
    db: Database, given: Any, stored: bool
) -> None:
    report = await run(db, "b.json", latency_file(higher_is_better=given))
    assert report.written is not None, report.text()
    assert (await benchmark(db, "Latency")).higher_is_better is stored


async def test_json_benchmark_bounds_as_text_are_numbers(db: Database) -> None:
    report = await run(db, "b.json", latency_file(min_value="0", max_value="1e4"))
    assert report.written is not None, report.text()
    row = await benchmark(db, "Latency")
    assert (row.min_value, row.max_value) == (0.0, 10_000.0)


LONG_NAME = "Latency\n@everyone " + "x" * 200_000
BAD_DEFINITIONS = [
    ({"min_value": float("nan")}, "finite number"),
    ({"max_value": float("inf")}, "finite number"),
    ({"min_value": "-Infinity"}, "finite number"),
    ({"min_value": 10, "max_value": 5}, "must be below"),
    ({"higher_is_better": "sideways"}, "yes or no"),
    ({"unit": ["ms"]}, "a list"),
    ({"name": "Lat\nency"}, "line break"),
    ({"name": "Lat\x07ency"}, "control character"),
    ({"name": "Lat\u2028ency"}, "line break"),
    ({"name": "@everyone Latency"}, "mention"),
    ({"name": "L" * 101}, "the limit is 100"),
    ({"name": LONG_NAME}, "the limit is 100"),
    ({"name": "---"}, "no letters or digits"),
]


@pytest.mark.parametrize(("spec", "said"), BAD_DEFINITIONS)
async def test_a_bad_json_benchmark_definition_refuses_the_file(
    db: Database, spec: dict[str, Any], said: str
) -> None:
    before = await snapshot(db)
    for skip_invalid in (False, True):
        with pytest.raises(UserError, match=said) as refused:
            await run(db, "b.json", latency_file(**spec), skip_invalid=skip_invalid)
        assert 'Entry 1 of "benchmarks"' in refused.value.message
    reply = await admin_import(db, "b.json", latency_file(**spec))
    assert reply.is_error and said in reply.plain_text() and "incident" not in reply.plain_text()
    assert await snapshot(db) == before


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1c", "\x1e"])
def test_a_line_separator_inside_a_csv_value_keeps_the_row_whole(separator: str) -> None:
    text = HEADER + f'K,O,CN,,B,1,"Blog{separator}post",\nL,O,CN,,B,2,Lab{separator}notes,\n'
    rows = list(read_file("x.csv", text.encode()).rows)
    assert [r.values["source"] for r in rows] == [f"Blog{separator}post", f"Lab{separator}notes"]
    assert [r.line for r in rows] == [2, 3]


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c"])
async def test_a_name_with_a_line_separator_is_refused_not_split(
    db: Database, ask: Ask, separator: str
) -> None:
    text = HEADER + f"Kimi{separator}K9,Moonshot AI,CN,2026-11-20,FrontierSWE,70,https://e.org/k,\n"
    report = await run(
        db, "rows.csv", (text + GOOD.replace("Kimi-K9", "Qwen-9")).encode(), skip_invalid=True
    )
    assert [r.number for r in report.rejected] == [1], report.text()
    assert report.counts["added"] == 1
    assert "I don't know" in (await ask("/model K9")).plain_text()


async def test_a_negative_stderr_rejects_its_row_only(db: Database, ask: Ask) -> None:
    bad = GOOD.replace("Kimi-K9", "Qwen-9").replace(",\n", ",-0.5\n")
    report = await run(db, "rows.csv", (HEADER + GOOD + bad).encode(), skip_invalid=True)
    assert [(r.number, r.reason) for r in report.rejected] == [
        (2, "`stderr` must be 0 or more, not -0.5.")
    ]
    assert report.written is not None and report.written.scores == 1
    assert "Kimi-K9" in (await ask("/model Kimi-K9")).plain_text()


def deep(levels: int) -> bytes:
    return ("[" * levels + "]" * levels).encode()


UNREADABLE = [
    ("deep.json", deep(100_000), "nests lists or objects too deeply"),
    ("deep-row.json", b'[{"model": ' + deep(100_000) + b"}]", "nests lists or objects too deeply"),
    ("null.json", b'{"benchmarks": null, "rows": []}', '"benchmarks" must be a list'),
    ("five.json", b"5", "must be a list of rows"),
    ("rows-null.json", b'{"rows": null}', "must be a list of rows"),
    ("digits.json", b'[{"score": ' + b"9" * 5000 + b"}]", "too many digits"),
]


@pytest.mark.parametrize(("name", "data", "said"), UNREADABLE)
async def test_an_unreadable_json_file_is_refused_clearly(
    db: Database, name: str, data: bytes, said: str
) -> None:
    before = await snapshot(db)
    with pytest.raises(UserError, match=said):
        await run(db, name, data, skip_invalid=True)
    reply = await admin_import(db, name, data)
    assert reply.is_error and said in reply.plain_text() and "incident" not in reply.plain_text()
    assert await snapshot(db) == before


async def test_a_json_field_holding_a_list_rejects_its_row(db: Database) -> None:
    rows = [{**ROW, "benchmark": "FrontierSWE", "score": 70}, {**ROW, "model": ["Kimi", "K9"]}]
    report = await run(db, "rows.json", json.dumps(rows).encode(), skip_invalid=True)
    assert [(r.number, r.reason) for r in report.rejected] == [
        (2, "The row has a list in `model`: give text or a number.")
    ]
    assert report.written is not None and report.written.scores == 1


async def test_a_field_over_128_kib_rejects_its_row_only(db: Database) -> None:
    huge = "https://example.org/" + "a" * 200_000
    bad = GOOD.replace("Kimi-K9", "Qwen-9").replace("https://example.org/k9", huge)
    report = await run(db, "rows.csv", (HEADER + bad + GOOD).encode(), skip_invalid=True)
    assert [(r.number, r.reason) for r in report.rejected] == [
        (1, f"`source` is {len(huge)} characters long; the limit is 500.")
    ]
    assert report.written is not None and report.written.scores == 1
    reply = await admin_import(db, "rows.csv", (HEADER + bad).encode())
    assert reply.is_error and "the limit is 500" in reply.plain_text()


async def test_a_long_value_in_a_column_the_import_ignores_is_no_problem(db: Database) -> None:
    text = HEADER.replace("\n", ",notes\n") + GOOD.replace("\n", "," + "n" * 200_000 + "\n")
    report = await run(db, "rows.csv", text.encode())
    assert report.written is not None and report.written.scores == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rows.csv", (HEADER + GOOD.replace(",\n", ",-0.5\n")).encode()),
        ("rows.csv", (HEADER + GOOD.replace("Kimi-K9", "Kimi\u2028K9")).encode()),
        ("rows.csv", (HEADER + GOOD.replace("Kimi-K9", "x" * 200_000)).encode()),
        ("b.json", latency_file(min_value="0", higher_is_better="false")),
    ],
)
async def test_in_chat_a_bad_row_is_a_rejection_not_an_incident(
    db: Database, name: str, data: bytes
) -> None:
    reply = await admin_import(db, name, data)
    assert "incident" not in reply.plain_text()


async def test_the_console_imports_a_file_named_by_its_path(
    db: Database, ask: Ask, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    dispatcher = Dispatcher(db, FixedClock(NOW))
    assert await console.ask(dispatcher, f'/admin import file:"{path}"') == 0
    assert "Imported rows.csv" in capsys.readouterr().out
    assert "Moonshot AI" in (await ask("/model Kimi-K9")).plain_text()
    assert await console.ask(dispatcher, f"/admin import file:{tmp_path / 'gone.csv'}") == 1
    said = capsys.readouterr().err
    assert "Cannot read" in said and "gone.csv: No such file" in said
