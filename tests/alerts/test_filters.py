"""Topics and filters decide which events reach a channel; the format decides how much it says."""

from __future__ import annotations

from tests.support.chat import LEAD_CHANGE, Chat
from tests.support.slack_world import texts

SOURCE = "https://example.org/report"


def score(model: str, benchmark: str, value: float) -> dict[str, object]:
    return {
        "model": model,
        "benchmark": benchmark,
        "value": value,
        "source": SOURCE,
        "date": "2027-03-21",
    }


async def write_six_events(chat: Chat) -> None:
    """Six writes, each one alert for a channel that follows everything."""
    await chat.curator("admin score add", score("GLM-5.2", "SWE-Marathon", 14.0))
    await chat.curator("admin score add", score("GLM-5.2", "PostTrainBench", 35.0))
    await chat.curator("admin score add", score("GPT-5.5", "PostTrainBench", 30.0))
    await chat.curator(
        "admin news",
        {"headline": "Zhipu AI opens a lab in Paris", "source": SOURCE, "org": "Zhipu"},
    )
    await chat.curator(
        "admin model add",
        {"name": "Kimi-K9", "org": "Moonshot AI", "country": "CN", "released": "2027-03-21"},
    )
    await chat.curator(
        "admin model add", {"name": "GLM-6", "org": "Zhipu AI", "released": "2027-03-21"}
    )


async def test_inclusion_exclusion_and_combined_filters_hold(chat: Chat) -> None:
    everything = chat.discord.add_channel("everything")
    await chat.discord_run("subscribe", {"topics": "all"}, channel=everything)
    zhipu = await chat.discord_run(
        "subscribe",
        {"topics": "scores releases", "filters": 'org:"zhipu ai" -benchmark:swe-marathon'},
    )
    assert 'Filters: org:"Zhipu AI" -benchmark:SWE-Marathon' in zhipu.text()  # names resolved
    await chat.slack_run("/subscribe", 'scores org:"Zhipu AI" org:OpenAI -benchmark:SWE-Marathon')

    await write_six_events(chat)
    await chat.deliver()

    assert len(chat.discord_texts(everything)) == 6
    zhipu_alerts = chat.discord_texts(chat.channel)
    assert [a.splitlines()[0] for a in zhipu_alerts] == [
        "New score: GLM-5.2 on PostTrainBench",
        "New model: GLM-6",
    ]
    slack_alerts = chat.slack_texts()
    assert len(slack_alerts) == 2  # GLM-5.2 and GPT-5.5 on PostTrainBench, not SWE-Marathon
    assert "GLM-5.2" in slack_alerts[0] and "PostTrainBench" in slack_alerts[0]
    assert "GPT-5.5" in slack_alerts[1] and "PostTrainBench" in slack_alerts[1]


async def test_a_country_filter_hears_its_country_lose_the_lead(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "leads", "filters": "country:US"})
    await chat.slack_run("/subscribe", "leads -country:US")

    await chat.curator("admin score add", LEAD_CHANGE)  # CN overtakes US
    await chat.deliver()

    [lost] = chat.discord_texts(chat.channel)
    assert "CN overtakes US" in lost
    assert chat.slack_texts() == []  # the US is in this lead change, and excluded


async def test_full_format_shows_details_condensed_does_not(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "leads", "format": "full"})
    await chat.slack_run("/subscribe", "leads format:full")
    condensed = chat.discord.add_channel("condensed")
    await chat.discord_run("subscribe", {"topics": "leads"}, channel=condensed)

    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()

    [full] = chat.discord.messages(chat.channel)
    fields = {f["name"]: f["value"] for f in full.embed["fields"]}
    assert fields["From"] == "US" and fields["To"] == "CN"
    assert fields["Organization"] == "Zhipu AI"
    [short] = chat.discord.messages(condensed)
    assert "fields" not in short.embed or not short.embed["fields"]
    assert short.embed["title"] == full.embed["title"] == "Lead change on FrontierSWE"
    [slack_full] = chat.slack_texts()
    assert "From" in slack_full and "Zhipu AI" in slack_full


async def test_filters_change_when_given_and_none_removes_them(chat: Chat) -> None:
    await chat.slack_run("/subscribe", "scores org:OpenAI")
    kept = texts(await chat.slack_run("/subscribe", "leads scores"))  # topics only: filters stay
    assert "Topics: scores, leads" in kept and "Filters: org:OpenAI" in kept

    cleared = texts(await chat.slack_run("/subscribe", "filters:none"))
    assert "Topics: scores, leads" in cleared and "Filters: none" in cleared
    await chat.curator("admin score add", score("GLM-5.2", "PostTrainBench", 35.0))
    await chat.deliver()
    assert len(chat.slack_texts()) == 1  # Zhipu's score, no longer filtered out
