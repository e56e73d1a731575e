"""Neutral reply -> Discord message parts, within Discord's limits: "...and N more", not errors."""

from __future__ import annotations

import io
import re
from typing import NamedTuple

import discord

from commands.core.reply import Field, Reply, Table, format_table

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000  # title + description + field names and values + footer
CONTENT = 2000
COLOUR = discord.Colour(0x3B82F6)
NO_MENTIONS = discord.AllowedMentions.none()
"""Replies never ping anyone: `@everyone` in a model name stays text."""


def allowed_mentions(reply: Reply) -> discord.AllowedMentions:
    """Nobody, except the one role a lead-change alert names (the channel opted in)."""
    if not reply.mention.isdigit():
        return NO_MENTIONS
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(id=int(reply.mention))]
    )


def _mention(reply: Reply) -> str:
    return f"<@&{reply.mention}>" if reply.mention.isdigit() else ""


class Rendered(NamedTuple):
    """What `send` takes: an embed (or none), plain content, and the files it shows."""

    embed: discord.Embed | None
    content: str
    files: list[discord.File]


def render(reply: Reply) -> Rendered:
    """Errors become short plain text; everything else an embed with its image attached."""
    if reply.is_error:
        return Rendered(None, clip(reply.plain_text(), CONTENT) or "Something went wrong.", [])
    title = clip(reply.title, TITLE)
    footer = clip(reply.footer, FOOTER)
    fields = _fields(reply.fields, TOTAL - len(title) - len(footer) - 1000)
    room = TOTAL - len(title) - len(footer) - sum(len(f.name) + len(f.value) for f in fields)
    description = _description(reply, min(DESCRIPTION, room))
    if not (title or description or fields or footer or reply.image):
        return Rendered(None, "Done.", [])
    embed = discord.Embed(title=title or None, description=description or None, colour=COLOUR)
    for field in fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if footer:
        embed.set_footer(text=footer)
    files: list[discord.File] = []
    if reply.image is not None:
        filename = safe_filename(reply.image.filename)
        files.append(
            discord.File(
                io.BytesIO(reply.image.data),
                filename=filename,
                description=clip(reply.image.description, 1024) or None,
            )
        )
        embed.set_image(url=f"attachment://{filename}")
    return Rendered(embed, _mention(reply), files)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, whole lines first, saying how many lines were left out."""
    text = text.strip()
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        marker = f"...and {len(lines) - index} more lines"
        if used + len(line) + 1 + len(marker) > limit:
            if not kept:  # one very long line: cut inside it
                return text[: max(limit - 1, 0)] + "…"
            return "\n".join([*kept, marker])
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)  # pragma: no cover - unreachable: the whole text did not fit


def _fields(fields: tuple[Field, ...], room: int) -> list[Field]:
    """At most 25 fields in `room` characters; the last one says how many were left out."""
    clipped = [
        Field(clip(f.name, FIELD_NAME) or "-", clip(f.value, FIELD_VALUE) or "-", f.inline)
        for f in fields
    ]
    kept: list[Field] = []
    used = 0
    for index, field in enumerate(clipped):
        size = len(field.name) + len(field.value)
        last_slot = len(kept) == FIELDS - 1 and index < len(clipped) - 1
        if last_slot or used + size > room - 40:
            return [*kept, Field("…", f"...and {len(clipped) - index} more", False)]
        kept.append(field)
        used += size
    return kept


def _description(reply: Reply, room: int) -> str:
    """The body, then the table as a code block, then extra lines, in that priority."""
    parts: list[str] = []
    body = clip(reply.body, room)
    if body:
        parts.append(body)
        room -= len(body) + 1
    if reply.table is not None and reply.table.rows and room > 40:
        block = _table_block(reply.table, room)
        parts.append(block)
        room -= len(block) + 1
    extra = "\n".join(reply.extra)
    if extra and room > 20:
        parts.append(clip(extra, room))
    return "\n".join(parts)


def _table_block(table: Table, room: int) -> str:
    """The table in a code block, dropping trailing rows (and saying so) when it is too long."""
    rows = list(table.rows)
    while True:
        text = format_table(Table(table.columns, tuple(rows))).replace("```", "`\u200b``")
        left_out = len(table.rows) - len(rows)
        block = f"```\n{text}\n```"
        if left_out:
            block += f"\n...and {left_out} more rows"
        if len(block) <= room or not rows:
            return block if len(block) <= room else clip(block, room)
        rows.pop()


def safe_filename(name: str) -> str:
    """A name `attachment://` URLs can refer to: letters, digits, dot, dash, underscore."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or "image"
    return cleaned if "." in cleaned else f"{cleaned}.png"
