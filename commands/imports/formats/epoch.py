"""Epoch AI's Capabilities Index CSV, read as published, turned into generic import rows.

Decisions (docs/data.md explains them to curators):
- Model versions (`gpt-5-2025-08-07_high`, `_medium`, ...) are grouped under `Model name`
  (whitespace trimmed). The best version's score is the model's current score; every other
  version stays as a source of its own, so `/sources` shows them all.
- The model's release date is the earliest one listed among its versions.
- Full country names become ISO codes (pycountry). A row naming several countries
  ("United States of America,China") is skipped with that reason: the race credits each
  model to one country, and picking one of a joint team's countries would be a guess.
- Several organizations ("DeepSeek,Peking University"): the first listed is the developer.
- Accessibility: any "Open weights (...)" is open; API, hosted-only and unreleased are closed;
  blank stays unknown.
- Rows without a score or a model name are skipped with the reason.
- The file states no date of its own, and no row says when its score was computed: every
  score is reported on the newest date the file states (its newest `Release date`; the file
  was published no earlier), not on the day it is imported. A later file that repeats a
  score keeps the score's first date.
- Every score credits Epoch AI (CC BY 4.0) and names the model version it came from.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from commands.core.countries import country_code
from commands.imports.formats.base import (
    BenchmarkSpec,
    Parsed,
    RawRow,
    Skipped,
    csv_stream,
    newest_day,
)
from storage.names import normalize

NAME = "epoch"
DEFAULT_BENCHMARK = "ECI"
CREDIT = "Epoch AI, Epoch Capabilities Index (CC BY 4.0), epoch.ai"
HEADER_MARKS = ("ECI Score", "Model name", "Model version")


def benchmark_spec(name: str) -> BenchmarkSpec:
    """The ECI benchmark, created on first import: higher is better, no fixed range."""
    return BenchmarkSpec(
        name=name,
        description="Epoch Capabilities Index: Epoch AI's combined score of general "
        "capability across many benchmarks",
        unit="ECI",
        higher_is_better=True,
        source=f"{CREDIT}, https://epoch.ai/benchmarks/eci",
    )


def sniff(filename: str, text: str) -> bool:
    """Epoch's header: its first line names the ECI score, the model and its version."""
    header = text.lstrip().split("\n", 1)[0]
    return all(mark in header for mark in HEADER_MARKS)


def weights(accessibility: str) -> str:
    """`Open weights (restricted use)` -> open; `API access`, `Unreleased` -> closed."""
    text = accessibility.strip().lower()
    if not text:
        return ""
    return "open" if text.startswith("open weights") else "closed"


def score(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class _Version:
    number: int
    line: int
    cells: dict[str, str]
    value: float


def _skip_reason(cells: dict[str, str]) -> str | None:
    """Why a version row cannot give a score, or None when it can."""
    if not _name(cells):
        return "no Model name"
    countries = [c.strip() for c in cells.get("Country", "").split(",") if c.strip()]
    if len(countries) > 1:
        return f"made in several countries ({', '.join(countries)}); a model counts for one"
    if score(cells.get("ECI Score", "")) is None:
        return "no ECI Score"
    if not countries:
        return "no Country"
    if country_code(countries[0]) is None:
        return f"unknown country `{countries[0]}`"
    return None


def _name(cells: dict[str, str]) -> str:
    return re.sub(r"\s+", " ", cells.get("Model name", "")).strip()


def _group_rows(
    name: str, versions: list[_Version], benchmark: str, stated: date | None
) -> Iterator[RawRow]:
    """The versions of one model as generic rows, the best version last (it becomes current)."""
    best = max(versions, key=lambda v: v.value)  # first listed wins a tie
    tops = [v for v in versions if v.value == best.value]  # a later, better version's date
    dates = sorted(d for v in tops if (d := v.cells.get("Release date", "").strip()))
    access = [
        w for v in (best, *versions) if (w := weights(v.cells.get("Model accessibility", "")))
    ]
    first = best.cells
    country = first["Country"].strip()
    shared = {
        "model": name,
        "organization": first.get("Organization", "").split(",")[0].strip(),
        "country": country_code(country) or country,
        "release_date": dates[0] if dates else "",
        "benchmark": benchmark,
        "weights": access[0] if access else "",
        "model_source": CREDIT,
    }
    for version in [v for v in versions if v is not best] + [best]:
        source = f"{CREDIT}; model version {version.cells.get('Model version', '').strip()}"
        values = {**shared, "score": repr(version.value), "source": source}
        yield RawRow(version.number, version.line, values, reported=stated)


def read(text: str, benchmark: str | None) -> Parsed:
    """Epoch's ECI file as generic rows for `benchmark` (ECI unless named), with the rows
    left out and why."""
    benchmark = benchmark or DEFAULT_BENCHMARK
    reader = csv.DictReader(csv_stream(text))
    groups: dict[str, tuple[str, list[_Version]]] = {}
    skipped = Skipped()
    released: set[str] = set()  # the file's dates: the newest is the file's own
    line = 2
    for number, cells in enumerate(reader, 1):
        clean = {k: (v or "") for k, v in cells.items() if k}
        released.add(clean.get("Release date", ""))
        clean.setdefault("Model accessibility", "")
        reason = _skip_reason(clean)
        if reason:
            skipped.add(number, line, reason)
        else:
            name = _name(clean)
            value = score(clean["ECI Score"])
            assert value is not None
            key = normalize(name)
            groups.setdefault(key, (name, []))[1].append(_Version(number, line, clean, value))
        line = reader.line_num + 1
    stated = newest_day(released)
    rows = [
        row
        for name, versions in groups.values()
        for row in _group_rows(name, versions, benchmark, stated)
    ]
    return Parsed(NAME, iter(rows), len(rows), (benchmark_spec(benchmark),), skipped)
