"""Forecasts with a condition resolve themselves: hit on the write that meets it, missed when
the window ends (the scheduler's deadline job); each resolution is an alert of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.chat import LEAD_CHANGE, Chat

SOURCE = "https://example.org/forecast"


def forecast(claim: str, window: str, condition: str) -> dict[str, str]:
    return {
        "who": "A. Pundit",
        "claim": claim,
        "window": window,
        "source": SOURCE,
        "said": "2027-03-01",
        "condition": condition,
    }


async def test_a_write_that_meets_the_condition_resolves_it_as_hit(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "forecasts"})
    await chat.slack_run("/subscribe", "leads forecasts")
    added = await chat.curator(
        "admin forecast add",
        forecast(
            "China passes Opus on FrontierSWE",
            "2027-03..2027-06",
            "best CN score on frontierswe >= best score of opus 4.8",
        ),
    )
    assert "Resolves itself when best CN score on FrontierSWE >= best score of Opus-4.8" in added

    for benchmark, value in (("PostTrainBench", 35.0), ("FrontierSWE", 75.0)):  # not yet
        await chat.curator(
            "admin score add", {**LEAD_CHANGE, "benchmark": benchmark, "value": value}
        )
    assert "China passes Opus" in (await chat.discord_run("forecasts", {"status": "open"})).text()
    await chat.curator("admin score add", LEAD_CHANGE)
    await chat.deliver()

    new, resolved = chat.discord_texts(chat.channel)
    assert new.startswith("New forecast")
    assert resolved.startswith("Forecast resolved")
    assert "hit: China passes Opus on FrontierSWE" in resolved
    assert "condition met: GLM-5.2 76.0 >= Opus-4.8 75.1" in resolved
    # Slack follows leads too: the lead change and the resolution are two alerts.
    titles = sorted(t.splitlines()[0] for t in chat.slack_texts())
    assert titles == ["*Forecast resolved*", "*Lead change on FrontierSWE*", "*New forecast*"]
    listing = (await chat.discord_run("forecasts", {"status": "hit"})).text()
    assert "China passes Opus on FrontierSWE" in listing


async def test_the_window_ending_resolves_it_as_missed(chat: Chat) -> None:
    await chat.discord_run("subscribe", {"topics": "forecasts"})
    await chat.curator(
        "admin forecast add",
        forecast(
            "China reaches 30 on SWE-Marathon", "2027-03", "best CN score on SWE-Marathon >= 30"
        ),
    )
    scheduler = chat.scheduler()
    await scheduler.start()
    try:
        deadline = datetime(2027, 4, 1, tzinfo=UTC)  # the day after the window
        assert f"deadline:{deadline.isoformat()}" in scheduler.jobs
        chat.clock.set(deadline - timedelta(seconds=1))
        await scheduler.tick()
        assert "missed" not in (await chat.discord_run("forecasts")).text()
        chat.clock.set(deadline)
        await scheduler.tick()
        await chat.deliver()
    finally:
        scheduler.shutdown()

    resolved = chat.discord_texts(chat.channel)[-1]
    assert resolved.startswith("Forecast resolved")
    assert "missed: China reaches 30 on SWE-Marathon" in resolved
    assert "window ended 2027-03-31; not yet: GLM-5.2 13.0 vs 30" in resolved
    listing = (await chat.discord_run("forecasts", {"status": "missed"})).text()
    assert "China reaches 30 on SWE-Marathon" in listing
