"""Replies fit a phone: tables at most about 56 characters wide, citations as numbered notes."""

from __future__ import annotations

import pytest

from commands.core.reply import PHONE_WIDTH, format_table
from tests.support.world import MEMBER, Ask

SLACK = 4  # a little room: about 56 characters, as the issue puts it


@pytest.mark.parametrize(
    "line",
    [
        "/sources GLM-5.2",
        "/model GLM-5.2",
        "/forecasts",
        "/leaderboard FrontierSWE",
        "/gap GLM-5.2 Opus-4.8",
        "/benchmarks",
        "/models",
        "/gap CN US",
    ],
)
async def test_tables_fit_a_phone(ask: Ask, line: str) -> None:
    reply = await ask(line, MEMBER)
    assert reply.table is not None, reply.plain_text()
    widest = max(len(row) for row in format_table(reply.table).splitlines())
    assert widest <= PHONE_WIDTH + SLACK, (line, widest)


async def test_long_citations_become_numbered_notes(ask: Ask) -> None:
    await ask("/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/a-long-report")
    reply = await ask("/sources GLM-5.2 FrontierSWE", MEMBER)
    assert reply.table is not None
    refs = [row[-1] for row in reply.table.rows]
    assert sorted(refs) == ["[1]", "[2]"]
    notes = [line for line in reply.extra if line.startswith("[")]
    assert any("https://example.org/a-long-report (added by console:console)" in n for n in notes)
    assert any(n.startswith("[2] wallstreetcn") or n.startswith("[1] wallstreetcn") for n in notes)


async def test_forecast_claims_are_listed_under_a_narrow_table(ask: Ask) -> None:
    reply = await ask("/forecasts", MEMBER)
    assert reply.table is not None and reply.table.columns == ("#", "Who", "Window", "Status")
    assert any(
        line.startswith("#2 Elon Musk (said 2026-06-18): Chinese models") for line in reply.extra
    )
    assert ("2", "Elon Musk", "2027-Q1", "opens in 39 days") in reply.table.rows
