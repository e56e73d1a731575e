"""The review queue on the console: approve as /admin model add would write, reject for good,
one model whatever spelling each source uses."""

from __future__ import annotations

import json

from tests.support.database import snapshot
from tests.support.fakes.feeds import sample
from tests.support.feeds_world import Feeds
from tests.support.tables import audit_entries
from tests.support.world import MEMBER

HF, OPENROUTER, NEWS = "/api/models", "/api/v1/models", "/news/rss.xml"


async def queued(feeds: Feeds) -> str:
    return (await feeds.ask("/admin review")).plain_text()


async def with_hugging_face(feeds: Feeds) -> None:
    feeds.fake.serve(HF, sample("huggingface_deepseek-ai.json"), "application/json")
    await feeds.add("hf-deepseek", "huggingface", HF)
    await feeds.poll()


async def test_approving_writes_the_model_audited_with_the_item_as_source(feeds: Feeds) -> None:
    await with_hugging_face(feeds)
    approved = await feeds.ask("/admin review approve 1")
    assert not approved.is_error, approved.plain_text()
    card = (await feeds.ask("/model DeepSeek-V4")).plain_text()
    for said in ("DeepSeek-V4 (DeepSeek, CN)", "2026-11-20", "685B parameters", "open", "mit"):
        assert said in card, said
    assert "https://huggingface.co/deepseek-ai/DeepSeek-V4" in card  # the facts' source
    assert "DeepSeek-V4" in (await feeds.ask("/model deepseek-ai/DeepSeek-V4")).plain_text()
    audit = await feeds.ask("/admin audit")
    newest = audit_entries(audit)[0]
    assert newest[1] == "console:console"
    assert newest[2] == "model add DeepSeek-V4 (proposal #1 from feed hf-deepseek)"
    assert "Nothing to review." in await queued(feeds)
    again = await feeds.ask("/admin review approve 1")
    assert again.is_error and "already approved by console:console" in again.plain_text()

    await feeds.ask("/admin undo")  # the model goes, the proposal is pending again
    assert (await feeds.ask("/model DeepSeek-V4")).is_error
    assert "#1 Model: DeepSeek-V4" in await queued(feeds)


async def test_a_rejected_item_never_comes_back(feeds: Feeds) -> None:
    await with_hugging_face(feeds)
    rejected = await feeds.ask("/admin review reject 1")
    assert "DeepSeek-V4 will not be proposed again." in rejected.plain_text()
    await feeds.ask("/admin feed remove hf-deepseek")  # its memory of items goes with it
    await feeds.add("hf-deepseek-again", "huggingface", HF)
    [result] = await feeds.poll()
    assert result.new_items == 5 and result.proposals == 0, result
    assert "Nothing to review." in await queued(feeds)


async def test_hugging_face_and_openrouter_spellings_are_one_model(feeds: Feeds) -> None:
    await with_hugging_face(feeds)
    feeds.fake.serve(OPENROUTER, sample("openrouter_models.json"), "application/json")
    await feeds.add("openrouter", "openrouter", OPENROUTER)
    result = {r.feed: r for r in await feeds.poll()}["openrouter"]
    assert result.proposals == 2, result  # Kimi K3, and GPT-5.5's release date and context
    queue = await queued(feeds)
    # deepseek/deepseek-v4 joined the pending DeepSeek-V4 proposal instead of a second one
    assert queue.count("Model: DeepSeek") == 1
    assert "also https://openrouter.ai/deepseek/deepseek-v4" in queue
    assert "#2 Model: GPT-5.5 (adds to the known model: released 2026-06-12" in queue
    assert "#3 Model: Kimi K3 (new model by Moonshot (CN)" in queue
    assert "free" not in queue and "Auto Router" not in queue

    await feeds.ask("/admin review approve 1")
    for spelling in ("deepseek/deepseek-v4", "deepseek-ai/DeepSeek-V4", "deepseek v4"):
        assert "DeepSeek-V4 (DeepSeek, CN)" in (await feeds.ask(f"/model {spelling}")).plain_text()
    assert "163,840 tokens" in (await feeds.ask("/model DeepSeek-V4")).plain_text()
    await feeds.ask("/admin review approve 2")
    assert "2026-06-12" in (await feeds.ask("/model GPT-5.5")).plain_text()


async def test_a_lab_unknown_to_the_table_is_given_on_approval(feeds: Feeds) -> None:
    listed = [{**json.loads(sample("huggingface_deepseek-ai.json"))[0], "id": "newlab/Nova-1"}]
    feeds.fake.serve(HF, json.dumps(listed).encode(), "application/json")
    await feeds.add("hf-newlab", "huggingface", HF)
    await feeds.poll()
    before = await snapshot(feeds.db)
    refused = await feeds.ask("/admin review approve 1")
    assert refused.is_error and 'org:"Moonshot AI" country:CN' in refused.plain_text()
    assert await snapshot(feeds.db) == before
    done = await feeds.ask('/admin review approve 1 org:"Nova Labs" country:SG name:Nova-1')
    assert not done.is_error, done.plain_text()
    assert "Nova-1 (Nova Labs, SG)" in (await feeds.ask("/model Nova-1")).plain_text()


async def test_news_names_the_model_it_is_about(feeds: Feeds) -> None:
    feeds.fake.serve(NEWS, sample("openai_news.rss"), "application/rss+xml")
    await feeds.add("openai-news", "rss", NEWS)
    [result] = await feeds.poll()
    assert result.proposals == 2, result  # o3-pro (June 2025) is the feed's past
    queue = await queued(feeds)
    assert "#1 News: GPT-5.5 now available to all ChatGPT Plus users (news about GPT-5.5" in queue
    assert "#2 News: Our approach to frontier risk, November update (news, 2026-11-17)" in queue
    await feeds.ask("/admin review approve 1")
    sources = (await feeds.ask("/sources GPT-5.5")).plain_text()
    assert "News: GPT-5.5 now available to all ChatGPT Plus users" in sources
    assert "https://openai.com/index/gpt-5-5-for-plus" in sources


async def test_only_curators_review(feeds: Feeds) -> None:
    await with_hugging_face(feeds)
    before = await snapshot(feeds.db)
    for line in ("/admin review", "/admin review approve 1", "/admin review reject 1"):
        refused = await feeds.ask(line, as_=MEMBER)
        assert refused.is_error and refused.ephemeral, line
    assert await snapshot(feeds.db) == before
    missing = await feeds.ask("/admin review approve 99")
    assert missing.is_error and "There is no proposal #99" in missing.plain_text()
    no_id = await feeds.ask("/admin review approve")
    assert no_id.is_error and "Which proposal?" in no_id.plain_text()


async def test_edit_on_the_console_gives_the_approval_to_type_prefilled(feeds: Feeds) -> None:
    await with_hugging_face(feeds)
    edit = (await feeds.ask("/admin review edit 1")).plain_text()
    line = '/admin review approve 1 name:"DeepSeek-V4" org:"DeepSeek" country:"CN"'
    assert line + ' released:"2026-11-20"' in edit, edit
    done = await feeds.ask(line.replace("DeepSeek-V4", "DeepSeek V4") + ' released:"2026-11-20"')
    assert not done.is_error, done.plain_text()
    assert "DeepSeek V4 (DeepSeek, CN)" in (await feeds.ask('/model "DeepSeek V4"')).plain_text()
    assert (await feeds.ask("/admin review edit 1")).is_error  # decided: nothing to edit
