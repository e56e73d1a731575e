"""A model's facts that /gap reads with its scores follow every edit, undo and import."""

from __future__ import annotations

from tests.support.world import Ask

GAP = "/gap GLM-5.2 Opus-4.8 benchmark:PostTrainBench"


async def test_undoing_a_model_edit_takes_back_what_gap_reads_of_later_scores(ask: Ask) -> None:
    before = (await ask(GAP)).plain_text()
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask("/admin model edit Kimi-K9 org:AcmeUS country:US released:2026-01-10")
    await ask("/admin score add Kimi-K9 PostTrainBench 40 source:https://example.org/k9")
    assert "Kimi-K9" in (await ask(GAP)).plain_text()  # a US model then, released in January
    undone = await ask("/admin undo 3")
    assert undone.title == "Undone: #3 model edit Kimi-K9", undone
    model = (await ask("/model Kimi-K9")).plain_text()
    assert "CN" in model and "2026-11-20" in model
    assert (await ask(GAP)).plain_text() == before
