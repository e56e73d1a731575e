"""/benchmarks, /models, /news and /timeline: finding things, as a reader types them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from commands.core.reply import Reply

Ask = Callable[..., Awaitable[Reply]]


def rows(reply: Reply) -> dict[str, tuple[str, ...]]:
    assert reply.table is not None, reply.plain_text()
    return {row[0]: row for row in reply.table.rows}


async def test_benchmarks_count_models_and_follow_new_scores(ask: Ask) -> None:
    before = rows(await ask("/benchmarks"))
    assert set(before) >= {"FrontierSWE", "PostTrainBench", "SWE-Marathon"}
    added = await ask(
        '/admin benchmark add Latency-X description:"Seconds per task" min:0 higher_is_better:false'
    )
    assert not added.is_error, added.body
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask(
        "/admin score add Kimi-K9 FrontierSWE 70 source:https://example.org/k9 date:2026-11-21"
    )
    after = await ask("/benchmarks")
    table = rows(after)
    assert int(table["FrontierSWE"][3]) == int(before["FrontierSWE"][3]) + 1
    assert table["FrontierSWE"][4] == "2026-11-21"
    assert table["Latency-X"][1:5] == ("≥0", "lower", "0", "-")
    assert "Latency-X: Seconds per task" in after.plain_text()


async def test_models_filter_by_country_org_date_and_weights(ask: Ask) -> None:
    await ask(
        '/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20 weights:open'
    )
    await ask(
        '/admin model add Old-CN org:"Moonshot AI" country:CN released:2024-01-05 weights:closed'
    )
    cn = rows(await ask("/models country:CN"))
    assert {"Kimi-K9", "Old-CN", "GLM-5.2"} <= set(cn)
    assert all(row[2] == "CN" for row in cn.values())
    assert set(rows(await ask("/models country:CN since:2025-01"))) >= {"Kimi-K9", "GLM-5.2"}
    assert "Old-CN" not in rows(await ask("/models country:CN since:2025-01"))
    assert set(rows(await ask('/models org:"moonshot ai"'))) == {"Kimi-K9", "Old-CN"}
    assert "Old-CN" not in rows(await ask("/models country:CN open-only"))
    newest_first = list(rows(await ask('/models org:"Moonshot AI"')))
    assert newest_first == ["Kimi-K9", "Old-CN"]
    assert (await ask("/models country:FR")).body == "No models match."


async def test_news_about_a_model_or_an_org_newest_first(ask: Ask) -> None:
    await ask(
        '/admin news "Zhipu ships GLM-5.3 preview" source:https://example.org/n1 model:GLM-5.2 date:2026-11-23'
    )
    about_model = (await ask("/news GLM-5.2")).body.splitlines()
    assert about_model[0].startswith("2026-11-23: Zhipu ships GLM-5.3 preview")
    dates = [line[:10] for line in about_model if line[:4].isdigit()]
    assert dates == sorted(dates, reverse=True)
    about_org = (await ask('/news "Zhipu AI"')).body
    assert "Zhipu ships GLM-5.3 preview" in about_org
    recent = (await ask("/news since:2026-11")).body.splitlines()
    assert recent == [line for line in recent if line.startswith("2026-11")] and recent


async def test_an_unknown_subject_is_refused_with_real_suggestions(ask: Ask) -> None:
    reply = await ask("/timeline Zhipu-AI-Labs")
    assert reply.is_error
    assert "Zhipu AI" in reply.body


async def test_timeline_in_date_order_with_access_changes(ask: Ask) -> None:
    await ask('/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20')
    await ask(
        "/admin score add Kimi-K9 FrontierSWE 70 source:https://example.org/k9 date:2026-11-21"
    )
    await ask('/admin access Kimi-K9 withdrawn note:"export rules"')
    lines = (await ask("/timeline Kimi-K9")).body.splitlines()
    assert lines[0].startswith("2026-11-20 release: Kimi-K9 released (Moonshot AI, CN")
    assert lines[1].startswith("2026-11-21 score: Kimi-K9 70.0 on FrontierSWE")
    assert lines[2].startswith("2026-11-23 access:")
    org_lines = (await ask("/timeline Zhipu AI")).body.splitlines()
    dated = [line[:10] for line in org_lines if line[:4].isdigit()]
    assert dated == sorted(dated) and any(" release: GLM-5.2" in line for line in org_lines)
