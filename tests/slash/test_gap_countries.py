"""/gap CN US: each country's best against the other's on every shared benchmark, with lags."""

from __future__ import annotations

from tests.support.world import MEMBER, Ask


async def test_two_countries_compare_their_bests_with_lags(ask: Ask) -> None:
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    reply = await ask("/gap CN US", MEMBER)
    assert not reply.is_error, reply.body
    assert reply.title == "CN vs US: each country's best"
    assert reply.body == "US leads on 3 of 3 benchmarks, CN on 0."
    assert reply.table is not None
    rows = {row[0]: row for row in reply.table.rows}
    assert rows["FrontierSWE"] == ("FrontierSWE", "74.4", "75.1", "0.7", "US")
    [frontier] = [line for line in reply.extra if line.startswith("FrontierSWE:")]
    assert "GLM-5.2 is 3.5 months behind US" in frontier


async def test_country_names_work_and_a_tie_is_a_tie(ask: Ask) -> None:
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask("/admin score add Kimi-K9 SWE-Marathon 26.0 source:https://example.org/k9")
    reply = await ask("/gap China USA benchmark:SWE-Marathon", MEMBER)
    assert reply.table is not None and reply.table.rows[0][-1] == "tie"
    assert reply.body == "CN leads on 0 of 1 benchmarks, US on 0, tied on 1."


async def test_a_model_name_still_means_the_model(ask: Ask) -> None:
    reply = await ask("/gap GLM-5.2 Opus-4.8", MEMBER)
    assert reply.title == "GLM-5.2 (CN) vs Opus-4.8 (US)"
    refused = await ask("/gap CN China", MEMBER)
    assert refused.is_error and "two different countries" in refused.body


async def test_a_model_named_like_a_country_is_the_model(ask: Ask) -> None:
    await ask('/admin model add Japan org:"Moonshot AI" country:CN released:2026-11-20')
    await ask("/admin score add Japan SWE-Marathon 26.0 source:https://example.org/japan")
    reply = await ask("/gap Japan US", MEMBER)  # Japan the model, so US must be a model too
    assert reply.is_error and "I don't know the model `US`" in reply.body, reply.body
    reply = await ask("/gap Japan GLM-5.2", MEMBER)
    assert reply.title == "Japan (CN) vs GLM-5.2 (CN)", reply.body
    reply = await ask("/gap Japan Japan", MEMBER)
    assert reply.is_error and "give two different models" in reply.body
