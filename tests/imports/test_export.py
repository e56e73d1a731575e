"""Export: the import's own format, so that export -> import into an empty database gives
the same /race, /gap and /leaderboard, asked through the dispatcher like a reader would."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.imports.export import ExportQuery, export_to
from commands.imports.formats.base import COLUMNS, NUMBER_COLUMNS
from commands.imports.pipeline import import_bytes
from storage.engine.db import Database
from storage.engine.setup import migrate
from tests.support.database import snapshot
from tests.support.shared_data import EPOCH
from tests.support.world import MEMBER, NOW

HEADER = (
    "model,organization,country,release_date,benchmark,score,source,weights,params,context,"
    "stderr,date,benchmark_unit,benchmark_higher_is_better,benchmark_min,benchmark_max\n"
)
# Beyond the bundled dataset: release dates to the month and quarter, a model without a
# score, a lower-is-better benchmark, standard errors, and two sources for one pair
# (an older report that is no longer current, and two reports on the same day).
EXTRA = HEADER + (
    "Kimi-K9,Moonshot AI,CN,2026-09,FrontierSWE,76.0,https://example.org/k9,open,1000,"
    "256000,0.4,2026-10-01,,,,\n"
    "Kimi-K9,Moonshot AI,CN,2026-09,FrontierSWE,73.5,https://example.org/k9-early,open,,,,"
    "2026-09-20,,,,\n"
    "Kimi-K9,Moonshot AI,CN,2026-09,Latency,850,https://example.org/lat,open,,,,2026-10-02,"
    "ms,false,0,\n"
    "GPT-5.5,OpenAI,US,2026-Q3,Latency,910,https://example.org/lat,closed,,,,2026-10-02,,,,\n"
    "GPT-5.5,OpenAI,US,2026-Q3,SWE-Marathon,31.0,https://example.org/a,closed,,,,2026-10-05,,,,\n"
    "GPT-5.5,OpenAI,US,2026-Q3,SWE-Marathon,29.0,https://example.org/b,closed,,,,2026-10-05,,,,\n"
    "Qwen-9,Alibaba,CN,2026-11-02,,,https://example.org/qwen,open,,,,,,,,\n"
)
QUESTIONS = (
    "/race",
    "/race FrontierSWE",
    "/race Latency",
    "/race SWE-Marathon",
    "/gap GLM-5.2 Opus-4.8",
    "/gap Kimi-K9 GPT-5.5",
    "/gap Kimi-K9 Opus-4.8 benchmark:FrontierSWE",
    "/leaderboard FrontierSWE",
    "/leaderboard Latency",
    "/leaderboard SWE-Marathon country:US",
    "/leaderboard PostTrainBench open-only:true",
)


async def answers(db: Database, questions: tuple[str, ...] = QUESTIONS) -> dict[str, str]:
    dispatcher = Dispatcher(db, FixedClock(NOW))
    return {q: (await dispatcher.run_line(q, MEMBER)).plain_text() for q in questions}


async def exported(db: Database, fmt: str, query: ExportQuery | None = None) -> str:
    out = io.StringIO()
    await export_to(db, out, fmt, query or ExportQuery())
    return out.getvalue()


@pytest.fixture
async def empty(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database without the bundled dataset."""
    database = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    await migrate(database)
    yield database
    await database.close()


async def import_text(db: Database, name: str, text: str) -> None:
    report = await import_bytes(db, name, text.encode(), now=NOW)
    assert not report.rejected, report.text()


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_export_then_import_into_an_empty_database_gives_the_same_answers(
    db: Database, empty: Database, fmt: str
) -> None:
    await import_text(db, "extra.csv", EXTRA)
    before = await answers(db)
    assert "Kimi-K9" in before["/leaderboard FrontierSWE"]
    assert "76.0" in before["/leaderboard FrontierSWE"]  # the newest of Kimi-K9's two reports
    us_marathon = before["/leaderboard SWE-Marathon country:US"]
    assert "29.0" in us_marathon and "31.0" not in us_marathon  # same day: the last added
    await import_text(empty, f"export.{fmt}", await exported(db, fmt))
    assert await answers(empty) == before


async def test_the_epoch_file_survives_the_round_trip(db: Database, empty: Database) -> None:
    if not EPOCH.exists():
        pytest.skip(f"{EPOCH} is not there")
    report = await import_bytes(db, EPOCH.name, EPOCH.read_bytes(), benchmark="ECI", now=NOW)
    assert report.written is not None
    questions = ("/race ECI", '/gap "Kimi K2.5" o3-pro', "/leaderboard ECI limit:25")
    before = await answers(db, questions)
    assert "o3-pro" in before['/gap "Kimi K2.5" o3-pro']
    await import_text(empty, "eci-export.csv", await exported(db, "csv"))
    assert await answers(empty, questions) == before


async def test_an_export_imported_back_into_its_own_database_changes_nothing(
    db: Database,
) -> None:
    await import_text(db, "extra.csv", EXTRA)
    text = await exported(db, "csv")
    before = await snapshot(db)
    report = await import_bytes(db, "export.csv", text.encode(), now=NOW)
    assert report.written is None and not report.rejected
    assert report.counts["added"] == report.counts["updated"] == 0
    assert await snapshot(db) == before


async def test_csv_has_the_import_columns_and_one_row_per_score(db: Database) -> None:
    await import_text(db, "extra.csv", EXTRA)
    rows = list(csv.DictReader(io.StringIO(await exported(db, "csv"))))
    assert tuple(rows[0]) == COLUMNS
    kimi = [r for r in rows if r["model"] == "Kimi-K9"]
    assert [(r["benchmark"], r["score"], r["date"]) for r in kimi] == [
        ("FrontierSWE", "73.5", "2026-09-20"),  # older report first: the newest ends current
        ("FrontierSWE", "76.0", "2026-10-01"),
        ("Latency", "850.0", "2026-10-02"),
    ]
    assert kimi[1]["release_date"] == "2026-09" and kimi[1]["stderr"] == "0.4"
    assert (kimi[2]["benchmark_unit"], kimi[2]["benchmark_higher_is_better"]) == ("ms", "false")
    gpt = next(r for r in rows if r["model"] == "GPT-5.5")
    assert gpt["release_date"] == "2026-Q3"
    qwen = next(r for r in rows if r["model"] == "Qwen-9")  # a model without a score
    assert (qwen["benchmark"], qwen["score"], qwen["source"]) == (
        "",
        "",
        "https://example.org/qwen",
    )


async def test_json_lists_rows_and_the_benchmarks_they_use(db: Database) -> None:
    await import_text(db, "extra.csv", EXTRA)
    data = json.loads(await exported(db, "json", ExportQuery(benchmark="latency")))
    assert {r["model"] for r in data["rows"]} == {"Kimi-K9", "GPT-5.5"}
    assert {r["score"] for r in data["rows"]} == {850.0, 910.0}
    assert data["benchmarks"] == [
        {
            "name": "Latency",
            "description": "",
            "unit": "ms",
            "higher_is_better": False,
            "min_value": 0.0,
            "max_value": None,
            "source": "https://example.org/lat",
        }
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ExportQuery(country="CN"), {"GLM-5.2", "Kimi-K9", "Qwen-9"}),
        (ExportQuery(organization="openai", current_only=True), {"GPT-5.5", "GPT-5.5-Cyber"}),
        (ExportQuery(model="kimi k9", since="2026-10-02"), {"Kimi-K9"}),
        (ExportQuery(benchmark="FrontierSWE", country="US"), {"Opus-4.8", "GPT-5.5"}),
    ],
)
async def test_a_query_exports_only_what_it_names(
    db: Database, query: ExportQuery, expected: set[str]
) -> None:
    await import_text(db, "extra.csv", EXTRA)
    rows = list(csv.DictReader(io.StringIO(await exported(db, "csv", query))))
    assert {r["model"] for r in rows} == expected
    if query.current_only:
        assert [r["score"] for r in rows if r["benchmark"] == "SWE-Marathon"] == ["29.0"]
    if query.since:
        assert [r["benchmark"] for r in rows] == ["Latency"]


async def test_unknown_names_in_a_query_are_refused_with_suggestions(db: Database) -> None:
    with pytest.raises(UserError, match="Did you mean FrontierSWE"):
        await exported(db, "csv", ExportQuery(benchmark="FrontierSWEE"))
    with pytest.raises(UserError, match="two-letter ISO country code"):
        await exported(db, "csv", ExportQuery(country="Narnia"))


async def test_admin_import_reads_an_export_back(db: Database) -> None:
    """An export is an ordinary import file: /admin import takes it (and finds nothing new)."""
    data = (await exported(db, "csv")).encode()
    reply = await Dispatcher(db, FixedClock(NOW)).run(
        ("admin", "import"), {"file": Attachment("export.csv", data)}, CONSOLE_CALLER
    )
    assert not reply.is_error and "nothing new" in reply.title, reply.plain_text()


FORMULAS = HEADER + (
    '"=HYPERLINK(""http://evil"")",+Lab,US,2026-01,Drift,-5.5,@SUM(1+1),,,,,2026-10-01,'
    "=pts,true,,\n"
    "'=quoted,'Tis Lab,US,,Drift,-0.25,'@cite,,,,,2026-10-01,,,,\n"
    "''=twice,-Minus Lab,CN,,Drift,3,-source,,,,,2026-10-01,,,,\n"
)


async def test_csv_exports_neutralise_formulas_and_import_them_back_exactly(
    db: Database, empty: Database
) -> None:
    """OWASP's CSV injection guidance: a text cell starting with = + - @ tab or CR is
    written behind a quote; numbers stay numbers; the import takes exactly that quote off."""
    await import_text(db, "formulas.csv", FORMULAS)
    first = await exported(db, "csv", ExportQuery(benchmark="Drift"))
    rows = list(csv.reader(io.StringIO(first)))
    text_cells = [
        cell
        for row in rows[1:]
        for column, cell in zip(COLUMNS, row, strict=True)
        if column not in NUMBER_COLUMNS
    ]
    assert not [c for c in text_cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_model = {row[0]: row for row in rows[1:]}
    # the file's own quotes came off on import: the models are =quoted and '=twice
    assert set(by_model) == {'\'=HYPERLINK("http://evil")', "'=quoted", "''=twice"}
    assert by_model['\'=HYPERLINK("http://evil")'][1:7] == [
        "'+Lab",
        "US",
        "2026-01",
        "Drift",
        "-5.5",
        "'@SUM(1+1)",
    ]
    assert by_model["'=quoted"][1] == "'Tis Lab"  # a quote before a letter needs nothing
    assert by_model["''=twice"][1:7] == ["'-Minus Lab", "CN", "", "Drift", "3.0", "'-source"]
    await import_text(empty, "export.csv", first)
    assert await exported(empty, "csv", ExportQuery(benchmark="Drift")) == first
    card = await Dispatcher(empty, FixedClock(NOW)).run_line("/model =quoted", MEMBER)
    assert "'Tis Lab" in card.plain_text()
