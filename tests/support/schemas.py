"""JSON Schemas of the interactive payloads the bot sends, from the platforms' published docs.

Discord: message components (action rows of buttons) and modals with text inputs
(discord.com/developers/docs/components/reference, .../interactions/receiving-and-responding).
Slack: Block Kit `actions` blocks with `button` elements, and `modal` views with `input` blocks
holding a `plain_text_input` (api.slack.com/reference/block-kit/blocks, .../block-elements,
.../surfaces/views). The fakes refuse what does not conform, as the platforms do (Discord:
400 "Invalid Form Body"; Slack: `invalid_blocks`), so every test checks what the bot sends.
"""

from __future__ import annotations

from typing import Any

import jsonschema


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": limit}


DISCORD_BUTTON: dict[str, Any] = {
    "type": "object",
    "required": ["type", "style"],
    "properties": {
        "type": {"const": 2},
        "style": {"enum": [1, 2, 3, 4, 5, 6]},
        "label": {"type": "string", "maxLength": 80},
        "custom_id": _text(100),
        "url": {"type": "string", "format": "uri"},
        "disabled": {"type": "boolean"},
        "id": {"type": "integer"},
        "emoji": {"type": "object"},
        "sku_id": {"type": "string"},
    },
    "additionalProperties": False,
    "if": {"properties": {"style": {"enum": [1, 2, 3, 4]}}},
    "then": {"required": ["custom_id"], "not": {"required": ["url"]}},
}
DISCORD_TEXT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["type", "custom_id", "style"],
    "properties": {
        "type": {"const": 4},
        "custom_id": _text(100),
        "style": {"enum": [1, 2]},
        "label": {"type": "string", "maxLength": 45},
        "min_length": {"type": "integer", "minimum": 0, "maximum": 4000},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 4000},
        "required": {"type": "boolean"},
        "value": {"type": "string", "maxLength": 4000},
        "placeholder": {"type": "string", "maxLength": 100},
        "id": {"type": "integer"},
    },
    "additionalProperties": False,
}


def _row(item: dict[str, Any], most: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "components"],
        "properties": {
            "type": {"const": 1},
            "id": {"type": "integer"},
            "components": {"type": "array", "minItems": 1, "maxItems": most, "items": item},
        },
        "additionalProperties": False,
    }


DISCORD_MESSAGE_COMPONENTS: dict[str, Any] = {
    "type": "array",
    "maxItems": 5,
    "items": _row(DISCORD_BUTTON, 5),
}
DISCORD_MODAL: dict[str, Any] = {
    "type": "object",
    "required": ["custom_id", "title", "components"],
    "properties": {
        "custom_id": _text(100),
        "title": _text(45),
        "components": {
            "type": "array",
            "minItems": 1,
            "maxItems": 5,
            "items": _row(
                {**DISCORD_TEXT_INPUT, "required": ["type", "custom_id", "style", "label"]}, 1
            ),
        },
    },
    "additionalProperties": False,
}


def _plain(limit: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "text"],
        "properties": {
            "type": {"const": "plain_text"},
            "text": _text(limit),
            "emoji": {"type": "boolean"},
        },
        "additionalProperties": False,
    }


SLACK_BUTTON: dict[str, Any] = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {
        "type": {"const": "button"},
        "text": _plain(75),
        "action_id": _text(255),
        "value": {"type": "string", "maxLength": 2000},
        "url": {"type": "string", "maxLength": 3000},
        "style": {"enum": ["primary", "danger"]},
        "confirm": {"type": "object"},
        "accessibility_label": _text(75),
    },
    "additionalProperties": False,
}
SLACK_ACTIONS: dict[str, Any] = {
    "type": "object",
    "required": ["type", "elements"],
    "properties": {
        "type": {"const": "actions"},
        "block_id": _text(255),
        "elements": {"type": "array", "minItems": 1, "maxItems": 25, "items": SLACK_BUTTON},
    },
    "additionalProperties": False,
}
SLACK_PLAIN_TEXT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"const": "plain_text_input"},
        "action_id": _text(255),
        "initial_value": {"type": "string"},
        "multiline": {"type": "boolean"},
        "min_length": {"type": "integer", "minimum": 0, "maximum": 3000},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 3000},
        "placeholder": _plain(150),
        "focus_on_load": {"type": "boolean"},
    },
    "additionalProperties": False,
}
SLACK_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["type", "label", "element"],
    "properties": {
        "type": {"const": "input"},
        "label": _plain(2000),
        "element": SLACK_PLAIN_TEXT_INPUT,
        "block_id": _text(255),
        "hint": _plain(2000),
        "optional": {"type": "boolean"},
        "dispatch_action": {"type": "boolean"},
    },
    "additionalProperties": False,
}
SLACK_BLOCKS: dict[str, Any] = {
    "type": "array",
    "maxItems": 50,
    "items": {
        "type": "object",
        "required": ["type"],
        "if": {"properties": {"type": {"const": "actions"}}},
        "then": SLACK_ACTIONS,
    },
}
SLACK_MODAL: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "blocks"],
    "properties": {
        "type": {"const": "modal"},
        "title": _plain(24),
        "submit": _plain(24),
        "close": _plain(24),
        "blocks": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "anyOf": [SLACK_INPUT, {"properties": {"type": {"enum": ["section", "context"]}}}]
            },
        },
        "private_metadata": {"type": "string", "maxLength": 3000},
        "callback_id": _text(255),
        "clear_on_close": {"type": "boolean"},
        "notify_on_close": {"type": "boolean"},
        "external_id": _text(255),
    },
    "additionalProperties": False,
}


def problem(data: Any, schema: dict[str, Any]) -> str | None:
    """Why `data` does not conform to `schema` (the first error), or None when it does."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{where or '(root)'}: {error.message}"
