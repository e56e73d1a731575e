"""Golden renders of the new replies, as Discord (embed) and Slack (Block Kit) show them.

After a deliberate change: `RACEWATCH_UPDATE_GOLDEN=1 scripts/test tests/slash` and review
the diff of tests/slash/golden/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.platforms.discord.render import render as discord_render
from bot.platforms.slack.render import render as slack_render
from commands.core.reply import Reply
from tests.support.world import MEMBER, Ask

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("RACEWATCH_UPDATE_GOLDEN") == "1"
LINES = [
    "/race",
    "/race open",
    "/gap CN US",
    "/benchmarks",
    "/models country:China",
    "/news GLM-5.2",
    "/timeline GLM-5.2",
    "/forecasts",
    "/sources GLM-5.2",
]


def rendered(reply: Reply) -> dict[str, Any]:
    discord = discord_render(reply)
    slack = slack_render(reply)
    return {
        "discord": {
            "embed": discord.embed.to_dict() if discord.embed is not None else None,
            "content": discord.content,
        },
        "slack": {"text": slack.text, "blocks": slack.blocks},
    }


@pytest.mark.parametrize("line", LINES)
async def test_new_replies_match_their_golden_renders(ask: Ask, line: str) -> None:
    reply = await ask(line, MEMBER)
    assert not reply.is_error, reply.body
    data = rendered(reply)
    path = GOLDEN / (re.sub(r"[^a-z0-9]+", "_", line.lower()).strip("_") + ".json")
    if UPDATE:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert data == json.loads(path.read_text(encoding="utf-8")), (
        f"{path} differs (RACEWATCH_UPDATE_GOLDEN=1 rewrites it)"
    )


STEPS = [  # in order, as the console curator: (golden name, line)
    ("score_replaced", "/admin score add GLM-5.2 FrontierSWE 75 source:https://example.org/x"),
    (
        "forecast_added",
        '/admin forecast add who:"Li Wei" claim:"CN leads SWE-Marathon" window:2027 '
        "source:https://example.org/li",
    ),
    (
        "forecast_duplicate",
        '/admin forecast add who:"Li Wei" claim:"CN leads SWE-Marathon" window:2027 '
        "source:https://example.org/li",
    ),
    ("forecast_resolve_early", "/admin forecast resolve 2 missed"),
    ("race_as_of", "/race as_of:2026-07-01"),
    ("race_one_benchmark", "/race FrontierSWE"),
    ("leaderboard", "/leaderboard FrontierSWE"),
    ("help", "/help"),
    ("mistyped_command", "/leaderbord FrontierSWE"),
    ("unknown_model", "/model DeepSeek"),
    ("admin_audit", "/admin audit"),
]


async def test_a_curators_conversation_matches_its_golden_renders(ask: Ask) -> None:
    """Curation answers (a replaced score, a duplicate forecast, an early resolution) and
    mistakes (a mistyped command, an unknown name) as each platform shows them."""
    for name, line in STEPS:
        data = rendered(await ask(line))
        path = GOLDEN / f"conversation_{name}.json"
        if UPDATE:
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        assert data == json.loads(path.read_text(encoding="utf-8")), (
            f"{path} differs (RACEWATCH_UPDATE_GOLDEN=1 rewrites it)"
        )
