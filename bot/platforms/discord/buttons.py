"""A reply's buttons as message components, and its form as a modal (Discord's limits kept).

A button's `custom_id` carries what the click runs and the command that refreshes the message
(`rw|/admin review approve 12|/admin review`), so a click is served after a restart too, with
nothing kept in memory; a modal's carries the command its answers complete. The views are
stopped before sending: clicks reach `clicks.Clicks`, not discord.py's view store.
"""

from __future__ import annotations

from typing import Any

import discord

from commands.core.reply import Form, Reply

CLICK, FORM = "rw", "rwf"
SEP = "|"
MAX_ROWS = MAX_IN_ROW = 5  # action rows a message, buttons a row
LABEL, CUSTOM_ID, TITLE, INPUT_LABEL, INPUT_VALUE = 80, 100, 45, 45, 4000
MAX_INPUTS = 5
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "secondary": discord.ButtonStyle.secondary,
}


def custom_id(kind: str, command: str, refresh: str) -> str | None:
    """`kind|command|refresh`, or None when it would not fit Discord's 100 characters."""
    if SEP in command or SEP in refresh:
        return None
    made = SEP.join((kind, command, refresh))
    return made if len(made) <= CUSTOM_ID else None


def parse_id(value: str) -> tuple[str, str, str] | None:
    """(kind, command, refresh) of one of our custom_ids; None for anything else."""
    parts = value.split(SEP)
    if len(parts) != 3 or parts[0] not in (CLICK, FORM) or not parts[1].startswith("/"):
        return None
    return parts[0], parts[1], parts[2]


def view_of(reply: Reply) -> discord.ui.View | None:
    """The reply's buttons in rows (None when it has none)."""
    if not reply.buttons or reply.is_error:
        return None
    view = discord.ui.View(timeout=None)
    for row, buttons in enumerate(reply.buttons[:MAX_ROWS]):
        for button in buttons[:MAX_IN_ROW]:
            made = custom_id(CLICK, button.command, reply.refresh)
            if made is None:
                continue
            style = STYLES.get(button.style, discord.ButtonStyle.secondary)
            view.add_item(
                discord.ui.Button(label=button.label[:LABEL], style=style, custom_id=made, row=row)
            )
    view.stop()  # sent, never stored: clicks are served by custom_id
    return view if view.children else None


def modal_of(form: Form, refresh: str) -> discord.ui.Modal | None:
    """The form as a modal of short text inputs, prefilled (None if it cannot be one)."""
    made = custom_id(FORM, form.command, refresh)
    if made is None:
        return None
    modal = discord.ui.Modal(title=form.title[:TITLE], custom_id=made, timeout=None)
    for field in form.fields[:MAX_INPUTS]:
        modal.add_item(
            discord.ui.TextInput(
                label=field.label[:INPUT_LABEL],
                custom_id=field.name,
                default=field.value[:INPUT_VALUE] or None,
                required=False,
                max_length=INPUT_VALUE,
            )
        )
    modal.stop()
    return modal


def answers(data: Any) -> dict[str, str]:
    """A modal submission's values by input: rows of inputs, or labels holding one."""
    found: dict[str, str] = {}
    for outer in (data or {}).get("components") or []:
        inner = outer.get("components") or ([outer["component"]] if "component" in outer else [])
        for item in inner:
            if isinstance(item, dict) and "custom_id" in item:
                found[str(item["custom_id"])] = str(item.get("value") or "")
    return found
