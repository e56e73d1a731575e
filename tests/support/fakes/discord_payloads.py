"""JSON objects the fake Discord sends: users, guilds, channels, members, messages, commands."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

_ids = itertools.count(1_300_000_000_000_000_000)

EVERYONE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
"""@everyone's rights: view, send, embed links, attach files, read history, use commands."""
VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES = 1 << 10, 1 << 11, 1 << 14, 1 << 15
POSTING = VIEW_CHANNEL | SEND_MESSAGES
"""Without both, posting in a channel answers 403 (50013, Missing Permissions)."""
MANAGE_CHANNELS = 1 << 4
MENTION_EVERYONE = 1 << 17
"""Mention @everyone, @here, and All Roles: the bot may ping roles that are not mentionable."""
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def snowflake() -> str:
    """A fresh id, increasing like Discord's."""
    return str(next(_ids))


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name.lower(),
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


def member(user_payload: dict[str, Any], permissions: int | None = None) -> dict[str, Any]:
    """A guild member; `permissions` (their rights in the channel) only inside interactions."""
    payload: dict[str, Any] = {
        "user": user_payload,
        "nick": None,
        "roles": [],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def channel(channel_id: str, guild_id: str, name: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild(
    guild_id: str, name: str, channels: list[dict[str, Any]], bot: dict[str, Any]
) -> dict[str, Any]:
    """A full GUILD_CREATE payload with the bot as its only cached member."""
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": snowflake(),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "preferred_locale": "en-US",
        "features": [],
        "roles": [role_everyone(guild_id)],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [member(bot)],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "joined_at": now_iso(),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def role_everyone(guild_id: str) -> dict[str, Any]:
    return role(guild_id, "@everyone")


def role(role_id: str, name: str, mentionable: bool = False) -> dict[str, Any]:
    """A guild role (a role option's resolved value; @everyone's id is the guild's). As on
    Discord, a new role grants no permission and is not mentionable until a manager says so."""
    everyone = name == "@everyone"
    return {
        "id": role_id,
        "name": name,
        "permissions": str(EVERYONE_PERMISSIONS if everyone else 0),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": mentionable and not everyone,
        "flags": 0,
    }


def application(app_id: str, owner: dict[str, Any]) -> dict[str, Any]:
    """GET /oauth2/applications/@me."""
    return {
        "id": app_id,
        "name": "Racewatch (fake)",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
        "summary": "",
        "rpc_origins": [],
        "interactions_endpoint_url": None,
    }


def message(
    channel_id: str,
    author: dict[str, Any],
    body: dict[str, Any],
    attachments: list[dict[str, Any]],
    *,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A message object as Discord returns it after a send."""
    return {
        "id": message_id or snowflake(),
        "channel_id": channel_id,
        "author": author,
        "content": body.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": int(body.get("flags") or 0),
        **(
            {"message_reference": body["message_reference"]}
            if body.get("message_reference")
            else {}
        ),
    }


def attachment(base_url: str, filename: str, data: bytes, description: str = "") -> dict[str, Any]:
    """An attachment object; its `url` serves the bytes from the fake's CDN route."""
    attachment_id = snowflake()
    return {
        "id": attachment_id,
        "filename": filename,
        "description": description or None,
        "size": len(data),
        "url": f"{base_url}/attachments/{attachment_id}/{filename}",
        "proxy_url": f"{base_url}/attachments/{attachment_id}/{filename}",
        "content_type": "image/png" if filename.endswith(".png") else "application/octet-stream",
    }


def registered(command: dict[str, Any], app_id: str, guild_id: str | None) -> dict[str, Any]:
    """A command as the bulk-overwrite endpoint returns it: the payload plus ids."""
    result = dict(command, id=snowflake(), application_id=app_id, version=snowflake())
    if guild_id is not None:
        result["guild_id"] = guild_id
    result.setdefault("default_member_permissions", None)
    result.setdefault("options", [])
    return result


def error(code: int, text: str) -> dict[str, Any]:
    return {"message": text, "code": code}
