"""Buttons and forms on Slack: a reply's buttons as Block Kit `actions` blocks, its form as a
modal (`views.open`), and the Bolt listeners for the clicks (`block_actions`) and the modal's
submission (`view_submission`).

A button's `value` carries what the click runs and the command that refreshes the message,
so nothing is kept in memory. A click runs as the person who clicked, through the dispatcher
(a refusal is answered to them alone and changes nothing); when it did something, the
message is replaced (through the click's response_url) by its command's fresh answer under
"Approved #12 by alice", so the decided proposal's buttons are gone.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.platforms.slack.handlers import caller_from, run_command, target_command
from bot.platforms.slack.render import ACTION, Block, render
from bot.platforms.slack.roles import WorkspaceRoles
from commands.core.dispatch import Dispatcher
from commands.core.reply import Form, FormField, after_click

log = logging.getLogger(__name__)

FORM_CALLBACK = "racewatch_form"
TITLE, INPUT_LABEL = 24, 2000


def modal_view(form: Form, metadata: dict[str, str]) -> dict[str, Any]:
    """The form as a modal of prefilled plain-text inputs, all optional."""
    blocks = []
    for field in form.fields:
        element: Block = {"type": "plain_text_input", "action_id": field.name}
        if field.value:
            element["initial_value"] = field.value
        blocks.append(
            {
                "type": "input",
                "block_id": f"field_{field.name}",
                "optional": True,
                "label": {"type": "plain_text", "text": field.label[:INPUT_LABEL]},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": {"type": "plain_text", "text": form.title[:TITLE]},
        "submit": {"type": "plain_text", "text": form.submit[:TITLE]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"command": form.command, **metadata}),
        "blocks": blocks,
    }


def _who(body: dict[str, Any], channel_id: str) -> dict[str, Any]:
    """A click's or submission's person, in the fields `caller_from` reads."""
    user = body.get("user") or {}
    return {
        "user_id": user.get("id", ""),
        "user_name": user.get("username") or user.get("name") or user.get("id", ""),
        "team_id": (body.get("team") or {}).get("id") or user.get("team_id", ""),
        "channel_id": channel_id,
    }


class Clicks:
    """The Bolt listeners for our buttons and forms."""

    def __init__(self, dispatcher: Dispatcher, roles: WorkspaceRoles) -> None:
        self.dispatcher = dispatcher
        self.roles = roles

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{ACTION}_"))(self.on_click)
        app.view(FORM_CALLBACK)(self.on_submit)

    async def on_click(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value = json.loads(str((body.get("actions") or [{}])[0].get("value") or "{}"))
        channel = str((body.get("channel") or {}).get("id") or "")
        meta = {
            "refresh": str(value.get("refresh", "")),
            "response_url": body.get("response_url", ""),
            "channel": channel,
        }
        await self._run(
            client, str(value.get("run", "")), _who(body, channel), meta, body.get("trigger_id")
        )

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()  # closes the modal; the answer goes to the message the click was on
        view = body.get("view") or {}
        meta = json.loads(str(view.get("private_metadata") or "{}"))
        given: dict[str, str] = {}
        for block in ((view.get("state") or {}).get("values") or {}).values():
            for action_id, state in block.items():
                given[action_id] = str(state.get("value") or "")
        line = Form("", str(meta.get("command", "")), tuple(FormField(k, k) for k in given)).line(
            given
        )
        await self._run(client, line, _who(body, str(meta.get("channel", ""))), meta, None)

    async def _run(
        self,
        client: AsyncWebClient,
        line: str,
        who: dict[str, Any],
        meta: dict[str, str],
        trigger_id: str | None,
    ) -> None:
        answer = AsyncWebhookClient(meta["response_url"]) if meta.get("response_url") else None
        try:
            caller = await caller_from(
                who, target_command(self.dispatcher.registry, line), self.roles
            )
            done = await run_command(self.dispatcher, client, line, caller)
            if done.form is not None and not done.is_error and trigger_id:
                await client.views_open(trigger_id=trigger_id, view=modal_view(done.form, meta))
                return
            if answer is None:
                return
            if done.is_error or not meta.get("refresh"):
                shown = render(done)
                await answer.send(
                    text=shown.text,
                    blocks=shown.blocks,
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            fresh = await self.dispatcher.run_line(meta["refresh"], caller)
            shown = render(after_click(fresh, done, caller.display_name))
            await answer.send(text=shown.text, blocks=shown.blocks, replace_original=True)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s: Slack click %r failed", incident, line)
            if answer is not None:
                text = f"Sorry, something went wrong on our side (incident {incident})."
                await answer.send(text=text, response_type="ephemeral", replace_original=False)
