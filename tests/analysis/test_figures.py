"""Figures exactly what the data says: same-country wording, ties, imprecise dates, undated
caveats and one rounding rule, through the commands a reader types."""

from __future__ import annotations

import pytest

from storage.figures import figure
from tests.support.tables import cell_text
from tests.support.world import Ask

ADD = "/admin score add {} FrontierSWE {} source:https://example.org/{}"


async def _model(ask: Ask, name: str, org: str, released: str | None, score: str) -> None:
    when = f" released:{released}" if released else ""
    assert not (reply := await ask(f'/admin model add {name} org:"{org}"{when}')).is_error, reply
    assert not (reply := await ask(ADD.format(name, score, name))).is_error, reply


async def test_a_model_behind_its_own_country_is_behind_the_rest_of_it(ask: Ask) -> None:
    await _model(ask, "Yi-34B", "Zhipu AI", "2026-01-01", "80")
    reply = (await ask("/gap Yi-34B GLM-5.2 benchmark:FrontierSWE")).plain_text()
    assert "GLM-5.2 is 5.4 months behind the rest of CN (Yi-34B reached" in reply, reply


async def test_an_exact_tie_is_a_tie_in_gap_and_race(ask: Ask) -> None:
    await _model(ask, "C1", "Anthropic", "2026-07-01", "80.0")
    await _model(ask, "C2", "Zhipu AI", "2026-08-01", "80.0")
    gap = await ask("/gap C1 C2 benchmark:FrontierSWE")
    assert "in favour of" not in gap.body and "(level)" in gap.body, gap.body
    assert not gap.extra, gap.extra  # no lag: nobody trails
    race = await ask("/race FrontierSWE")
    rows = {row[1]: row for row in race.table.rows} if race.table else {}
    assert rows["US"][4] == "tie" and rows["CN"][4] == "tie", rows
    assert "US and CN tie at 80.0" in race.plain_text()


async def test_dated_ranks_before_undated_at_the_same_score(ask: Ask) -> None:
    await _model(ask, "Undated-US", "Anthropic", None, "90.0")
    await _model(ask, "Dated-US", "Anthropic", "2026-09-01", "90.0")
    board = await ask("/leaderboard FrontierSWE")
    assert board.table is not None
    assert [r[1] for r in board.table.rows[:2]] == ["Dated-US", "Undated-US"]
    race = await ask("/race FrontierSWE")
    assert race.table is not None
    assert [r[2] for r in race.table.rows if r[1] == "US"] == ["Dated-US"]


async def test_a_quarter_precision_date_gives_a_range_and_names_it(ask: Ask) -> None:
    await _model(ask, "Q-US", "Anthropic", "2026-Q2", "76")
    reply = (await ask("/gap GLM-5.2 Q-US benchmark:FrontierSWE")).plain_text()
    assert (
        "GLM-5.2 is between 0.5 months ahead of and 2.5 months behind US "
        "(release dates known only to the quarter; Q-US reached that score in 2026-Q2; "
        "release date of Opus-4.8 unknown)"
    ) in reply, reply


async def test_race_cells_keep_the_undated_caveat(ask: Ask) -> None:
    await _model(ask, "Early-US", "Anthropic", "2026-03-01", "76")
    race = await ask("/race FrontierSWE")
    assert race.table is not None
    [cn] = [r for r in race.table.rows if r[1] == "CN"]
    assert cell_text(race, cn[4]) == "3.5 mo; Opus-4.8 undated", cn


@pytest.mark.parametrize(
    ("value", "shown"),
    [(76.0, "76.0"), (74.4, "74.4"), (158.243, "158.24"), (10.2267, "10.23"), (1234.5, "1,234.5")],
)
def test_one_rounding_rule(value: float, shown: str) -> None:
    assert figure(value) == shown


async def test_a_score_is_confirmed_as_entered(ask: Ask) -> None:
    reply = await ask("/admin score add GLM-5.2 FrontierSWE 76.0 source:https://example.org/x")
    assert reply.title.startswith("Added: GLM-5.2 76.0 on FrontierSWE"), reply.title
