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
