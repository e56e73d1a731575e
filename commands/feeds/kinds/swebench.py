"""SWE-bench's leaderboards: the bash-only board scores language models with one minimal agent.

The site is built from `data/leaderboards.json` in github.com/SWE-bench/swe-bench.github.io:
`{"leaderboards": [{"name": "bash-only", "results": [{"name": "o3 (2025-04-16)", "resolved":
58.4, "date": "2025-05-21", "site": ..., "folder": ..., "tags": ["Org: OpenAI", "Model:
o3-20250416", ...], ...}]}, ...]}` (newer entries add `model_display`, `model_org` and
`model_release_date` as YYYYMMDD). A feed names its board after `#` (`bash-only` when none):
the other boards rank agent systems, not models. Trusted: the maintainers run every bash-only
entry themselves with mini-SWE-agent on SWE-bench Verified, so the scores are applied through
the import path as `feed:NAME`; an entry whose lab Racewatch cannot place is skipped, said.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag

from commands.feeds.fetch import FeedError
from commands.feeds.kinds.base import (
    JSON_TYPES,
    Applied,
    FeedItem,
    FeedKind,
    applied,
    checked,
    iso_day,
    load_json,
    register,
)
from storage import names
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.models import get_model
from storage.seed import watched_orgs

URL = (
    "https://raw.githubusercontent.com/SWE-bench/swe-bench.github.io/master/data/leaderboards.json"
)
SITE = "https://www.swebench.com/"
BOARD = "bash-only"
BENCHMARK = "SWE-bench Bash Only"
DESCRIPTION = "SWE-bench Verified with mini-SWE-agent (bash only): % of 500 issues resolved"
VERSION_DATE = re.compile(r"\s*\((\d{4}-?\d{2}-?\d{2})\)\s*$")  # `o3 (2025-04-16)`


def _board(body: bytes, url: str) -> tuple[str, list[Any]]:
    data = load_json(body)
    boards = data.get("leaderboards") if isinstance(data, dict) else None
    if not isinstance(boards, list):
        raise FeedError('expected {"leaderboards": [...]} (SWE-bench\'s leaderboards.json)')
    wanted = urldefrag(url).fragment or BOARD
    for board in boards:
        if isinstance(board, dict) and str(board.get("name", "")).lower() == wanted.lower():
            results = board.get("results")
            if not isinstance(results, list):
                raise FeedError(f"board {wanted} has no results list")
            return wanted, results
    raise FeedError(f"no board named {wanted} in leaderboards.json")


def _tag(entry: dict[str, Any], prefix: str) -> str | None:
    for tag in entry.get("tags") or ():
        if isinstance(tag, str) and tag.startswith(prefix + ":"):
            return tag.split(":", 1)[1].strip() or None
    return None


def _yyyymmdd(value: Any) -> str | None:
    """`20250416`, `"20250416"` or `"2025-04-16"` -> `2025-04-16`; None for anything else."""
    digits = str(value).replace("-", "") if isinstance(value, int | str) else ""
    if not re.fullmatch(r"\d{8}", digits):
        return None
    return iso_day(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}")


def facts_of(entry: Any, number: int) -> dict[str, Any]:
    """What one board entry says: the model (as named, and its API id), lab, version, score."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise FeedError(f"result {number} is not a SWE-bench entry (no name)")
    score = entry.get("resolved")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
        raise FeedError(f"result {number} ({entry['name']}) has no resolved % between 0 and 100")
    written = str(entry.get("model_display") or entry["name"]).strip()
    version = VERSION_DATE.search(written)
    day = _yyyymmdd(entry.get("model_release_date"))
    if day is None and version is not None:
        day = _yyyymmdd(version.group(1))
    model_tag = _tag(entry, "Model")
    return {
        "name": VERSION_DATE.sub("", written).strip() or written,
        "aliases": [model_tag] if model_tag else [],
        "organization": entry.get("model_org") or _tag(entry, "Org"),
        "released": day,
        "score": float(score),
        "evaluated": iso_day(entry.get("date")),
        "link": entry.get("site") if isinstance(entry.get("site"), str) else None,
    }


def parse(body: bytes, url: str) -> list[FeedItem]:
    """One item per model on the board (its key names the board and the model)."""
    board, results = _board(body, url)
    items = []
    for number, entry in enumerate(results, 1):
        facts = facts_of(entry, number)
        ident = facts["aliases"][0] if facts["aliases"] else facts["name"]
        items.append(FeedItem(f"swebench:{board}:{ident}", facts["name"], SITE, "row", facts))
    return checked(items)


def _labs() -> dict[str, tuple[str, str]]:
    """A board's `Org:` -> (lab in Racewatch, country), from the bundled watched-labs table."""
    labs: dict[str, tuple[str, str]] = {}
    for table in ("providers", "orgs"):
        for key, (lab, country) in watched_orgs(table).items():
            labs[key.casefold()] = labs[lab.casefold()] = (lab, country)
    return labs


async def rows_csv(db: Database, items: list[FeedItem]) -> bytes:
    """The board as the generic CSV import reads it; known models by their Racewatch name."""
    labs = _labs()
    out = io.StringIO()
    columns = ["model", "organization", "country", "release_date", "benchmark", "score"]
    columns += ["source", "date", "benchmark_unit", "benchmark_higher_is_better"]
    columns += ["benchmark_min", "benchmark_max", "benchmark_description"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    async with db.read() as conn:
        for item in items:
            facts = dict(item.facts)
            org = str(facts["organization"] or "")
            lab, country = labs.get(org.casefold(), (org, ""))
            writer.writerow({"model": await _known_name(conn, facts), **_row(facts, lab, country)})
    return out.getvalue().encode()


async def _known_name(conn: AsyncConnection, facts: dict[str, Any]) -> str:
    """The model's name in Racewatch when it answers to the board's name or API id."""
    for spelling in (facts["name"], *facts["aliases"]):
        model_id = await names.lookup(conn, "model", spelling)
        if model_id is not None:
            return (await get_model(conn, model_id)).name
    return str(facts["name"])


def _row(facts: dict[str, Any], lab: str, country: str) -> dict[str, Any]:
    return {
        "organization": lab,
        "country": country,
        "release_date": facts["released"] or "",
        "benchmark": BENCHMARK,
        "score": facts["score"],
        "source": SITE,
        "date": facts["evaluated"] or "",
        "benchmark_unit": "%",
        "benchmark_higher_is_better": "yes",
        "benchmark_min": 0,
        "benchmark_max": 100,
        "benchmark_description": DESCRIPTION,
    }


async def apply(db: Database, feed: str, body: bytes, url: str, now: datetime) -> Applied:
    """Import the board's scores as `feed:NAME`, skipping entries that cannot be placed."""
    from commands.imports.pipeline import import_bytes  # a poll's work: not every start's

    data = await rows_csv(db, parse(body, url))
    report = await import_bytes(
        db, "swebench_bash_only.csv", data, skip_invalid=True, actor=f"feed:{feed}", now=now
    )
    return applied(report)


KIND = register(
    FeedKind(
        name="swebench",
        description="SWE-bench's bash-only leaderboard: models' % of SWE-bench Verified resolved",
        accepts=(*JSON_TYPES, "text/plain"),
        parse=parse,
        example=f"{URL}#{BOARD}",
        apply=apply,
    )
)
