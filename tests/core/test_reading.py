"""Reading commands, as a conversation with the console on the bundled dataset."""

from pathlib import Path

from commands.core.catalog import REGISTRY
from tests.support.processes import racewatch
from tests.support.world import MEMBER, Ask


async def test_gap_shows_every_shared_benchmark_with_both_scores_and_differences(ask: Ask) -> None:
    reply = await ask("/gap GLM-5.2 Opus-4.8")
    assert not reply.is_error
    assert reply.table is not None
    rows = {row[0]: row for row in reply.table.rows}
    # benchmark, GLM-5.2, Opus-4.8, gap in points, gap in % (of the trailing score), leader
    assert rows["FrontierSWE"] == ("FrontierSWE", "74.4", "75.1", "0.7", "0.9", "Opus-4.8")
    assert rows["PostTrainBench"] == ("PostTrainBench", "34.3", "37.2", "2.9", "8.5", "Opus-4.8")
    assert rows["SWE-Marathon"] == ("SWE-Marathon", "13.0", "26.0", "13.0", "100.0", "Opus-4.8")
    assert "Opus-4.8 on 3 of 3" in reply.body
    assert "largest gap 13.0 on SWE-Marathon" in reply.body
    # 0.7 + 2.9 + 13.0 = 16.6 / 3 = 5.53
    assert "mean gap 5.53 points in favour of Opus-4.8" in reply.body
    assert "GLM-5.2 released 2026-06-15" in reply.footer
    assert "release date of Opus-4.8 unknown" in reply.footer


async def test_gap_names_are_forgiving(ask: Ask) -> None:
    reply = await ask('/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE')
    assert reply.table is not None
    assert [row[0] for row in reply.table.rows] == ["FrontierSWE"]
    assert reply.title.startswith("GLM-5.2 (CN) vs Opus-4.8 (US)")


async def test_gap_lag_once_release_dates_are_known(ask: Ask) -> None:
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    reply = await ask("/gap GLM-5.2 Opus-4.8 benchmark:FrontierSWE")
    # US first reached 74.4 on 2026-03-01 (Opus-4.8); GLM-5.2 came 106 days later: 3.5 months.
    text = reply.plain_text()
    assert "GLM-5.2 is 3.5 months behind US" in text
    assert "3.5 months apart" in reply.footer


async def test_gap_lag_is_set_by_the_first_rival_to_reach_the_trailing_score(ask: Ask) -> None:
    await ask("/admin model edit Opus-4.8 released:2026-03-01")
    for name, released, score in (
        ("Weak-US", "released:2025-12-01", "70"),  # never reaches 74.4
        ("Early-US", "released:2026-01-10", "76"),  # the first US model to reach 74.4
        ("Mid-US", "released:2026-01-20", "77"),
        ("Later-US", "released:2026-02-01", "80"),
        ("Undated-US", "", "78"),  # reaches it, date unknown: named, not guessed
    ):
        await ask(f"/admin model add {name} org:Anthropic {released}")
        await ask(f"/admin score add {name} FrontierSWE {score} source:https://example.org/x")
    text = (await ask("/gap GLM-5.2 Opus-4.8 benchmark:FrontierSWE")).plain_text()
    # 2026-01-10 to GLM-5.2's 2026-06-15: 156 days, 5.1 months
    assert "GLM-5.2 is 5.1 months behind US (Early-US reached that score on 2026-01-10" in text
    assert "release date of Undated-US unknown" in text
    # Same country: the trailing model is not its own rival; Mid-US is the first other.
    text = (await ask("/gap Later-US Early-US")).plain_text()
    assert (
        "Early-US was 0.3 months ahead of the rest of US (Mid-US matched it only on 2026-01-20"
        in text
    )


async def test_unknown_model_suggests_the_closest_names(ask: Ask) -> None:
    reply = await ask("/gap GLM-5.3 Opus-4.8")
    assert reply.is_error and reply.ephemeral
    assert "I don't know the model `GLM-5.3`" in reply.body
    assert "GLM-5.2" in reply.body


async def test_race_gives_the_us_china_summary(ask: Ask) -> None:
    reply = await ask("/race")
    assert "US leads CN on 3 of 3 benchmarks" in reply.body
    assert reply.table is not None
    leaders = {row[0]: row[2] for row in reply.table.rows if row[4] == "leads"}
    assert leaders == {
        "FrontierSWE": "Opus-4.8",
        "PostTrainBench": "Opus-4.8",
        "SWE-Marathon": "Opus-4.8",
    }
    assert any("US leads CN by 0.7 points" in line for line in reply.extra)


async def test_race_on_one_benchmark(ask: Ask) -> None:
    reply = await ask("/race FrontierSWE")
    assert reply.table is not None
    assert [(r[1], r[2], r[3]) for r in reply.table.rows] == [
        ("US", "Opus-4.8", "75.1"),
        ("CN", "GLM-5.2", "74.4"),
    ]
    assert reply.table.rows[0][4] == "leads"
    assert any(line.startswith("FrontierSWE: US leads CN by 0.7 points") for line in reply.extra)


async def test_leaderboard_filters(ask: Ask) -> None:
    reply = await ask("/leaderboard FrontierSWE")
    assert reply.table is not None
    assert [r[1] for r in reply.table.rows] == ["Opus-4.8", "GLM-5.2", "GPT-5.5"]
    reply = await ask("/leaderboard FrontierSWE country:CN limit:5")
    assert reply.table is not None
    assert [r[1] for r in reply.table.rows] == ["GLM-5.2"]
    reply = await ask("/leaderboard frontier-swe open-only limit:1")
    assert reply.table is not None
    assert [(r[1], r[4]) for r in reply.table.rows] == [("GLM-5.2", "◦")]  # open weights


async def test_model_card(ask: Ask) -> None:
    reply = await ask("/model glm 5.2")
    fields = {f.name: f.value for f in reply.fields}
    assert fields["Organization"] == "Zhipu AI"
    assert fields["Released"] == "2026-06-15"
    assert fields["Size"] == "753B parameters"
    assert fields["Context"] == "1,000,000 tokens"
    assert fields["Licence"] == "MIT"
    assert reply.table is not None and len(reply.table.rows) == 3
    assert "wallstreetcn" in reply.footer


async def test_withdrawn_model_shows_its_access_note(ask: Ask) -> None:
    reply = await ask('/model "fable 5"')
    access = next(f.value for f in reply.fields if f.name == "Access")
    assert access.startswith("withdrawn (US Department of Commerce export controls")


async def test_sources_flag_disagreement(ask: Ask) -> None:
    assert "single value" in (await ask("/sources GLM-5.2")).body
    await ask(
        "/admin score add GLM-5.2 FrontierSWE 73.9 source:https://example.org/b date:2026-11-01"
    )
    reply = await ask("/sources GLM-5.2 FrontierSWE")
    assert "Sources disagree on FrontierSWE" in reply.body
    assert reply.table is not None
    current = [r for r in reply.table.rows if r[3] == "yes"]
    assert [r[1] for r in current] == ["73.9"]  # the newest report is current
    assert len(reply.table.rows) == 2  # the older one is kept, not overwritten


async def test_forecasts_show_days_left(ask: Ask) -> None:
    reply = await ask("/forecasts open")
    assert reply.table is not None
    by_who = {r[1]: r[3] for r in reply.table.rows}
    assert by_who["Teortaxes"] == "38 days left"  # 2026-11-23 -> 2026-12-31
    assert by_who["Elon Musk"] == "opens in 39 days"  # -> 2027-01-01


async def test_help_lists_every_command_and_each_example_runs(ask: Ask) -> None:
    listing = (await ask("/help")).body
    for command in REGISTRY:
        if command.path[0] != "admin":
            assert f"/{command.name}" in listing
    for command in REGISTRY:
        detail = await ask(f"/help {command.name}")
        assert not detail.is_error, command.name
        for example in command.examples:
            reply = await ask(example)
            if reply.is_error:  # state may refuse it (undo twice), the syntax never
                assert not any(
                    w in reply.body
                    for w in ("Usage:", "no command", "something went wrong", "not a date")
                ), example


async def test_members_can_read(ask: Ask) -> None:
    assert not (await ask("/race", as_=MEMBER)).is_error


async def test_help_on_the_console_marks_what_only_a_channel_can_run(ask: Ask) -> None:
    listing = (await ask("/help", MEMBER)).body.splitlines()
    subscribe = next(line for line in listing if line.startswith("`/subscribe"))
    gap = next(line for line in listing if line.startswith("`/gap"))
    assert "[Discord and Slack channels only]" in subscribe
    assert "channels only" not in gap


async def test_the_console_prints_no_chat_markup(tmp_path: Path) -> None:
    done = racewatch("ask", "/help", cwd=tmp_path)
    assert done.returncode == 0
    assert "`" not in done.stdout and "/gap model_a model_b [benchmark]" in done.stdout
