"""A file of Epoch AI's Benchmarking Hub (`gpqa_diamond.csv` in `benchmark_data.zip`), as published.

Columns: `Model version, mean_score, Best score (across scorers), Release date, Organization,
Country, Model accessibility, stderr, ...`; scores are fractions. The file does not name its
benchmark: the import names it (`--benchmark "GPQA Diamond"`; the Epoch feeds do). Each
model's best version is its score, in percent (0-100); versions group under `Model name` when
the file has it, else under the version without its effort and date suffixes
(`gpt-5.4-2026-03-05_xhigh` -> `gpt-5.4`). Rows without a score, an organization or one known
country are left out with the reason, as in the ECI file. Every score credits Epoch AI.
A score is reported on the day its run started (`Started at`); a file without that column
dates its rows as the ECI file does, by its newest date.
"""

from __future__ import annotations

import csv
import re

from commands.core.countries import country_code
from commands.core.errors import UserError
from commands.imports.formats.base import (
    BenchmarkSpec,
    Parsed,
    RawRow,
    Skipped,
    csv_stream,
    newest_day,
)
from commands.imports.formats.epoch import score, weights

NAME = "epoch_hub"
SCORE_COLUMNS = ("Best score (across scorers)", "mean_score")
STARTED = "Started at"  # when the run was made: the score's report day
VERSION_TAIL = re.compile(r"(_[A-Za-z0-9]+)$|(-\d{4}-\d{2}-\d{2})$|(-\d{8})$")


def credit(benchmark: str) -> str:
    return f"Epoch AI, Benchmarking Hub: {benchmark} (CC BY 4.0), epoch.ai"


def sniff(filename: str, text: str) -> bool:
    header = text.split("\n", 1)[0]
    return "Model version" in header and any(c in header for c in SCORE_COLUMNS)


def model_name(row: dict[str, str]) -> str:
    """`Model name` when the file has it, else the version without effort and date suffixes."""
    for column in ("Model name", "Display name"):
        if named := re.sub(r"\s+", " ", row.get(column) or "").strip():
            return named
    version = (row.get("Model version") or "").strip()
    while (shorter := VERSION_TAIL.sub("", version)) != version and shorter:
        version = shorter
    return version


def _first(row: dict[str, str], column: str) -> str:
    """The first of a comma-separated cell (`DeepSeek,Peking University` -> `DeepSeek`)."""
    return (row.get(column) or "").split(",")[0].strip()


def _percent(row: dict[str, str]) -> float | None:
    value = next((v for c in SCORE_COLUMNS if (v := score(row.get(c) or "")) is not None), None)
    return None if value is None else value * 100 if value <= 1 else value


def _skip_reason(row: dict[str, str]) -> str | None:
    countries = [c.strip() for c in (row.get("Country") or "").split(",") if c.strip()]
    if _percent(row) is None:
        return "no score"
    if not model_name(row):
        return "no Model version"
    if len(countries) > 1:
        return f"made in several countries ({', '.join(countries)}); a model counts for one"
    if not countries or country_code(countries[0]) is None:
        return "no known Country"
    if not _first(row, "Organization"):
        return "no Organization"
    return None


def read(text: str, benchmark: str | None) -> Parsed:
    if not benchmark:
        raise UserError(
            "An Epoch Benchmarking Hub file does not name its benchmark: import it with "
            '--benchmark "GPQA Diamond" (benchmark:... on /admin import).'
        )
    reader = csv.DictReader(csv_stream(text))
    best: dict[str, tuple[float, int, int, dict[str, str]]] = {}
    skipped = Skipped()
    dates: set[str] = set()
    line = 2
    for number, cells in enumerate(reader, 1):
        row = {k: (v or "") for k, v in cells.items() if k}
        dates.update((row.get("Release date", ""), row.get(STARTED, "")))
        reason = _skip_reason(row)
        if reason:
            skipped.add(number, line, reason)
        else:
            value, name = _percent(row), model_name(row)
            assert value is not None
            if name not in best or value > best[name][0]:
                best[name] = (value, number, line, row)
        line = reader.line_num + 1
    cite = credit(benchmark)
    newest = newest_day(dates)
    rows = [
        RawRow(
            number,
            at,
            {
                "model": name,
                "organization": _first(row, "Organization"),
                "country": country_code(_first(row, "Country")) or "",
                "release_date": (row.get("Release date") or "").strip()[:10],
                "benchmark": benchmark,
                "score": f"{value:.4g}",
                "source": f"{cite}; model version {(row.get('Model version') or '').strip()}",
                "weights": weights(row.get("Model accessibility") or ""),
                "model_source": cite,
            },
            reported=newest_day([row.get(STARTED, "")]) or newest,
        )
        for name, (value, number, at, row) in best.items()
    ]
    spec = BenchmarkSpec(
        name=benchmark, unit="%", min_value=0, max_value=100, source=f"{cite}, epoch.ai/benchmarks"
    )
    return Parsed(NAME, iter(rows), len(rows), (spec,), skipped)
