"""Clicks and modal submissions as Discord delivers them: INTERACTION_CREATE of type 3
(MESSAGE_COMPONENT, with the clicked message) and type 5 (MODAL_SUBMIT, with the values).

Usage::

    listing = await fake.interaction("admin review", user_id=CURATOR)
    click = await click_button(fake, listing, "Approve #1", user_id=CURATOR)
    await click.answered()   # click.updated: the listing was replaced; else click.reply()
    form = await click_button(fake, listing, "Edit #1", user_id=CURATOR)  # form.modal
    await submit_modal(fake, form, {"name": "Nova-1"}, user_id=CURATOR)
"""

from __future__ import annotations

from typing import Any

from tests.support.fakes import discord_payloads as p
from tests.support.fakes.discord_interactions import InteractionRecord
from tests.support.fakes.discord_server import FakeDiscord

MESSAGE_COMPONENT, MODAL_SUBMIT = 3, 5
BUTTON, TEXT_INPUT = 2, 4


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The message's buttons: label -> custom_id."""
    return {
        str(item.get("label")): str(item.get("custom_id"))
        for row in message.get("components") or []
        for item in row.get("components") or []
        if item.get("type") == BUTTON
    }


def _payload(
    fake: FakeDiscord,
    kind: int,
    data: dict[str, Any],
    message: dict[str, Any],
    user_id: str,
    user_name: str,
    permissions: int,
) -> dict[str, Any]:
    channel_id = str(message["channel_id"])
    interaction_id = p.snowflake()
    return {
        "id": interaction_id,
        "application_id": fake.app_id,
        "type": kind,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "guild_id": fake.guild_id,
        "channel_id": channel_id,
        "channel": dict(fake.channels[channel_id], permissions=str(permissions)),
        "member": p.member(p.user(user_id, user_name), permissions),
        "app_permissions": str(fake.bot_rights.get(channel_id, p.EVERYONE_PERMISSIONS)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": fake.guild_id},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
        "message": message,
        "data": data,
    }


async def _deliver(
    fake: FakeDiscord, payload: dict[str, Any], source: InteractionRecord
) -> InteractionRecord:
    record = InteractionRecord(payload)
    record.source = source
    fake.webhooks.records[record.id] = record
    await fake.gateway.dispatch("INTERACTION_CREATE", payload)
    return record


async def click_button(
    fake: FakeDiscord,
    source: InteractionRecord,
    label: str,
    *,
    user_id: str = "4000000000000000001",
    user_name: str = "Member",
    permissions: int = p.EVERYONE_PERMISSIONS,
) -> InteractionRecord:
    """Someone clicks the button `label` on the message `source` answered with (as shown now)."""
    message = (await source.reply()).payload
    found = buttons(message)
    if label not in found:
        raise LookupError(f"no button {label!r} on the message; it has {sorted(found)}")
    data = {"custom_id": found[label], "component_type": BUTTON}
    payload = _payload(fake, MESSAGE_COMPONENT, data, message, user_id, user_name, permissions)
    return await _deliver(fake, payload, source)


async def submit_modal(
    fake: FakeDiscord,
    opened: InteractionRecord,
    values: dict[str, str],
    *,
    user_id: str = "4000000000000000001",
    user_name: str = "Member",
    permissions: int = p.EVERYONE_PERMISSIONS,
) -> InteractionRecord:
    """Someone submits the modal a click opened: each input keeps its prefilled value unless
    `values` changes it."""
    await opened.answered()
    modal, source = opened.modal, opened.source
    if modal is None or source is None:
        raise LookupError("the bot opened no modal for this click")
    rows = []
    for row in modal["components"]:
        field = row["components"][0]
        value = values.get(field["custom_id"], field.get("value") or "")
        rows.append(
            {
                "type": 1,
                "components": [
                    {"type": TEXT_INPUT, "custom_id": field["custom_id"], "value": value}
                ],
            }
        )
    data = {"custom_id": modal["custom_id"], "components": rows}
    message = opened.payload["message"]
    payload = _payload(fake, MODAL_SUBMIT, data, message, user_id, user_name, permissions)
    return await _deliver(fake, payload, source)
