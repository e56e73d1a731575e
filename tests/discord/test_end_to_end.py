"""A member on Discord types slash commands; the real discord.py client answers via the fake."""

from __future__ import annotations

from bot.platforms.discord.frontend import DiscordFrontEnd
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.discord_world import CURATOR, MEMBER
from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_interactions import DEFERRED_MESSAGE
from tests.support.fakes.discord_server import FakeDiscord


def table_row(text: str, first_cell: str) -> list[str]:
    """The cells of the code-block table row that starts with `first_cell`."""
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r} in:\n{text}")


async def test_gap_embed_shows_scores_and_differences(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    reply = await fake.run("gap", {"model_a": "GLM-5.2", "model_b": "Opus-4.8"}, user_id=MEMBER)

    assert not reply.ephemeral
    embed = reply.embed
    assert "GLM-5.2" in embed["title"] and "Opus-4.8" in embed["title"]
    assert table_row(embed["description"], "FrontierSWE")[1:5] == ["74.4", "75.1", "0.7", "0.9"]
    assert table_row(embed["description"], "SWE-Marathon")[1:4] == ["13.0", "26.0", "13.0"]
    assert "```" in embed["description"]  # the table is a code block
    assert "release date of Opus-4.8 unknown" in embed["footer"]["text"]


async def test_forgiving_names_and_mistakes_answer_privately(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    forgiving = await fake.run("gap", {"model_a": "glm 5.2", "model_b": "Claude Opus 4.8"})
    assert "GLM-5.2" in forgiving.embed["title"]

    mistake = await fake.run("gap", {"model_a": "GLM-5.3", "model_b": "Opus-4.8"})
    assert mistake.ephemeral
    assert not mistake.embeds
    assert "GLM-5.2" in mistake.content  # the closest known name is suggested


async def test_autocomplete_offers_model_names(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    choices = await fake.autocomplete("gap", "model_a", "glm")

    names = [c["name"] for c in choices]
    assert names[0] == "GLM-5.2"
    assert all(c["value"] == c["name"] for c in choices)
    assert len(choices) <= 25
    benchmarks = await fake.autocomplete("leaderboard", "benchmark", "frontier")
    assert "FrontierSWE" in [c["name"] for c in benchmarks]


async def test_member_is_refused_admin_and_nothing_changes(
    fake: FakeDiscord, bot: DiscordFrontEnd, db: Database
) -> None:
    before = await snapshot(db)
    options = {
        "model": "GPT-5.5",
        "benchmark": "SWE-Marathon",
        "value": 31.5,
        "source": "https://example.org/post",
    }

    # Discord shows /admin to a member with Manage Server, but only curators may use it.
    for permissions in (p.EVERYONE_PERMISSIONS, p.EVERYONE_PERMISSIONS | p.MANAGE_GUILD):
        refusal = await fake.run(
            "admin score add", options, user_id=MEMBER, permissions=permissions
        )
        assert refusal.ephemeral
        assert "curators only" in refusal.content

    assert await snapshot(db) == before


async def test_curator_adds_a_score_and_the_leaderboard_shows_it(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    added = await fake.run(
        "admin score add",
        {
            "model": "GPT-5.5",
            "benchmark": "SWE-Marathon",
            "value": 31.5,
            "source": "https://example.org/post",
            "date": "2026-11-20",
        },
        user_id=CURATOR,
        user_name="Curator",
    )
    assert "31.5" in added.text(), added.text()
    assert not added.ephemeral

    board = await fake.run("leaderboard", {"benchmark": "SWE-Marathon"}, user_id=MEMBER)
    assert table_row(board.embed["description"], "1")[1] == "GPT-5.5"
    assert table_row(board.embed["description"], "1")[-1] == "31.5"


async def test_curator_imports_a_file_and_the_leaderboard_shows_it(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    csv = (
        "model,organization,country,release_date,benchmark,score,source\n"
        "Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/kimi\n"
    )
    record = await fake.interaction(
        "admin import", {"file": ("scores.csv", csv.encode())}, user_id=CURATOR
    )
    imported = await record.reply()

    assert record.callbacks[0]["type"] == DEFERRED_MESSAGE  # declared slow: deferred first
    assert "added 1" in imported.text()
    board = await fake.run("leaderboard", {"benchmark": "FrontierSWE"})
    assert table_row(board.embed["description"], "1")[1:3] == ["Kimi-K9", "Moonshot"]


async def test_dropped_connection_is_resumed_and_commands_still_served(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    await fake.gateway.drop()
    await fake.gateway.wait_connected()

    assert (fake.gateway.identifies, fake.gateway.resumes) == (1, 1)
    reply = await fake.run("gap", {"model_a": "GLM-5.2", "model_b": "Opus-4.8"})
    assert table_row(reply.embed["description"], "FrontierSWE")[3] == "0.7"


async def test_command_typed_while_disconnected_is_replayed_on_resume(
    fake: FakeDiscord, bot: DiscordFrontEnd
) -> None:
    await fake.gateway.drop()
    record = await fake.interaction("leaderboard", {"benchmark": "FrontierSWE"})  # buffered

    reply = await record.reply()

    assert fake.gateway.resumes == 1
    assert table_row(reply.embed["description"], "1")[1] == "Opus-4.8"


async def test_replies_never_ping(fake: FakeDiscord, bot: DiscordFrontEnd) -> None:
    await fake.run("gap", {"model_a": "@everyone", "model_b": "Opus-4.8"})
    await fake.run("model", {"name": "GLM-5.2"})

    answers = fake.sent("POST", "/interactions/{interaction_id}/{token}/callback")
    assert len(answers) == 2
    for request in answers:
        assert request.json["data"]["allowed_mentions"] == {"parse": []}
