"""What the chart image shows: an honest y-axis, a credit line, labels that never overlap."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from commands.analysis.chart_png import draw
from commands.analysis.chart_series import ChartSeries, chart_series
from commands.analysis.frontier import Entry
from commands.imports.pipeline import import_file
from commands.slash.chart import credit, race_entries
from storage.benchmarks import find_benchmark
from storage.engine.db import Database
from storage.listings import provenance
from tests.support.shared_data import EPOCH
from tests.support.world import MEMBER, NOW, Ask

TODAY = date(2026, 7, 1)
CLOSE_RACE = [
    Entry("US-A", "US", date(2026, 1, 10), 74.4),
    Entry("CN-A", "CN", date(2026, 3, 1), 75.1),
]


def series(value_range: tuple[float | None, float | None], higher: bool = True) -> ChartSeries:
    return chart_series("Bench", CLOSE_RACE, higher, today=TODAY, value_range=value_range)


def texts(figure: Any) -> list[str]:
    return [t.get_text() for t in figure.texts]


def test_the_y_axis_spans_the_declared_range() -> None:
    assert draw(series((0.0, 100.0))).axes[0].get_ylim() == (0.0, 100.0)


def test_an_open_ended_scale_of_positive_scores_starts_at_zero() -> None:
    bottom, top = draw(series((None, None))).axes[0].get_ylim()
    assert bottom == 0.0 and 75.1 < top < 100


def test_lower_is_better_keeps_its_range_upside_down() -> None:
    assert draw(series((0.0, 100.0), higher=False)).axes[0].get_ylim() == (100.0, 0.0)


def test_every_image_carries_credit_date_and_name() -> None:
    drawn = chart_series(
        "Bench", CLOSE_RACE, True, today=TODAY, credit="Sources: X", as_of=date(2026, 6, 19)
    )
    assert "Sources: X · data as of 2026-06-19 · Racewatch" in texts(draw(drawn))
    assert any(t.endswith("Racewatch") for t in texts(draw(series((None, None)))))


@pytest.mark.skipif(not EPOCH.exists(), reason=f"{EPOCH} is not there")
async def test_the_eci_chart_credits_epoch_and_its_labels_never_overlap(
    db: Database, ask: Ask
) -> None:
    await import_file(db, EPOCH, benchmark="ECI", now=NOW)
    async with db.read() as conn:
        bench = await find_benchmark(conn, "ECI")
        assert bench is not None
        sources, as_of = await provenance(conn, bench.id)
    entries = await race_entries(db, bench)
    drawn = chart_series(
        "ECI", entries, True, today=NOW.date(), credit=credit(sources), as_of=as_of
    )
    figure = draw(drawn)
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in ax.texts]
    assert len(boxes) >= 6  # the chart with the most labels still labels its leaders
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 for b in boxes)
    assert any(t.startswith("Data: Epoch AI, CC BY 4.0") for t in texts(figure))
    reply = await ask("/chart ECI", MEMBER)
    assert "GPT-5.4 Pro 158.24 vs Kimi K2.5 148.02 (10.23 ECI)" in reply.body
