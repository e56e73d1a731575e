"""Reading import files: generic CSV and JSON rows, and Epoch's format, without a database."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.core.errors import UserError
from commands.imports.export import CsvLines, csv_cells
from commands.imports.formats import epoch, generic_csv, registry
from commands.imports.formats.base import COLUMNS, Parsed, RawRow
from commands.imports.formats.epoch import CREDIT, weights
from commands.imports.formats.registry import read_file
from storage.export import ExportRow, ModelFacts, ScoreFacts

HEADER = "model,organization,country,release_date,benchmark,score,source\n"
EPOCH_HEADER = (
    "Model version,ECI Score,Release date,Organization,Country,Model accessibility,"
    "Training compute (FLOP),Confidence,Model name,Description,Display name\n"
)


def test_csv_rows_keep_their_number_and_file_line() -> None:
    text = HEADER + 'A,Org,US,2026-01-01,B,1,"src, with comma"\n\nC,"Multi\nline",US,,B,2,s\nD\n'
    parsed = read_file("x.csv", text.encode())
    rows = list(parsed.rows)
    assert [(r.number, r.line) for r in rows] == [(1, 2), (2, 4), (3, 6)]
    assert rows[0].values["source"] == "src, with comma"
    assert rows[1].values["organization"] == "Multi\nline"
    assert rows[2].values == {"model": "D"}
    assert rows[2].where == "row 3 (line 6)"


def test_csv_header_case_and_unknown_columns() -> None:
    text = (
        "Model,ORGANIZATION,country,release_date,benchmark,score,source,colour\nA,O,US,,B,1,s,red\n"
    )
    parsed = read_file("x.csv", text.encode())
    assert next(parsed.rows).values["model"] == "A"
    assert parsed.ignored_columns == ("colour",)


def test_csv_missing_columns_refuse_the_file() -> None:
    with pytest.raises(UserError, match="lacks the column"):
        read_file("x.csv", b"model,score\nA,1\n")
    parsed = read_file(
        "x.csv", b"model,organization,country,release_date,score,source\n", benchmark="ECI"
    )
    assert parsed.kind == "csv"  # the benchmark column may be left to --benchmark


def test_csv_with_more_cells_than_the_header_flags_the_row() -> None:
    parsed = read_file("x.csv", (HEADER + "A,O,US,,B,1,s,extra\n").encode())
    assert "more cell" in next(parsed.rows).problem


def test_non_utf8_and_empty_files_are_refused() -> None:
    with pytest.raises(UserError, match="UTF-8"):
        read_file("x.csv", "modèle".encode("latin-1"))
    with pytest.raises(UserError, match="empty"):
        read_file("x.csv", b"")


def test_json_list_and_object_forms() -> None:
    row = {
        "model": "A",
        "organization": "O",
        "country": "US",
        "release_date": None,
        "benchmark": "B",
        "score": 71.5,
        "source": "s",
        "weights": "open",
    }
    parsed = read_file("x.json", json.dumps([row, 5]).encode())
    rows = list(parsed.rows)
    assert rows[0].values["score"] == "71.5" and rows[0].values["release_date"] == ""
    assert rows[1].problem
    wrapped = {"benchmarks": [{"name": "B", "unit": "%", "higher_is_better": False}], "rows": [row]}
    parsed = read_file("x.txt", json.dumps(wrapped).encode())
    assert parsed.kind == "json"
    assert parsed.benchmarks[0].unit == "%" and not parsed.benchmarks[0].higher_is_better


def test_bad_json_is_refused_with_the_place() -> None:
    with pytest.raises(UserError, match="line 2"):
        read_file("x.json", b'[\n{"model": }]')
    with pytest.raises(UserError, match="list of rows"):
        read_file("x.json", b'{"rows": 3}')


def test_epoch_files_are_recognised_by_their_header() -> None:
    text = EPOCH_HEADER + "m-1,120.5,2025-01-02,Lab,China,API access,,,M,,\n"
    parsed = read_file("whatever.csv", text.encode(), benchmark="ECI")
    assert parsed.kind == "epoch"
    assert parsed.benchmarks[0].name == "ECI"


def test_epoch_groups_versions_trims_names_and_puts_the_best_last() -> None:
    text = EPOCH_HEADER + (
        'm-low,110,2025-03-01,Lab A,China,"Open weights (non-commercial)",,,"Model M\n",,\n'
        "m-high,130,2025-02-01,Lab A,China,,,,Model  M,,\n"
        "m-mid,120,,Lab A,China,,,,Model M,,\n"
    )
    parsed = epoch.read(text, None)
    rows = list(parsed.rows)
    assert {r.values["model"] for r in rows} == {"Model M"}
    assert [r.values["score"] for r in rows] == ["110.0", "120.0", "130.0"]
    assert rows[-1].values["source"] == f"{CREDIT}; model version m-high"
    assert {r.values["release_date"] for r in rows} == {"2025-02-01"}  # the earliest listed
    assert {r.values["weights"] for r in rows} == {"open"}
    assert {r.values["model_source"] for r in rows} == {CREDIT}


def test_epoch_skips_joint_unknown_and_unscored_rows_with_reasons() -> None:
    text = EPOCH_HEADER + (
        'a,100,2025-01-01,"L1,L2","United States of America,China",,,,A,,\n'
        "b,,2025-01-01,L,China,,,,B,,\n"
        "c,100,2025-01-01,L,Atlantis,,,,C,,\n"
        "d,100,2025-01-01,L,,,,,D,,\n"
        "e,100,2025-01-01,L,,,,,,,\n"
        "f,nan,2025-01-01,L,China,,,,F,,\n"
    )
    parsed = epoch.read(text, None)
    assert list(parsed.rows) == []
    reasons = {n: r for n, _, r in parsed.skipped.rows}
    assert "several countries (United States of America, China)" in reasons[1]
    assert reasons[2] == "no ECI Score"
    assert reasons[3] == "unknown country `Atlantis`"
    assert reasons[4] == "no Country"
    assert reasons[5] == "no Model name"
    assert reasons[6] == "no ECI Score"


@pytest.mark.parametrize(
    ("accessibility", "expected"),
    [
        ("Open weights (unrestricted)", "open"),
        ("Open weights (restricted use)", "open"),
        ("API access", "closed"),
        ("Hosted access (no API)", "closed"),
        ("Unreleased", "closed"),
        ("", ""),
    ],
)
def test_epoch_accessibility_to_weights(accessibility: str, expected: str) -> None:
    assert weights(accessibility) == expected


def test_a_new_format_is_one_module_in_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    class Upper:
        """A format of its own: rows written in capitals, one model a line."""

        NAME = "upper"

        @staticmethod
        def sniff(filename: str, text: str) -> bool:
            return filename.endswith(".up")

        @staticmethod
        def read(text: str, benchmark: str | None) -> Parsed:
            rows = [RawRow(n, n, {"model": w}) for n, w in enumerate(text.split(), 1)]
            return Parsed("upper", iter(rows), len(rows))

    monkeypatch.setattr(registry, "FORMATS", (Upper(), *registry.FORMATS))
    assert read_file("m.up", b"A B").kind == "upper"
    assert read_file("m.csv", HEADER.encode()).kind == "csv"
    names = [f.NAME for f in registry.FORMATS]
    assert len(set(names)) == len(names) and names[-1] == "csv"  # the generic CSV comes last


@given(st.text())
def test_guard_keeps_formulas_out_and_unguard_takes_exactly_it_back(cell: str) -> None:
    guarded = generic_csv.guard(cell)
    assert guarded[:1] not in generic_csv.FORMULA_STARTS
    assert generic_csv.unguard(guarded) == cell


TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # any character a file can hold


@settings(max_examples=300)
@given(
    names=st.tuples(TEXT, TEXT, TEXT),
    sources=st.tuples(TEXT, TEXT, TEXT),
    unit=TEXT,
    description=TEXT,
    value=st.floats(allow_nan=False, allow_infinity=False),
    low=st.none() | st.floats(allow_nan=False, allow_infinity=False),
)
def test_an_exported_csv_line_reads_back_exactly(
    names: tuple[str, str, str],
    sources: tuple[str, str, str],
    unit: str,
    description: str,
    value: float,
    low: float | None,
) -> None:
    """Export writes a row, the import's reader gives back every value as it was: formula
    quotes, a leading quote, line separators, commas and quotes inside values."""
    model, organization, bench = names
    source, model_source, benchmark_source = sources
    facts = ModelFacts(model, organization, "US", None, None, "open", None, None, model_source)
    score = ScoreFacts(
        bench,
        value,
        None,
        date(2026, 1, 1),
        source,
        unit,
        False,
        low,
        None,
        description,
        benchmark_source,
    )
    out = io.StringIO()
    lines = CsvLines(out)
    lines.write(COLUMNS)
    lines.write(csv_cells(ExportRow(facts, score)))
    [row] = list(read_file("export.csv", out.getvalue().encode()).rows)
    expected = {
        "model": model,
        "organization": organization,
        "benchmark": bench,
        "source": source,
        "model_source": model_source,
        "benchmark_unit": unit,
        "benchmark_description": description,
        "benchmark_higher_is_better": "false",
    }
    assert {k: row.values[k] for k in expected} == expected
    assert float(row.values["score"]) == value
    assert (float(row.values["benchmark_min"]) if low is not None else "") == (
        low if low is not None else row.values["benchmark_min"]
    )
