"""Curators are told what their write did: early resolutions, replaced reports, repeats."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from commands.core.reply import Reply
from storage.engine.db import Database
from tests.support.database import snapshot

Ask = Callable[..., Awaitable[Reply]]


async def test_resolving_before_the_window_opens_asks_for_force(ask: Ask, db: Database) -> None:
    before = await snapshot(db)  # forecast #2 (Musk) opens 2027-01-01; now is 2026-11-23
    refused = await ask("/admin forecast resolve 2 hit")
    assert refused.is_error
    assert "window opens 2027-01-01" in refused.body and "force" in refused.body
    assert await snapshot(db) == before
    forced = await ask("/admin forecast resolve 2 hit force")
    assert not forced.is_error, forced.body
    assert "Forecast #2: hit" in forced.title
    withdrawn = await ask("/admin forecast resolve 1 withdrawn")  # #1's window is open anyway
    assert not withdrawn.is_error, withdrawn.body


async def test_a_score_from_another_source_says_what_it_replaced(ask: Ask) -> None:
    reply = await ask("/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/new")
    assert not reply.is_error, reply.body
    assert "Now 75.0 from https://example.org/new; was 74.4 from wallstreetcn" in reply.body
    assert "sources disagree" in reply.body
    same = await ask("/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/other")
    assert "sources agree" in same.body
    again = await ask("/admin score add GLM-5.2 FrontierSWE 75.5 source:https://example.org/other")
    assert "was" not in again.body  # the same source correcting itself replaces nothing else


async def test_a_repeated_forecast_is_pointed_out(ask: Ask, db: Database) -> None:
    line = (
        '/admin forecast add who:"Jane Doe" claim:"CN leads FrontierSWE" window:2027-Q2 '
        "source:https://example.org/f"
    )
    first = await ask(line)
    assert not first.is_error, first.body
    before = await snapshot(db)
    repeat = await ask(line.replace("CN leads", "cn  leads"))
    assert repeat.is_error
    assert "already records this" in repeat.body and "nothing was added" in repeat.body
    assert await snapshot(db) == before
    other_window = await ask(line.replace("2027-Q2", "2027-Q3"))
    assert not other_window.is_error
