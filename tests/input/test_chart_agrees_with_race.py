"""/chart says the race as /race does (issue 15): the same entries (one tie order), the
release-date precision kept (a range, its precision named), a tie called a tie."""

from __future__ import annotations

from datetime import date

from commands.analysis.chart_series import chart_series, gap_headline
from commands.analysis.frontier import Entry
from tests.support.world import Ask

SETUP = (
    "/admin model add US-A org:Anthropic released:2026-01-10",
    '/admin model add CN-B org:"Zhipu AI" released:2026-Q2',
    "/admin score add US-A FrontierSWE 80 source:https://e.org/a",
    "/admin score add CN-B FrontierSWE 79 source:https://e.org/b",
)


async def given(ask: Ask, *lines: str) -> None:
    for line in lines:
        reply = await ask(line)
        assert not reply.is_error, (line, reply.body)


async def test_the_chart_keeps_the_release_date_precision_race_gives(ask: Ask) -> None:
    await given(ask, *SETUP)
    race = (await ask("/race FrontierSWE")).plain_text()
    assert "CN-B is 2.7 to 5.6 months behind US (release dates known only to the quarter" in race
    chart = await ask("/chart FrontierSWE")
    said = "CN is 2.7 to 5.6 months behind (release dates known only to the quarter)"
    assert said in chart.body, chart.body
    assert chart.image is not None and said in chart.image.description


async def test_a_tie_is_a_tie_on_the_chart_as_on_race(ask: Ask) -> None:
    await given(ask, *SETUP, "/admin score add CN-B FrontierSWE 80 source:https://e.org/c")
    assert "FrontierSWE: US and CN tie at 80.0." in (await ask("/race FrontierSWE")).plain_text()
    chart = await ask("/chart FrontierSWE")
    assert chart.body.startswith("US and CN tie at 80.0 (US-A, CN-B)."), chart.body
    assert "leads" not in chart.body and "behind" not in chart.body


def test_the_drawn_headline_says_the_range_and_the_tie() -> None:
    today = date(2026, 11, 23)
    us = Entry("US-A", "US", date(2026, 1, 10), 80.0, False)
    cn = Entry("CN-B", "CN", date(2026, 4, 1), 79.0, False, "quarter")
    series = chart_series("B", [us, cn], True, today=today)
    assert gap_headline(series.gap).endswith("CN 2.7-5.6 months behind (quarter)")
    tied = chart_series("B", [us, cn._replace(value=80.0)], True, today=today)
    assert gap_headline(tied.gap) == "US and CN tie at 80.0"
