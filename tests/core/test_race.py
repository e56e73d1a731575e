"""The pure race analysis against cases computed by hand."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from commands.analysis.frontier import (
    Entry,
    LagStatus,
    at_least,
    best,
    best_by_country,
    frontier,
    lag,
    leading_country,
    months,
)

US = [
    Entry("U1", "US", date(2026, 1, 1), 70.0),
    Entry("U2", "US", date(2026, 3, 1), 75.0),
    Entry("U3", "US", date(2026, 2, 1), 72.0),  # released between, below U2: never a step
    Entry("U0", "US", None, 90.0),  # undated: no place on the frontier
]


def test_frontier_steps_only_where_the_best_improves() -> None:
    steps = frontier(US, higher_is_better=True)
    assert [(s.day, s.value, s.model) for s in steps] == [
        (date(2026, 1, 1), 70.0, "U1"),
        (date(2026, 2, 1), 72.0, "U3"),
        (date(2026, 3, 1), 75.0, "U2"),
    ]


def test_frontier_lower_is_better() -> None:
    entries = [
        Entry("a", "US", date(2026, 1, 1), 5.0),
        Entry("b", "US", date(2026, 2, 1), 7.0),
        Entry("c", "US", date(2026, 3, 1), 4.0),
    ]
    assert [s.model for s in frontier(entries, higher_is_better=False)] == ["a", "c"]


def test_lag_is_release_minus_first_date_the_rival_reached_the_score() -> None:
    # CN model released 2026-06-15 with 74.0: US first reached >= 74.0 with U2 on 2026-03-01,
    # 106 days earlier: 106 / 30.44 = 3.48 -> 3.5 months.
    result = lag(Entry("C", "CN", date(2026, 6, 15), 74.0), US, "US", True)
    assert result.status is LagStatus.BEHIND
    assert result.days == 106
    assert result.months == 3.5
    assert result.reached_by == "U2"
    assert result.undated == ("U0",)  # an undated US model also beats 74: said, not guessed


def test_a_score_the_rival_never_reached_leads() -> None:
    dated = [e for e in US if e.released]
    result = lag(Entry("C", "CN", date(2026, 6, 15), 80.0), dated, "US", True)
    assert result.status is LagStatus.LEADS
    assert result.days is None


def test_unknown_when_only_undated_rivals_reach_it() -> None:
    result = lag(Entry("C", "CN", date(2026, 6, 15), 80.0), US, "US", True)
    assert result.status is LagStatus.UNKNOWN
    assert result.undated == ("U0",)


def test_unknown_when_the_model_itself_is_undated() -> None:
    result = lag(Entry("C", "CN", None, 71.0), US, "US", True)
    assert result.status is LagStatus.UNKNOWN
    assert result.undated == ("C",)


def test_ahead_when_the_rival_reached_the_score_only_later() -> None:
    # C (2026-01-15, 71.0): US first reached 71 on 2026-02-01 with U3, 17 days later.
    result = lag(Entry("C", "CN", date(2026, 1, 15), 71.0), US, "US", True)
    assert result.status is LagStatus.AHEAD
    assert result.days == 17
    assert result.months == 0.6


def test_months_are_days_over_30_44_to_one_decimal() -> None:
    assert months(213) == 7.0
    assert months(30) == 1.0
    assert months(0) == 0.0


def test_best_and_lead() -> None:
    entries = [*US, Entry("C", "CN", date(2026, 6, 1), 95.0)]
    assert best(entries, True).model == "C"  # type: ignore[union-attr]
    assert leading_country(entries, True) == "CN"
    assert leading_country(entries[:4], True) == "US"
    assert {c: e.model for c, e in best_by_country(entries, True).items()} == {
        "US": "U0",
        "CN": "C",
    }


def test_ties_go_to_the_earlier_release() -> None:
    entries = [
        Entry("late", "CN", date(2026, 5, 1), 80.0),
        Entry("early", "US", date(2026, 4, 1), 80.0),
    ]
    assert best(entries, True).model == "early"  # type: ignore[union-attr]


def _best_by_reading(entries: list[Entry], hib: bool) -> Entry | None:
    """The tie rule read literally: in release order (undated last, then by name), a later
    entry takes the lead only with a strictly better score."""
    ranked = sorted(entries, key=lambda e: (e.released is None, e.released or date.max, e.model))
    top: Entry | None = None
    for entry in ranked:
        if top is None or (entry.value != top.value and at_least(entry.value, top.value, hib)):
            top = entry
    return top


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["US", "CN", "FR"]),
            st.none() | st.dates(date(2026, 1, 1), date(2026, 1, 5)),
            st.sampled_from([1.0, 2.0, 2.5, -0.0, 0.0]),
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_best_follows_the_tie_rule(
    rows: list[tuple[str, str, date | None, float]], hib: bool
) -> None:
    entries = [Entry(*row) for row in rows]
    assert best(entries, hib) == _best_by_reading(entries, hib)
    by_country = best_by_country(entries, hib)
    assert list(by_country) == list(dict.fromkeys(e.country for e in entries))
    for country, top in by_country.items():
        assert top == _best_by_reading([e for e in entries if e.country == country], hib)
