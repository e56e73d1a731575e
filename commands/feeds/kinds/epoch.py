"""Epoch AI's data (CC BY 4.0): the Capabilities Index and the Benchmarking Hub's files.

Epoch publishes every benchmark as a CSV inside `https://epoch.ai/data/benchmark_data.zip`;
a feed names the file after `#`: `...benchmark_data.zip#epoch_capabilities_index.csv`, or
`...#gpqa_diamond.csv` (a plain CSV URL works too). The ECI file has `Model version, ECI Score,
Release date, Organization, Country, Model accessibility, ..., Model name`; a hub file has
`Model version, mean_score, Best score (across scorers), Release date, Organization, Country,
stderr, ...` with scores as fractions (the `epoch` and `epoch_hub` import formats read them).
Trusted: applied through the import path as `feed:NAME` (idempotent, audited, undoable);
every score credits Epoch AI.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from urllib.parse import urldefrag

from commands.feeds.fetch import FeedError
from commands.feeds.kinds.base import Applied, FeedItem, FeedKind, applied, checked, register
from storage.engine.db import Database

ARCHIVE = "https://epoch.ai/data/benchmark_data.zip"
ECI_FILE = "epoch_capabilities_index.csv"
ACCEPTS = (
    "text/csv",
    "application/zip",
    "application/octet-stream",
    "application/x-zip-compressed",
    "application/csv",
    "text/plain",
)
SCORE_COLUMNS = ("Best score (across scorers)", "mean_score")
# hub file stem -> the benchmark's name in Racewatch (others: the stem in title case)
HUB_BENCHMARKS = {
    "gpqa_diamond": "GPQA Diamond",
    "swe_bench_verified": "SWE-bench Verified",
    "frontiermath": "FrontierMath",
    "frontiermath_tier_4": "FrontierMath Tier 4",
    "otis_mock_aime_2024_2025": "OTIS Mock AIME",
    "simpleqa_verified": "SimpleQA Verified",
}


def _member(body: bytes, url: str) -> tuple[str, bytes]:
    """The CSV file and its name: the body itself, or the file `#NAME` inside a zip."""
    wanted = urldefrag(url).fragment
    if not body.startswith(b"PK\x03\x04"):
        return wanted or urldefrag(url).url.rsplit("/", 1)[-1], body
    if not wanted:
        raise FeedError("a zip archive: name the file inside after # (…zip#gpqa_diamond.csv)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        names = [n for n in archive.namelist() if n == wanted or n.endswith("/" + wanted)]
        if not names:
            raise FeedError(f"the archive has no {wanted}")
        return wanted, archive.read(names[0])
    except (zipfile.BadZipFile, EOFError):
        raise FeedError("a damaged or truncated zip archive") from None


def _table(body: bytes, url: str) -> tuple[str, list[dict[str, str]]]:
    name, data = _member(body, url)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError(f"{name} is not UTF-8 text") from None
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    header = set(rows[0]) if rows else set()
    if "Model version" not in header or not header & {"ECI Score", *SCORE_COLUMNS}:
        raise FeedError(f"{name} is not an Epoch AI benchmark file (no Model version and score)")
    return name, rows


def parse(body: bytes, url: str) -> list[FeedItem]:
    """One item per model version listed (its key names the file)."""
    name, rows = _table(body, url)
    stem = name.removesuffix(".csv")
    link = urldefrag(url).url
    return checked(
        [
            FeedItem(f"epoch:{stem}:{version}", version, link, "row")
            for row in rows
            if (version := (row.get("Model version") or "").strip())
        ]
    )


def benchmark_of(stem: str) -> str:
    """The benchmark a hub file holds: `gpqa_diamond` -> `GPQA Diamond`."""
    return HUB_BENCHMARKS.get(stem, stem.replace("_", " ").title())


async def apply(db: Database, feed: str, body: bytes, url: str, now: datetime) -> Applied:
    """Import the file as `feed:NAME`: the ECI file as published, a hub file as generic rows."""
    from commands.imports.pipeline import import_bytes  # a poll's work: not every start's

    name, rows = _table(body, url)
    stem = name.removesuffix(".csv")
    actor = f"feed:{feed}"
    _, data = _member(body, url)
    bench = "ECI" if "ECI Score" in rows[0] else benchmark_of(stem)
    report = await import_bytes(db, name, data, benchmark=bench, actor=actor, now=now)
    return applied(report)


KIND = register(
    FeedKind(
        name="epoch",
        description="Epoch AI data (CC BY 4.0): the Capabilities Index or a Benchmarking Hub file",
        accepts=ACCEPTS,
        parse=parse,
        example=f"{ARCHIVE}#{ECI_FILE}",
        apply=apply,
    )
)
