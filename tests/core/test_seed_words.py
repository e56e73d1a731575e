"""The bundled data states nothing its articles (/work/shared/seeds) do not."""

import pytest

from tests.support.world import Ask


async def test_tang_jie_gave_no_timeline_and_the_window_says_it_is_a_reading(ask: Ask) -> None:
    forecasts = (await ask("/forecasts")).plain_text()
    [tang] = [line for line in forecasts.splitlines() if "take that long' (" in line]
    assert "gave no timeline" in tang and "our reading" in tang, tang


async def test_mythos_will_reach_preview_and_musks_revenue_remark_is_undated(ask: Ask) -> None:
    news = (await ask("/news")).plain_text()
    assert "Mythos model will reach Preview status" in news
    assert "Mythos reached Preview" not in news
    [revenue] = [line for line in news.splitlines() if "evident in revenue" in line]
    assert revenue.startswith("undated:"), revenue


@pytest.mark.parametrize(
    ("model", "access"),
    [
        ("Opus-4.8", "Access: unknown"),
        ("GPT-5.5", "Access: unknown"),
        ("GLM-5.2", "Access: unknown"),
        ("Fable 5", "Access: withdrawn"),
    ],
)
async def test_access_is_unknown_unless_a_source_says(ask: Ask, model: str, access: str) -> None:
    assert access in (await ask(f"/model {model}")).plain_text()


async def test_a_new_model_has_unknown_access(ask: Ask) -> None:
    await ask("/admin model add Kimi-K9 org:Anthropic")
    assert "Access: unknown" in (await ask("/model Kimi-K9")).plain_text()
