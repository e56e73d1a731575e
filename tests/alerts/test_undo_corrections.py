"""An undo reaches what was already posted beyond instant alerts: a digest that listed an
undone event, and an import's summary when the import is undone, each get one short
"Reverted: ..." reply in the same channel (a thread on Slack, a message reference on
Discord), sent once through the outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commands.imports.pipeline import import_bytes
from storage.check import check
from tests.support.chat import DISCORD_CURATOR, LEAD_CHANGE, SLACK_CHANNEL, Chat
from tests.support.fakes.discord_interactions import Posted
from tests.support.slack_world import texts

BERLIN_NINE = {"every": "daily", "time": "09:00", "timezone": "Europe/Berlin"}
TUESDAY_NINE = datetime(2027, 3, 23, 8, 0, tzinfo=UTC)
IMPORT = (
    b"model,organization,country,release_date,benchmark,score,source\n"
    b"Bulk-A,Lab CN,CN,2027-03-01,PostTrainBench,31.5,https://example.org/a\n"
    b"Bulk-B,Lab US,US,2027-03-02,PostTrainBench,32.5,https://example.org/b\n"
)


def discord_posts(chat: Chat) -> list[Posted]:
    return chat.discord.messages(chat.channel)


def slack_posts(chat: Chat) -> list[Any]:
    return chat.slack.channel_messages(SLACK_CHANNEL)


def slack_title(message: Any) -> str:
    """The first line a reader sees of a Slack message (its title, in bold)."""
    return texts({"blocks": message.blocks or []}).split("\n")[0].strip("*")


async def db_check(chat: Chat) -> list[str]:
    """What `racewatch db check` objects to (nothing, after any of these)."""
    async with chat.db.read() as conn:
        return await check(conn)


def replies_to(post: Posted) -> str:
    """The id of the Discord message a post answers."""
    return str(post.payload["message_reference"]["message_id"])


async def digests_on_both(chat: Chat) -> None:
    """Both channels take a daily digest at 09:00 Berlin and no instant alerts."""
    await chat.discord_run("subscribe", {"topics": "all", "mode": "digest"})
    await chat.discord_run("digest schedule", BERLIN_NINE)
    await chat.slack_run("/subscribe", "all mode:digest")
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")


async def post_digests(chat: Chat) -> None:
    chat.clock.set(TUESDAY_NINE)
    assert [o for _, o in await chat.scheduler().tick()] == ["planned", "planned"]
    await chat.deliver()


async def test_a_posted_digest_that_listed_an_undone_lead_change_gets_a_reply(
    any_chat: Chat,
) -> None:
    chat = any_chat
    await digests_on_both(chat)
    await chat.curator("admin score add", LEAD_CHANGE)
    await post_digests(chat)
    [digest] = discord_posts(chat)
    [slack_digest] = slack_posts(chat)
    assert "CN overtakes US" in digest.text()
    assert "CN overtakes US" in texts({"blocks": slack_digest.blocks})

    await chat.curator("admin undo", {})
    assert await db_check(chat) == []  # the correction owed points at live events
    await chat.deliver()
    [_, correction] = discord_posts(chat)
    assert correction.text().startswith("Reverted: Lead change on FrontierSWE"), correction.text()
    assert "digest" in correction.text()
    assert replies_to(correction) == digest.payload["id"]
    [_, slack_correction] = slack_posts(chat)
    assert slack_title(slack_correction).startswith("Reverted: Lead change on FrontierSWE")
    assert slack_correction.thread_ts == slack_digest.ts  # in the digest's thread

    await chat.deliver()  # said once
    chat.clock.set(TUESDAY_NINE.replace(day=24))
    await chat.scheduler().tick()
    await chat.deliver()
    assert len(discord_posts(chat)) == 2 and len(slack_posts(chat)) == 2


async def test_a_digest_that_did_not_list_the_undone_event_hears_nothing(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "releases", "mode": "digest"})
    await chat.discord_run("digest schedule", {**BERLIN_NINE, "empty": True})
    await chat.slack_run("/subscribe", "all mode:digest -benchmark:FrontierSWE")
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin empty:yes")
    await chat.curator("admin score add", LEAD_CHANGE)
    await post_digests(chat)
    await chat.curator("admin undo", {})
    await chat.deliver()
    assert len(discord_posts(chat)) == 1 and len(slack_posts(chat)) == 1  # the digests only


async def test_a_channel_told_twice_of_a_change_hears_of_its_undo_once(chat: Chat) -> None:
    """Instant alert and digest (mode both): one correction, a reply to the alert."""
    await chat.discord_run("subscribe", {"topics": "all", "mode": "both"})
    await chat.discord_run("digest schedule", BERLIN_NINE)
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()
    chat.clock.set(TUESDAY_NINE)
    await chat.scheduler().tick()
    await chat.deliver()
    [alert, _digest] = discord_posts(chat)
    await chat.curator("admin undo", {})
    await chat.deliver()
    [_, _, correction] = discord_posts(chat)
    assert correction.text().startswith("Reverted: Lead change"), correction.text()
    assert replies_to(correction) == alert.payload["id"]


async def test_an_undone_import_corrects_its_posted_summary(any_chat: Chat) -> None:
    chat = any_chat
    await chat.discord_run("subscribe", {"topics": "all"})
    await chat.slack_run("/subscribe", "all")
    report = await import_bytes(
        chat.db, "bulk.csv", IMPORT, actor=f"discord:{DISCORD_CURATOR}", now=chat.clock.now()
    )
    assert report.written is not None
    await chat.deliver()
    [summary] = discord_posts(chat)
    [slack_summary] = slack_posts(chat)
    assert summary.text().startswith("Import: "), summary.text()

    assert "Undone" in await chat.curator("admin undo", {})
    assert await db_check(chat) == []
    await chat.deliver()
    [_, correction] = discord_posts(chat)
    assert correction.text().startswith("Reverted: Import: "), correction.text()
    assert "Bulk-A" in correction.text()
    assert replies_to(correction) == summary.payload["id"]
    [_, slack_correction] = slack_posts(chat)
    assert slack_title(slack_correction).startswith("Reverted: Import: ")
    assert slack_correction.thread_ts == slack_summary.ts
    await chat.deliver()
    assert len(discord_posts(chat)) == 2 and len(slack_posts(chat)) == 2


async def test_an_import_undone_before_its_summary_went_out_says_nothing(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "all"})
    await import_bytes(
        chat.db, "bulk.csv", IMPORT, actor=f"discord:{DISCORD_CURATOR}", now=chat.clock.now()
    )
    await chat.curator("admin undo", {})
    await chat.deliver()
    assert discord_posts(chat) == []


async def test_a_digest_that_listed_an_undone_import_gets_a_reply(chat: Chat) -> None:
    await digests_on_both(chat)
    await import_bytes(
        chat.db, "bulk.csv", IMPORT, actor=f"discord:{DISCORD_CURATOR}", now=chat.clock.now()
    )
    await post_digests(chat)
    [digest] = discord_posts(chat)
    assert "from one import" in digest.text(), digest.text()
    await chat.curator("admin undo", {})
    assert await db_check(chat) == []
    await chat.deliver()
    [_, correction] = discord_posts(chat)
    assert correction.text().startswith("Reverted: Import: "), correction.text()
    assert replies_to(correction) == digest.payload["id"]
    [slack_digest, slack_correction] = slack_posts(chat)
    assert slack_correction.thread_ts == slack_digest.ts
