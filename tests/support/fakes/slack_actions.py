"""Clicks and modal submissions as Slack delivers them: a signed `payload=` form post of type
`block_actions` (the button, a fresh response_url and trigger_id) or `view_submission`
(the modal's state values), in HTTP mode; an `interactive` envelope in Socket Mode (a
`SlashCommandClient` without a request URL).

Usage::

    listing = ...  # the response_url /admin review answered on
    click = await click_button(slash, listing, "Approve #1", user_id=CURATOR)
    slack.shown(listing)                 # the message, replaced after a curator's click
    form = await click_button(slash, listing, "Edit #1", user_id=CURATOR)
    await submit_modal(slash, slack.state.views[-1], {"name": "Nova-1"}, user_id=CURATOR)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.support.fakes.slack_requests import SlashCommandClient, sign


@dataclass
class Delivered:
    """The app's HTTP answer (its ack) and the response_url the click came with."""

    status: int
    body: str
    response_url: str = ""
    trigger_id: str = ""


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by label, each with the block it sits in."""
    found: dict[str, dict[str, Any]] = {}
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                found[element["text"]["text"]] = dict(element, block_id=block.get("block_id"))
    return found


def _user(user_id: str, user_name: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


async def _post(client: SlashCommandClient, payload: dict[str, Any]) -> tuple[int, str]:
    """Over HTTP (signed) when the app listens, else as a Socket Mode `interactive` envelope."""
    if not client.request_url:
        ack = await client.fake.socket.send_envelope("interactive", payload)
        return 200, json.dumps(ack)
    body = urlencode({"payload": json.dumps(payload)})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers |= sign(client.signing_secret, body)
    async with (
        aiohttp.ClientSession() as session,
        session.post(client.request_url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def click_button(
    client: SlashCommandClient,
    response_url: str,
    label: str,
    *,
    user_id: str = "U0READER",
    user_name: str = "reader",
    channel_id: str = "C0RACE",
    team_id: str = "T0RACE",
) -> Delivered:
    """Someone clicks the button `label` on the (ephemeral) message `response_url` posted."""
    message = client.fake.shown(response_url)
    found = buttons(message)
    if label not in found:
        raise LookupError(f"no button {label!r} on the message; it has {sorted(found)}")
    button = found[label]
    now = f"{time.time():.6f}"
    trigger_id = f"{int(time.time())}.{len(client.fake.state.calls)}.trigger"
    click_url = client.fake.click_url(response_url)
    action = {
        "type": "button",
        "action_id": button["action_id"],
        "block_id": button["block_id"],
        "text": button["text"],
        "value": button.get("value", ""),
        "action_ts": now,
        **({"style": button["style"]} if "style" in button else {}),
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": "A0RACE",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": now,
            "channel_id": channel_id,
            "is_ephemeral": True,
        },
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "racewatch"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "ai-race"},
        "state": {"values": {}},
        "response_url": click_url,
        "actions": [action],
    }
    status, text = await _post(client, payload)
    return Delivered(status, text, click_url, trigger_id)


async def submit_modal(
    client: SlashCommandClient,
    view: dict[str, Any],
    values: dict[str, str],
    *,
    user_id: str = "U0READER",
    user_name: str = "reader",
    team_id: str = "T0RACE",
) -> Delivered:
    """Someone submits a modal the app opened: each input keeps its prefilled value unless
    `values` changes it."""
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = values.get(element["action_id"], element.get("initial_value"))
        state[block["block_id"]] = {
            element["action_id"]: {"type": "plain_text_input", "value": value or None}
        }
    submitted = dict(view, state={"values": state}, team_id=team_id, app_id="A0RACE")
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "racewatch"},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": "A0RACE",
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.submit.trigger",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    status, text = await _post(client, payload)
    return Delivered(status, text)
