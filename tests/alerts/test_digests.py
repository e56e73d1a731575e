"""Scheduled digests on a moved clock: local time across DST, exact spans, empty ones, catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.chat import LEAD_CHANGE, Chat
from tests.support.database import snapshot
from tests.support.slack_world import texts

SOURCE = "https://example.org/report"
BERLIN_NINE = {"every": "daily", "time": "09:00", "timezone": "Europe/Berlin"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in March 2027 (UTC)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC)


async def tick(chat: Chat, when: datetime) -> list[str]:
    """Move the clock, let the scheduler plan what is due, deliver it; the outcomes."""
    chat.clock.set(when)
    planned = await chat.scheduler().tick()
    await chat.deliver()
    return [outcome for _sub, outcome in planned]


async def gpt_score(chat: Chat, value: float) -> None:
    options = {"model": "GPT-5.5", "benchmark": "PostTrainBench", "value": value}
    await chat.curator("admin score add", {**options, "source": SOURCE})


async def test_nine_in_berlin_is_eight_utc_in_winter_and_seven_in_summer(chat: Chat) -> None:
    answer = await chat.discord_run("digest schedule", {**BERLIN_NINE, "empty": True})
    assert "daily at 09:00 Europe/Berlin, next Tue 23 Mar 2027 09:00 CET" in answer.text()

    for day in range(23, 31):  # Europe moves its clocks on Sunday 28 March
        slot = at(day, 8 if day < 28 else 7)
        assert await tick(chat, slot - timedelta(minutes=1)) == []
        assert await tick(chat, slot) == ["planned"]
        assert await tick(chat, slot + timedelta(hours=3)) == []  # once a day

    footers = [m.embed["footer"]["text"] for m in chat.discord.messages(chat.channel)]
    assert footers == [
        f"Racewatch digest · {d} Mar 2027 09:00 CET"
        for d in ("Tue 23", "Wed 24", "Thu 25", "Fri 26", "Sat 27")
    ] + [f"Racewatch digest · {d} Mar 2027 09:00 CEST" for d in ("Sun 28", "Mon 29", "Tue 30")]


async def test_a_digest_covers_exactly_what_is_new_and_lists_a_lead_change_once(
    chat: Chat,
) -> None:
    await chat.discord_run("subscribe", {"topics": "all", "mode": "both"})
    await chat.discord_run("digest schedule", BERLIN_NINE)
    await chat.curator("admin score add", LEAD_CHANGE)
    await gpt_score(chat, 30.5)
    await chat.deliver()
    assert len(chat.discord.messages(chat.channel)) == 2  # the instant alerts

    assert await tick(chat, at(23, 8)) == ["planned"]
    digest = chat.discord.messages(chat.channel)[-1]
    fields = {f["name"]: f["value"] for f in digest.embed["fields"]}
    assert digest.embed["title"] == "Racewatch daily digest: Tue 23 Mar 2027"
    assert digest.embed["description"].startswith("3 new since the last digest.")
    assert fields["Lead changes (1)"] == (
        "• Lead change on FrontierSWE: CN overtakes US with GLM-5.2 at 76.0"
    )
    assert fields["Scores (2)"].count("•") == 2
    assert digest.text().count("overtakes") == 1
    assert "FrontierSWE: CN leads US by 0.9 points" in digest.text()  # the race now

    await chat.curator("admin news", {"headline": "A lab opens in Paris", "source": SOURCE})
    assert await tick(chat, at(24, 8)) == ["planned"]
    second = chat.discord.messages(chat.channel)[-1]
    assert second.embed["description"].startswith("1 new since the last digest.")
    assert [f["name"] for f in second.embed["fields"]] == ["News (1)"]
    assert sum(m.text().count("overtakes") for m in chat.discord.messages(chat.channel)) == 2


async def test_empty_digests_are_skipped_unless_asked_for(chat: Chat) -> None:
    await chat.discord_run("digest schedule", {"every": "daily", "time": "9:00"})
    await chat.slack_run("/digest", "schedule daily 9am UTC empty:yes")

    assert sorted(await tick(chat, at(23, 9))) == ["planned", "skipped"]

    assert chat.discord.messages(chat.channel) == []
    [empty] = chat.slack_texts()
    assert "Nothing new since the last digest." in empty


async def test_missed_digests_after_downtime_are_sent_once_on_start(chat: Chat) -> None:
    await chat.discord_run("digest schedule", BERLIN_NINE)
    await gpt_score(chat, 30.1)
    chat.clock.set(at(25, 12))  # the process was down Tuesday to Thursday noon
    await gpt_score(chat, 30.2)

    scheduler = chat.scheduler()
    await scheduler.start()  # catches up at once, one digest per channel
    try:
        await chat.deliver()
        assert await tick(chat, at(25, 13)) == []
    finally:
        scheduler.shutdown()

    [digest] = chat.discord.messages(chat.channel)
    assert "2 new since the last digest." in digest.text()
    assert "Thu 25 Mar 2027 09:00 CET" in digest.embed["footer"]["text"]


async def test_an_unsent_digest_absorbs_the_next_period(chat: Chat) -> None:
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")
    await gpt_score(chat, 30.1)
    chat.clock.set(at(23, 8))
    assert [o for _s, o in await chat.scheduler().tick()] == ["planned"]
    await gpt_score(chat, 30.2)  # Slack was unreachable all day: nothing was sent
    chat.clock.set(at(24, 8))
    assert [o for _s, o in await chat.scheduler().tick()] == ["merged"]
    await chat.deliver()

    [digest] = chat.slack_texts()
    assert "2 new since the last digest." in digest
    assert "30.1" in digest and "30.2" in digest


async def test_changing_the_time_keeps_what_the_digest_owes(chat: Chat) -> None:
    await chat.discord_run("digest schedule", {"every": "daily", "time": "09:00"})
    await gpt_score(chat, 30.1)
    chat.clock.set(at(22, 11))
    await chat.discord_run("digest schedule", {"every": "daily", "time": "18:00"})

    assert await tick(chat, at(22, 18)) == ["planned"]
    [digest] = chat.discord.messages(chat.channel)
    assert "GPT-5.5 scored 30.1" in digest.text()


async def test_weekly_digest_fires_on_its_day_only(chat: Chat) -> None:
    await chat.slack_run("/digest", "schedule weekly 08:30 America/New_York day:wed empty:yes")
    outcomes = [await tick(chat, at(day, 12, 30)) for day in range(23, 31)]
    assert outcomes == [[], ["planned"], [], [], [], [], [], []]  # Wed 24: 08:30 EDT


async def test_preview_shows_the_next_digest_privately_and_changes_nothing(chat: Chat) -> None:
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")
    await chat.curator("admin score add", LEAD_CHANGE)
    before = await snapshot(chat.db)

    preview = await chat.slack_run("/digest", "preview")

    assert preview["response_type"] == "ephemeral"
    said = texts(preview)
    assert "Preview of the next digest (due Tue 23 Mar 2027 09:00 CET)" in said
    assert "Lead change on FrontierSWE: CN overtakes US" in said
    assert await snapshot(chat.db) == before
    assert chat.slack_texts() == []


async def test_the_race_summary_keeps_to_the_benchmarks_a_channel_follows(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "all benchmark:frontierswe mode:digest")
    await chat.discord_run("subscribe", {"filters": "-benchmark:SWE-Marathon", "mode": "digest"})

    only = texts(await chat.slack_run("/digest", "preview"))
    but = (await chat.discord_run("digest preview")).text()

    race_lines = [line for line in only.splitlines() if " leads " in line]
    assert [line.split(":")[0] for line in race_lines] == ["FrontierSWE"]
    assert "FrontierSWE: US leads CN" in but and "PostTrainBench: US leads CN" in but
    assert "SWE-Marathon: US leads" not in but


async def test_a_filtered_digest_as_docs_alerts_md_shows_it(chat: Chat) -> None:
    """The example digest in docs/alerts.md comes from this test (run it with -s)."""
    await chat.slack_run("/subscribe", "all mode:digest -org:OpenAI")
    await chat.slack_run("/digest", "schedule daily 09:00 Europe/Berlin")
    await chat.curator("admin score add", LEAD_CHANGE)
    await gpt_score(chat, 30.5)
    release = {"name": "Kimi-K9", "org": "Moonshot AI", "country": "CN", "released": "2027-03-21"}
    await chat.curator("admin model add", release)
    news = {"headline": "Zhipu AI opens a lab in Paris", "source": SOURCE, "org": "Zhipu AI"}
    await chat.curator("admin news", news)

    assert await tick(chat, at(23, 8)) == ["planned"]

    [digest] = chat.slack_texts()
    print(digest.replace("*", ""))
    lines = digest.replace("*", "").splitlines()
    assert lines[:11] == [
        "Racewatch daily digest: Tue 23 Mar 2027",
        "4 new since the last digest.",
        "Lead changes (1)",
        "• Lead change on FrontierSWE: CN overtakes US with GLM-5.2 at 76.0",
        "Releases (1)",
        "• Kimi-K9 (Moonshot AI, CN) released 2027-03-21",
        "Scores (1)",
        "• GLM-5.2 scored 76.0 on FrontierSWE",  # not GPT-5.5's: the filter drops OpenAI
        "News (1)",
        "• Zhipu AI opens a lab in Paris",
        "The race now:",
    ]
    assert lines[11].startswith("FrontierSWE: CN leads US by 0.9 points")
    assert lines[-1] == "Racewatch digest · Tue 23 Mar 2027 09:00 CET"
