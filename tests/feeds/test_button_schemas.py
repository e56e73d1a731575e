"""The buttons and forms the bot sends conform to Discord's and Slack's published schemas
(tests/support/schemas.py, which the fakes also enforce), and the schemas catch mistakes."""

from __future__ import annotations

from typing import Any

from bot.platforms.discord.buttons import modal_of, view_of
from bot.platforms.slack.buttons import modal_view
from bot.platforms.slack.render import render
from commands.core.reply import Button, Form, FormField, Reply
from tests.support.schemas import (
    DISCORD_MESSAGE_COMPONENTS,
    DISCORD_MODAL,
    SLACK_BLOCKS,
    SLACK_MODAL,
    problem,
)

LONG = "x" * 120
QUEUE = Reply(
    title="Review queue: 6 pending",
    body="#1 ...",
    buttons=tuple(
        (
            Button(f"Approve #{n}", f"/admin review approve {n}", "primary"),
            Button(f"Edit #{n}", f"/admin review edit {n}"),
            Button(f"Reject #{n} {LONG}", f"/admin review reject {n}", "danger"),
        )
        for n in range(1, 7)
    ),
    refresh="/admin review",
)
FORM = Form(
    "Edit and approve #12345 (a long title)",
    "/admin review approve 12345",
    (FormField("name", "Model name " + LONG, "Qwen4-72B"), FormField("org", "Organization")),
    submit="Approve",
)


def discord_components(reply: Reply) -> list[dict[str, Any]]:
    view = view_of(reply)
    assert view is not None
    return view.to_components()


def test_discord_buttons_and_modal_conform_within_the_limits() -> None:
    rows = discord_components(QUEUE)
    assert problem(rows, DISCORD_MESSAGE_COMPONENTS) is None
    assert len(rows) == 5  # Discord's limit: the sixth proposal has no buttons
    modal = modal_of(FORM, "/admin review")
    assert modal is not None
    assert problem(modal.to_dict(), DISCORD_MODAL) is None


def test_slack_actions_and_modal_conform_within_the_limits() -> None:
    blocks = render(QUEUE).blocks
    assert problem(blocks, SLACK_BLOCKS) is None
    assert sum(b["type"] == "actions" for b in blocks) == 5
    assert problem(modal_view(FORM, {"refresh": "/admin review"}), SLACK_MODAL) is None


def test_the_schemas_refuse_what_the_platforms_refuse() -> None:
    button = {"type": 2, "style": 1, "label": "Approve", "custom_id": "x" * 101}
    assert problem([{"type": 1, "components": [button]}], DISCORD_MESSAGE_COMPONENTS)
    row = {"type": 1, "components": [dict(button, custom_id="ok")]}
    assert problem([row] * 6, DISCORD_MESSAGE_COMPONENTS)  # six rows
    assert problem({"custom_id": "m", "title": "t" * 46, "components": []}, DISCORD_MODAL)
    slack_button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "style": "red"}
    assert problem([{"type": "actions", "elements": [slack_button]}], SLACK_BLOCKS)
    view = modal_view(FORM, {})
    assert problem(dict(view, title={"type": "plain_text", "text": "t" * 25}), SLACK_MODAL)
