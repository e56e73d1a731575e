"""The lag rule written again, deliberately simply (plain Python over every row), against what
/gap, /race and /leaderboard answer on random data: ties, undated models, month- and
quarter-precision dates, models compared with their own country; on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.core.caller import CONSOLE_CALLER
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from commands.imports.pipeline import import_bytes
from storage.engine.db import Database
from tests.support.tables import cell_text
from tests.support.world import NOW

URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
COUNTER = itertools.count()


@dataclass(frozen=True)
class Row:
    """One model's score, as the import file states it."""

    name: str
    country: str
    start: date | None  # the release period's first day (None: undated)
    precision: str
    value: float

    @property
    def end(self) -> date | None:
        if self.start is None or self.precision == "day":
            return self.start
        last = self.start.month + (2 if self.precision == "quarter" else 0)
        following = date(self.start.year + last // 12, last % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @property
    def written(self) -> str:
        if self.start is None:
            return ""
        if self.precision == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return self.start.strftime("%Y-%m") if self.precision == "month" else str(self.start)


def months(days: int) -> float:
    return round(days / 30.44, 1)


def reference_lag(trailing: Row, country: str, rows: list[Row], higher: bool) -> tuple[object, ...]:
    """SPEC §3 as plainly as it can be said: the first date `country` had a model (other than
    the trailing one) scoring at least as well; months apart, or a range when a date is a
    month or a quarter."""
    reaching = [
        r
        for r in rows
        if r.country == country
        and r.name != trailing.name
        and (r.value >= trailing.value if higher else r.value <= trailing.value)
    ]
    undated = any(r.start is None for r in reaching)
    dated = [r for r in reaching if r.start is not None]
    if trailing.start is None or (not dated and undated):
        return ("unknown",)
    if not dated:
        return ("leads",)
    first_start = min(r.start for r in dated if r.start)
    first_end = min(r.end for r in dated if r.end)
    assert trailing.end is not None
    least, most = (trailing.start - first_end).days, (trailing.end - first_start).days
    if least == most:
        kind = "behind" if least >= 0 else "ahead"
        return (kind, months(abs(least)), months(abs(least)), undated)
    if least >= 0:
        return ("behind", months(least), months(most), undated)
    if most < 0:
        return ("ahead", months(-most), months(-least), undated)
    return ("between", months(-least), months(most), undated)


def reference_order(rows: list[Row], higher: bool) -> list[str]:
    """Best first; equal scores: dated before undated, earlier first, then the name."""
    return [
        r.name
        for r in sorted(
            rows,
            key=lambda r: (
                -r.value if higher else r.value,
                r.start is None,
                r.start or date.max,
                r.name,
            ),
        )
    ]


SENTENCE = [
    ("between", r"is between ([\d.]+) months ahead of and ([\d.]+) months behind"),
    ("behind", r"is ([\d.]+) months behind"),
    ("behind", r"is ([\d.]+) to ([\d.]+) months behind"),
    ("ahead", r"was ([\d.]+) months ahead of"),
    ("ahead", r"was ([\d.]+) to ([\d.]+) months ahead of"),
]


def said(sentence: str) -> tuple[object, ...]:
    """What a lag sentence says, in the reference's terms."""
    if "lag unknown" in sentence:
        return ("unknown",)
    if "has never reached its score" in sentence:
        return ("leads",)
    for kind, pattern in SENTENCE:
        if found := re.search(pattern, sentence):
            low = float(found[1])
            high = float(found[2]) if found.lastindex == 2 else low
            return (kind, low, high, "release date of" in sentence)
    raise AssertionError(f"unreadable lag: {sentence}")


DAYS = st.dates(date(2024, 1, 1), date(2026, 9, 30))
RELEASE = st.one_of(
    st.none(),
    st.tuples(DAYS, st.sampled_from(["day", "day", "month", "quarter"])),
)
MODEL = st.tuples(st.sampled_from(["US", "CN", "FR"]), RELEASE, st.sampled_from([70, 72.5, 75, 80]))
DATA = st.tuples(st.lists(MODEL, min_size=2, max_size=5), st.booleans())


def _rows(models: list[tuple[str, tuple[date, str] | None, float]], tag: str) -> list[Row]:
    rows = []
    for i, (country, release, value) in enumerate(models):
        start, precision = release if release else (None, "day")
        if start is not None and precision == "month":
            start = start.replace(day=1)
        if start is not None and precision == "quarter":
            start = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        rows.append(Row(f"M{tag}-{i}", country, start, precision, float(value)))
    return rows


async def _load(db: Database, rows: list[Row], bench: str, higher: bool) -> None:
    head = "model,organization,country,release_date,benchmark,score,source,date,"
    lines = [head + "benchmark_higher_is_better"]
    lines += [
        f"{r.name},Lab {r.country},{r.country},{r.written},{bench},{r.value},"
        f"https://example.org/{r.name},2026-10-01,{'true' if higher else 'false'}"
        for r in rows
    ]
    report = await import_bytes(db, "lags.csv", "\n".join(lines).encode(), now=NOW)
    assert report.written is not None and report.written.scores == len(rows), report.text()


async def _check(db: Database, data: tuple[list[tuple[str, object, float]], bool]) -> None:
    models, higher = data
    tag = str(next(COUNTER))
    rows, bench = _rows(models, tag), f"Bench{tag}"  # type: ignore[arg-type]
    await _load(db, rows, bench, higher)
    ask = Dispatcher(db, FixedClock(NOW))

    async def run(line: str) -> Reply:
        reply = await ask.run_line(line, CONSOLE_CALLER)
        assert not reply.is_error, (line, reply.body)
        return reply

    for a, b in itertools.combinations(rows, 2):
        reply = await run(f"/gap {a.name} {b.name} benchmark:{bench}")
        if a.value == b.value:
            assert not reply.extra, (a, b, reply.extra)
            continue
        trailing, leader = (b, a) if (a.value > b.value) == higher else (a, b)
        [line] = reply.extra[1:]
        expected = reference_lag(trailing, leader.country, rows, higher)
        assert said(line) == expected, (rows, higher, line, expected)
        rest = f"the rest of {leader.country}" if trailing.country == leader.country else ""
        assert rest in line, line

    order = reference_order(rows, higher)
    board = await run(f"/leaderboard {bench} limit:50")
    assert board.table is not None
    assert [r[1] for r in board.table.rows] == order

    race = await run(f"/race {bench}")
    assert race.table is not None
    best: dict[str, Row] = {}
    for name in order:
        row = next(r for r in rows if r.name == name)
        best.setdefault(row.country, row)
    top = best[next(r.country for r in rows if r.name == order[0])]
    for cells in race.table.rows:
        mine = best[cells[1]]
        assert cells[2] == mine.name, (cells, mine)
        if mine.value == top.value:
            assert cells[4] in ("leads", "tie"), cells
            continue
        expected = reference_lag(mine, top.country, rows, higher)
        assert _cell(cell_text(race, cells[4])) == expected, (rows, higher, cells, expected)


def _cell(cell: str) -> tuple[object, ...]:
    """What a /race lag cell says, in the reference's terms."""
    cell = cell.removeprefix("was ")  # a trailing side that was ahead when it was released
    if cell.startswith("unknown"):
        return ("unknown",)
    if cell == "never reached":
        return ("leads",)
    undated = "undated" in cell
    if found := re.match(r"([\d.]+) ahead to ([\d.]+) mo", cell):
        return ("between", float(found[1]), float(found[2]), undated)
    found = re.match(r"([\d.]+)(?:-([\d.]+))? mo( ahead)?", cell)
    assert found, cell
    low, high = float(found[1]), float(found[2] or found[1])
    return ("ahead" if found[3] else "behind", low, high, undated)


SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=DATA)
async def test_the_lag_rule_matches_its_plain_reading_on_sqlite(
    db: Database, data: tuple[list[tuple[str, object, float]], bool]
) -> None:
    await _check(db, data)


@pytest.mark.skipif(not URL, reason="RACEWATCH_TEST_POSTGRES_URL is not set")
@SETTINGS
@given(data=DATA)
async def test_the_lag_rule_matches_its_plain_reading_on_postgresql(
    postgres: Database, data: tuple[list[tuple[str, object, float]], bool]
) -> None:
    await _check(postgres, data)
