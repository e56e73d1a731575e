"""The one line /race opens with: CN's median lag behind the US across benchmarks."""

from __future__ import annotations

from datetime import date, timedelta

from commands.analysis.country_gap import country_gap, gap_line
from commands.analysis.frontier import Entry

START = date(2025, 1, 1)


def bench(us_days: int, cn_days: int, cn_value: float = 50.0) -> tuple[bool, list[Entry]]:
    """US reaches 50 on day `us_days`; CN reaches `cn_value` on day `cn_days`."""
    return True, [
        Entry("us", "US", START + timedelta(days=us_days), 50.0),
        Entry("cn", "CN", START + timedelta(days=cn_days), cn_value),
    ]


def test_median_and_range_over_benchmarks_where_cn_trails() -> None:
    gap = country_gap([bench(0, 61), bench(0, 183), bench(0, 30)])
    assert gap.behind == (2.0, 6.0, 1.0) and gap.median == 2.0
    assert (
        gap_line(gap)
        == "CN is a median 2.0 months behind the US across 3 benchmarks, range 1.0-6.0."
    )


def test_a_benchmark_cn_leads_is_counted_apart_and_undated_scores_ignored() -> None:
    undated = (True, [Entry("us", "US", None, 90.0), Entry("cn", "CN", START, 40.0)])
    gap = country_gap([bench(0, 61), bench(0, 10, cn_value=60.0), undated])
    assert gap.behind == (2.0,) and gap.ahead == 1
    line = gap_line(gap, year_ago=country_gap([bench(0, 122)]))
    assert (
        line
        == "CN is a median 2.0 months behind the US across 1 benchmark; CN leads on 1 more; a year ago 4.0."
    )


def test_no_comparable_benchmark_and_a_clean_cn_lead_are_said_plainly() -> None:
    assert gap_line(country_gap([])) == "No benchmark has dated scores of both CN and the US yet."
    assert gap_line(country_gap([bench(0, 5, 70.0)])) == (
        "CN leads the US on all 1 benchmarks with dated scores of both."
    )


def test_lead_since_counts_an_undated_rival_as_there_all_along() -> None:
    from commands.analysis.country_gap import lead_since

    entries = [
        Entry("us-undated", "US", None, 75.1),
        Entry("glm", "CN", date(2026, 6, 15), 74.4),
        Entry("kimi", "CN", date(2026, 11, 20), 76.0),
    ]
    assert lead_since(entries, "CN", "US", True) == date(2026, 11, 20)
    assert lead_since(entries, "US", "CN", True) is None
    back = [*entries, Entry("us-new", "US", date(2026, 12, 1), 77.0)]
    assert lead_since(back, "US", "CN", True) == date(2026, 12, 1)
