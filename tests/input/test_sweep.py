"""Issue 15's bad command lines on the console, Slack and Discord, on SQLite and PostgreSQL:
each a clear refusal, nothing written, no incident (docs/input.md lists what each says)."""

from __future__ import annotations

import json
from typing import Any

from commands.core.caller import CONSOLE_CALLER
from commands.core.options import Attachment
from storage.engine.db import Database
from tests.support.chat import DISCORD_CURATOR, Chat, open_chat
from tests.support.database import snapshot
from tests.support.slack_world import ADMIN, CURATOR, texts

ZW, CYRILLIC_M = "\u200b", "\u041c"
# (console line, what the refusal says); Slack gets the same text after the command
LINES = [
    (
        "/admin score add GLM-5.2 FrontierSWE 50 source:https://e.org/a stderr:-1",
        "`stderr` must be",
    ),
    ("/admin undo -5", "`entry` must be between 1 and"),
    ("/admin forecast resolve -1 hit", "must be between 1 and"),
    ("/admin undo 999999999999999999999999", "`entry` must be between 1 and"),
    ("/subscriptions why 9223372036854775808", "`why` must be between 1 and"),
    ('/admin benchmark add X unit:"milliseconds per request"', "the limit is 20"),
    ("/admin model add " + "\ufb03" * 60 + " org:Anthropic", "once written out"),
    (f"/admin model add GLM{ZW}-5.2 org:Anthropic", "The model GLM-5.2 already exists"),
    (f"/admin model add GL{CYRILLIC_M}-5.2 org:Anthropic", "The model GLM-5.2 already exists"),
    ("/admin undo 1_0", "write it with the digits 0-9"),
    ("/admin undo \uff11\uff10", "write it with the digits 0-9"),
    ("/admin score add GLM-5.2 FrontierSWE \uff17\uff15 source:https://e.org/a", "digits 0-9"),
    ("/admin score add GLM-5.2 FrontierSWE nan source:https://e.org/a", "finite number"),
    ("/admin model add Kimi-K9\u2028x org:Anthropic", "line breaks"),
]
ROW = {
    "model": "Kimi-K9",
    "organization": "Anthropic",
    "country": "US",
    "release_date": "",
    "benchmark": "FrontierSWE",
    "score": 50,
    "source": "https://e.org/a",
}
SURROGATES = json.dumps(
    {"rows": [ROW | {field: "x\ud800"} for field in ("model", "source", "organization")]}
).encode()
# Discord sends typed options, not a line
DISCORD: list[tuple[str, dict[str, Any], str]] = [
    (
        "admin score add",
        {
            "model": "GLM-5.2",
            "benchmark": "FrontierSWE",
            "value": 50,
            "source": "https://e.org/a",
            "stderr": -1,
        },
        "`stderr` must be",
    ),
    ("admin undo", {"entry": -5}, "`entry` must be between 1 and"),
    ("admin undo", {"entry": 10**24}, "`entry` must be between 1 and"),
    ("admin benchmark add", {"name": "X", "unit": "milliseconds per request"}, "limit is 20"),
    ("admin model add", {"name": "\ufb03" * 60, "org": "Anthropic"}, "once written out"),
    ("admin model add", {"name": f"GL{CYRILLIC_M}-5.2", "org": "Anthropic"}, "already exists"),
    ("admin model add", {"name": "K\ud800", "org": "Anthropic"}, "lone surrogates"),
    (
        "admin score add",
        {"model": "GLM-5.2", "benchmark": "FrontierSWE", "value": 50, "source": "x\ud800"},
        "lone surrogates",
    ),
]


async def sweep(db: Database) -> None:
    async with open_chat(db) as chat:
        await chat.slack_run("/subscribe", "leads")  # `/subscriptions why` needs one
        before = await snapshot(db)
        for line, said in LINES:
            reply = await chat.dispatcher.run_line(line, CONSOLE_CALLER)
            channel_only = line.startswith("/subscriptions")  # the console has no channel
            assert reply.is_error and (channel_only or said in reply.plain_text()), (
                line,
                reply.plain_text(),
            )
            await on_slack(chat, line, said)
        for command, options, said in DISCORD:
            answer = await chat.discord.run(
                command, options, channel_id=chat.quiet, user_id=DISCORD_CURATOR
            )
            text = answer.text()
            assert answer.ephemeral and said in text, (command, options, text)
            assert "something went wrong" not in text
        line = "/admin model add K\ud800 org:Anthropic"  # a lone surrogate: console and Discord
        reply = await chat.dispatcher.run_line(line, CONSOLE_CALLER)
        assert reply.is_error and "lone surrogates" in reply.plain_text()
        reply = await chat.dispatcher.run(
            ("admin", "import"),
            {"file": Attachment("s.json", SURROGATES), "skip_invalid": True},
            CONSOLE_CALLER,
        )
        said = reply.plain_text()
        assert said.count("contains broken characters (lone surrogates)") == 3, said
        assert "Nothing was written" in said and "something went wrong" not in said
        assert await snapshot(db) == before


async def on_slack(chat: Chat, line: str, said: str) -> None:
    root, _, rest = line[1:].partition(" ")
    user = CURATOR if root == "admin" else ADMIN
    message: dict[str, Any] = await chat.slack_run(f"/{root}", rest, user_id=user)
    text = texts(message)
    assert said in text and "something went wrong" not in text, (line, text)


async def test_the_issues_lines_on_sqlite(db: Database) -> None:
    await sweep(db)


async def test_the_issues_lines_on_postgresql(postgres: Database) -> None:
    await sweep(postgres)
