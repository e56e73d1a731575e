"""The data behind /chart: frontiers per country, dots, labels and the current gap."""

from __future__ import annotations

from datetime import date

from commands.analysis.chart_series import (
    MAX_COUNTRIES,
    MAX_LABELS,
    CountrySeries,
    chart_series,
    clip_steps,
    describe_gap,
    pick_countries,
)
from commands.analysis.frontier import Entry, LagStatus, Step

TODAY = date(2026, 7, 1)
ENTRIES = [
    Entry("US-A", "US", date(2026, 1, 10), 60.0),
    Entry("US-B", "US", date(2026, 3, 1), 70.0),
    Entry("US-C", "US", date(2026, 4, 1), 65.0, open_weights=True),
    Entry("CN-A", "CN", date(2026, 2, 1), 55.0, open_weights=True),
    Entry("CN-B", "CN", date(2026, 6, 15), 68.0, open_weights=True),
    Entry("FR-A", "FR", date(2026, 5, 1), 50.0),
    Entry("US-X", "US", None, 40.0),
]


def by_country(lines: tuple[CountrySeries, ...]) -> dict[str, CountrySeries]:
    return {line.country: line for line in lines}


def test_each_country_gets_its_frontier_steps_in_release_order() -> None:
    series = chart_series("Bench", ENTRIES, True, today=TODAY)
    lines = by_country(series.countries)
    assert [(s.day, s.value, s.model) for s in lines["US"].steps] == [
        (date(2026, 1, 10), 60.0, "US-A"),
        (date(2026, 3, 1), 70.0, "US-B"),
    ]
    assert [s.model for s in lines["CN"].steps] == ["CN-A", "CN-B"]
    assert [c.country for c in series.countries] == ["US", "CN", "FR"]
    assert series.end == TODAY


def test_every_dated_model_is_a_dot_with_its_weights_and_undated_ones_are_listed() -> None:
    series = chart_series("Bench", ENTRIES, True, today=TODAY)
    lines = by_country(series.countries)
    us = {d.model: d for d in lines["US"].dots}
    assert set(us) == {"US-A", "US-B", "US-C"}
    assert us["US-C"].open_weights and not us["US-B"].open_weights
    assert series.undated == ("US-X",)
    assert series.dot_count == 6


def test_the_gap_is_us_against_cn_with_the_time_lag() -> None:
    gap = chart_series("Bench", ENTRIES, True, today=TODAY).gap
    assert gap is not None
    assert (gap.leader.model, gap.trailer.model) == ("US-B", "CN-B")
    assert gap.points == 2.0
    # CN-B (68, 2026-06-15) vs US frontier: US first reached >= 68 with US-B on 2026-03-01,
    # 106 days earlier -> 106 / 30.44 = 3.5 months behind.
    assert gap.lag.status is LagStatus.BEHIND
    assert gap.lag.days == 106
    text = describe_gap(gap)
    assert "US leads" in text and "2.0 points" in text and "CN is 3.5 months behind" in text


def test_without_both_rivals_the_gap_is_between_the_two_best_countries() -> None:
    entries = [e for e in ENTRIES if e.country != "CN"]
    gap = chart_series("Bench", entries, True, today=TODAY).gap
    assert gap is not None
    assert (gap.leader.country, gap.trailer.country) == ("US", "FR")
    assert gap.lag.status is LagStatus.BEHIND


def test_one_country_has_no_gap() -> None:
    entries = [e for e in ENTRIES if e.country == "US"]
    series = chart_series("Bench", entries, True, today=TODAY)
    assert series.gap is None
    assert "no gap" in describe_gap(series.gap)


def test_lower_is_better_benchmarks_step_downwards() -> None:
    entries = [
        Entry("a", "US", date(2026, 1, 1), 9.0),
        Entry("b", "US", date(2026, 2, 1), 12.0),
        Entry("c", "US", date(2026, 3, 1), 5.0),
        Entry("d", "CN", date(2026, 4, 1), 7.0),
    ]
    series = chart_series("Errors", entries, False, today=TODAY)
    us = by_country(series.countries)["US"]
    assert [s.model for s in us.steps] == ["a", "c"]
    assert series.gap is not None and series.gap.leader.model == "c"


def test_since_keeps_the_frontier_in_force_and_drops_older_dots() -> None:
    series = chart_series("Bench", ENTRIES, True, today=TODAY, since=date(2026, 2, 15))
    lines = by_country(series.countries)
    assert [(s.day, s.value) for s in lines["US"].steps] == [
        (date(2026, 2, 15), 60.0),
        (date(2026, 3, 1), 70.0),
    ]
    assert {d.model for d in lines["US"].dots} == {"US-B", "US-C"}
    assert {d.model for d in lines["CN"].dots} == {"CN-B"}
    assert series.start == date(2026, 2, 15)


def test_clip_steps_keeps_a_step_falling_on_the_since_day() -> None:
    steps = [Step(date(2026, 1, 1), 1.0, "a"), Step(date(2026, 2, 1), 2.0, "b")]
    assert clip_steps(steps, date(2026, 2, 1)) == (steps[1],)
    assert clip_steps(steps, None) == tuple(steps)
    assert clip_steps(steps, date(2027, 1, 1)) == (Step(date(2027, 1, 1), 2.0, "b"),)


def test_countries_option_limits_the_lines_and_the_gap() -> None:
    series = chart_series("Bench", ENTRIES, True, today=TODAY, countries=("CN", "FR"))
    assert [c.country for c in series.countries] == ["CN", "FR"]
    assert series.gap is not None and series.gap.leader.model == "CN-B"


def test_default_countries_put_the_rivals_first_and_are_capped() -> None:
    entries = [
        Entry(f"m{c}", c, date(2026, 1, 1), float(i))
        for i, c in enumerate(["FR", "GB", "DE", "JP", "KR", "AE", "CA", "CN", "US"])
    ]
    chosen = pick_countries(entries, True)
    assert chosen[:2] == ["US", "CN"]
    assert len(chosen) == MAX_COUNTRIES
    assert chosen[2:] == ["CA", "AE", "KR", "JP"]  # the others by best score


def test_labels_name_each_country_best_first_and_are_capped() -> None:
    entries = [Entry(f"US-{i}", "US", date(2025, 1, 1 + i), float(i)) for i in range(25)]
    entries.append(Entry("CN-top", "CN", date(2025, 2, 1), 10.0))
    series = chart_series("Bench", entries, True, today=TODAY)
    dots = [d for line in series.countries for d in line.dots]
    ranked = sorted((d for d in dots if d.labelled), key=lambda d: d.label_rank or 0)
    assert len(ranked) == MAX_LABELS
    assert {ranked[0].model, ranked[1].model} == {"US-24", "CN-top"}
    assert ranked[2].model == "US-23"  # then the newest frontier-setting models
