"""/race opens with how far behind China is, answers as of a date, and pits open against closed."""

from __future__ import annotations

from tests.support.world import MEMBER, Ask

DATED = [
    "/admin model edit Opus-4.8 released:2026-03-01",
    "/admin model edit GPT-5.5 released:2026-04-20",
]


async def test_race_opens_with_the_median_lag(ask: Ask) -> None:
    for line in DATED:
        assert not (await ask(line)).is_error
    reply = await ask("/race", MEMBER)
    first = reply.body.splitlines()[0]
    # GLM-5.2 (2026-06-15) vs the US frontier: Opus-4.8 reached each of its scores on 2026-03-01.
    assert first.startswith("CN is a median 3.5 months behind the US across 3 benchmarks")
    assert "range 3.5-3.5" in first


async def test_when_cn_leads_the_headline_speaks_from_its_side(ask: Ask) -> None:
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask("/admin score add Kimi-K9 FrontierSWE 76.0 source:https://example.org/k9")
    reply = await ask("/race FrontierSWE", MEMBER)
    assert reply.body.splitlines()[-1] == "CN leads US on 1 of 1 benchmarks both have."
    [line] = [line for line in reply.extra if line.startswith("FrontierSWE:")]
    assert line.startswith("FrontierSWE: CN leads US by 0.9 points, since 2026-11-20 (0.1 months)")


async def test_race_as_of_a_past_date_leaves_out_later_models(ask: Ask) -> None:
    for line in DATED:
        await ask(line)
    reply = await ask("/race as_of:2026-05-01", MEMBER)
    assert reply.title.endswith("as of 2026-05-01")
    assert reply.table is not None
    assert "GLM-5.2" not in {row[2] for row in reply.table.rows}  # released 2026-06-15


async def test_race_open_pits_open_weights_against_the_rest(ask: Ask) -> None:
    for line in DATED:
        await ask(line)
    reply = await ask("/race open", MEMBER)
    assert reply.title == "Open weights vs closed"
    assert reply.body.startswith("Open-weights models are a median 3.5 months behind closed ones")
    assert reply.table is not None
    assert {row[1] for row in reply.table.rows} == {"open", "closed"}
