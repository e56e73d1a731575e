"""Who is who on the fake Slack, the settings pointed at it, and reading its messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.config import Settings
from tests.support.fakes.slack_server import FakeSlack

SIGNING_SECRET = "fake-signing-secret-8f2e"
CURATOR = "U0CURATOR"
ADMIN = "U0ADMIN"
LISTED_MANAGER = "U0MANAGER"
READER = "U0READER"
SCORE_ADD = "score add GPT-5.5 FrontierSWE 76.5 source:https://example.org/gpt date:2026-11-20"

StartSlack = Callable[..., Any]


def slack_settings(fake: FakeSlack, *, socket_mode: bool = False, **extra: Any) -> Settings:
    """Settings as the operator would write them, pointed at the fake."""
    values: dict[str, Any] = {
        "slack_bot_token": fake.bot_token,
        "slack_api_base_url": fake.api_url,
        "slack_host": "127.0.0.1",
        "slack_port": 0,
        "slack_curator_ids": CURATOR,
        "slack_channel_manager_ids": LISTED_MANAGER,
    }
    if socket_mode:
        values["slack_app_token"] = fake.app_token
    else:
        values["slack_signing_secret"] = SIGNING_SECRET
    values |= extra
    return Settings(_env_file=None, **values)


def all_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Each text in Block Kit blocks, in order: sections, their fields, context elements."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])]
        for element in block.get("elements", []):  # context texts; buttons' labels
            text = element.get("text", "")
            out.append(text["text"] if isinstance(text, dict) else text)
    return out


def texts(message: dict[str, Any]) -> str:
    """Every text in a Block Kit message, joined (what a reader would see)."""
    return "\n".join(all_texts(message.get("blocks") or []))


def table_rows(message: dict[str, Any]) -> list[list[str]]:
    """The monospace table's rows as cells (columns are separated by two or more spaces)."""
    rows: list[list[str]] = []
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "")
        if text.startswith("```"):
            rows += [line.split() for line in text.strip("`\n").split("\n")]
    return rows


def row(message: dict[str, Any], first: str) -> list[str]:
    """The table row that starts with `first`; fails showing what was answered instead."""
    found = [r for r in table_rows(message) if r and r[0] == first]
    assert found, f"no {first} row in: {texts(message)}"
    return found[0]
