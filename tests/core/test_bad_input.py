"""Bad input gets a clear message saying how to write it, and writes nothing (SPEC §6)."""

import shlex
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.core.caller import CONSOLE_CALLER
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import Ask

SCORE = "/admin score add GLM-5.2 FrontierSWE {value} source:{source} date:{date}"
GOOD = {"value": "75.0", "source": "https://example.org/a", "date": "2026-11-01"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "174.4"}, "FrontierSWE scores run from 0 to 100 (points); 174.4 is outside"),
        ({"value": "-1"}, "-1 is outside"),
        ({"value": "nan"}, "must be a finite number such as 74.4"),
        ({"value": "inf"}, "must be a finite number"),
        ({"value": "seventy"}, "must be a number such as 74.4, not `seventy`"),
        ({"date": "2026-13-45"}, "write 2026-06-15, 2026-06 or 2026-Q2"),
        ({"date": "yesterday"}, "is not a date I can read"),
        ({"date": "2027-01-01"}, "is in the future"),
        ({"date": "2026-11"}, "must be a day"),
        ({"source": "javascript:alert(1)"}, "must be an http(s) URL"),
        ({"source": "ftp://example.org/x"}, "must be an http(s) URL"),
        ({"source": "x" * 600}, "the limit is 500"),
    ],
)
async def test_bad_score_is_refused_and_nothing_is_written(
    ask: Ask, db: Database, changes: dict[str, str], message: str
) -> None:
    before = await snapshot(db)
    reply = await ask(SCORE.format(**(GOOD | changes)))
    assert reply.is_error and reply.ephemeral
    assert message in reply.body
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/admin score add GLM-5.9 FrontierSWE 75 source:https://e.org", "Did you mean GLM-5.2"),
        ("/admin score add GLM-5.2 FrontierSW 75 source:https://e.org", "Did you mean FrontierSWE"),
        (
            "/admin model add " + "K" * 101 + " org:Anthropic",
            "101 characters long; the limit is 100",
        ),
        ("/admin model add Kimi org:Unknown", "give its country too"),
        ("/admin model add Kimi org:Anthropic country:CN", "different country"),
        ("/admin model add Kimi org:Newco country:XX", "two-letter ISO country code"),
        ("/admin model add GLM-5.2 org:Anthropic", "already exists"),
        ("/admin model add --- org:Anthropic", "no letters or digits"),
        ("/admin model add Kimi org:Anthropic weights:half", "one of open, closed"),
        ("/admin model add Kimi org:Anthropic aliases:GLM-5.2", "already belongs"),
        ("/admin model edit GLM-5.2", "Nothing to change"),
        ("/admin forecast add who:x claim:y window:2027-Q5 source:https://e.org", "window start"),
        (
            "/admin forecast add who:x claim:y window:2027-03..2027-01 source:https://e.org",
            "ends before it starts",
        ),
        ("/admin forecast resolve 99 hit", "no forecast #99"),
        ("/admin benchmark add B min:10 max:5", "must be below max"),
        ("/leaderboard FrontierSWE limit:500", "between 1 and 50"),
        ("/gap GLM-5.2 glm5.2", "two different models"),
    ],
)
async def test_bad_command_is_refused_and_nothing_is_written(
    ask: Ask, db: Database, line: str, message: str
) -> None:
    before = await snapshot(db)
    reply = await ask(line)
    assert message in reply.body, reply
    assert await snapshot(db) == before


async def test_a_pair_with_no_shared_benchmark_is_said_plainly(ask: Ask) -> None:
    reply = await ask("/gap GLM-5.2 GPT-5.5-Cyber")
    assert not reply.is_error
    assert "no benchmark in common" in reply.body


async def test_mentions_in_names_stay_text(ask: Ask) -> None:
    await ask('/admin model add "@everyone" org:Anthropic')
    reply = await ask("/model @everyone")
    assert reply.title.startswith("@everyone (Anthropic")


WORDS = st.sampled_from(
    [
        "/gap",
        "/race",
        "/leaderboard",
        "/model",
        "/sources",
        "/forecasts",
        "/help",
        "/admin",
        "score",
        "add",
        "model",
        "edit",
        "forecast",
        "resolve",
        "undo",
        "GLM-5.2",
        "Opus-4.8",
        "FrontierSWE",
        "value:",
        "source:",
        "date:",
        "nan",
        "1e999",
        "-0",
        '"',
        "'",
        "\\",
        ":",
        "limit:0",
        "country:CN",
        "2026-02-30",
        "https://x.org",
        "\x00",
        "@here",
        "<!channel>",
    ]
)
LINES = st.lists(
    st.one_of(WORDS, st.text(string.printable + "“”é中", max_size=12)), max_size=8
).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=LINES)
async def test_no_line_however_malformed_crashes_or_half_writes(
    dispatcher: Dispatcher, db: Database, line: str
) -> None:
    before = await snapshot(db)
    reply = await dispatcher.run_line(line, CONSOLE_CALLER)
    assert "something went wrong" not in reply.body, (line, reply.body)
    if reply.is_error:
        assert await snapshot(db) == before, line


ANY_CHARACTER = st.characters(exclude_categories=())  # every category, lone surrogates too
NUMBERS = st.one_of(
    st.integers(-(2**80), 2**80).map(str),
    st.sampled_from(["2147483648", "-2147483649", "9223372036854775808", "1_0", "１０", "٣", "²"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
STARTS = st.sampled_from(
    [
        "/admin undo",
        "/admin forecast resolve",
        "/admin audit limit:",
        "/leaderboard FrontierSWE limit:",
        "/admin score add GLM-5.2 FrontierSWE",
        "/admin score add GLM-5.2 FrontierSWE 50 source:https://e.org/a stderr:",
        "/admin model add",
        "/admin benchmark add",
        "/admin benchmark add X unit:",
        "/gap",
        "/model",
        "/subscriptions why",
    ]
)
VALUES = st.one_of(
    NUMBERS,
    st.text(ANY_CHARACTER, max_size=20),
    st.text(ANY_CHARACTER, min_size=95, max_size=1100),  # around and over every length limit
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=STARTS, values=st.lists(VALUES, min_size=1, max_size=3))
async def test_numbers_any_character_and_overlong_values_are_refused_cleanly(
    dispatcher: Dispatcher, db: Database, start: str, values: list[str]
) -> None:
    line = start + ("" if start.endswith(":") else " ") + " ".join(shlex.quote(v) for v in values)
    before = await snapshot(db)
    reply = await dispatcher.run_line(line, CONSOLE_CALLER)
    assert "something went wrong" not in reply.body, (line, reply.body)
    if reply.is_error:
        assert await snapshot(db) == before, line
