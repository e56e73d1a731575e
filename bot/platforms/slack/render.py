"""Reply -> Block Kit blocks and a plain-text fallback, within Slack's limits.

Every piece of text is escaped (`&`, `<`, `>`) and marked `verbatim`, so nothing in the
data can ping (`<!channel>`, `@here`) or inject links and mentions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from commands.core.reply import Reply, format_table

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_FALLBACK = 3000
MAX_CONTEXT_ELEMENTS = 10

Block = dict[str, Any]

ACTION = "racewatch_button"  # a button's action_id: racewatch_button_<row>_<n>
MAX_ROWS, MAX_IN_ROW, LABEL, VALUE = 5, 5, 75, 2000

_BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"
USER_GROUP = re.compile(r"S[A-Z0-9]{2,20}")  # a user group's id, as `<!subteam^ID>` pings it


def mention(reply: Reply) -> str:
    """`<!subteam^ID> ` when a lead-change alert pings the channel's user group, else ""."""
    return f"<!subteam^{reply.mention}> " if USER_GROUP.fullmatch(reply.mention) else ""


def escape(text: str) -> str:
    """Slack's three control characters as entities, and broadcast words defused."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), escaped)


@dataclass(frozen=True)
class Rendered:
    """What Slack receives for one reply: blocks plus the notification/fallback text."""

    blocks: list[Block]
    text: str


@dataclass(frozen=True)
class _Piece:
    """One block and what it holds, so truncation can say "...and N more rows"."""

    block: Block
    unit: str = "sections"
    count: int = 1


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _cut(escaped: str, limit: int) -> int:
    """Where to cut escaped text at most `limit` long without splitting an entity."""
    if len(escaped) <= limit:
        return len(escaped)
    amp = escaped.rfind("&", max(0, limit - 4), limit)
    return amp if amp > 0 and ";" not in escaped[amp:limit] else limit


def _split_escaped(line: str, limit: int) -> list[str]:
    """One escaped line as pieces of at most `limit` characters (entities kept whole)."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = _cut(line, limit)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def chunks(text: str, limit: int) -> list[str]:
    """Escaped text packed by whole lines into chunks of at most `limit` characters."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for raw in text.split("\n"):
        line = escape(raw)
        pieces = _split_escaped(line, limit)
        for piece in pieces:
            extra = len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                out.append("\n".join(current))
                current, size = [], 0
                extra = len(piece)
            current.append(piece)
            size += extra
    if current:
        out.append("\n".join(current))
    return [c for c in out if c.strip()]


def _body_pieces(reply: Reply) -> list[_Piece]:
    pieces: list[_Piece] = []
    if reply.title:
        title = reply.title if len(reply.title) <= 250 else reply.title[:249] + "…"
        pieces.append(_Piece(_section(f"{mention(reply)}*{escape(title)}*")))
    body = f":warning: {reply.body}" if reply.is_error and reply.body else reply.body
    pieces += [_Piece(_section(c)) for c in chunks(body, MAX_SECTION_TEXT)]
    return pieces


def _table_pieces(reply: Reply) -> list[_Piece]:
    """The table in monospace sections; the header shows once, rows never split."""
    if reply.table is None:
        return []
    lines = format_table(reply.table).split("\n")
    room = MAX_SECTION_TEXT - 8  # "```\n" + "\n```"
    pieces: list[_Piece] = []
    current = lines[:2]
    size = len(escape("\n".join(current)))
    count = 0
    for row in lines[2:]:
        width = len(escape(row)) + 1
        if count and size + width > room:
            pieces.append(_code_piece(current, count))
            current, size, count = [], -1, 0
        current.append(row)
        size += width
        count += 1
    pieces.append(_code_piece(current, count))
    return pieces


def _code_piece(lines: list[str], rows: int) -> _Piece:
    escaped = escape("\n".join(lines)) or " "
    text = escaped[: _cut(escaped, MAX_SECTION_TEXT - 8)]
    return _Piece(_section(f"```\n{text}\n```"), "rows", rows)


def _field_pieces(reply: Reply) -> list[_Piece]:
    pieces: list[_Piece] = []
    fields = list(reply.fields)
    for start in range(0, len(fields), MAX_FIELDS):
        group = fields[start : start + MAX_FIELDS]
        texts = []
        for f in group:
            text = f"*{escape(f.name)}*\n{escape(f.value)}"
            cut = _cut(text, MAX_FIELD_TEXT - 1)
            texts.append(text if len(text) <= MAX_FIELD_TEXT else text[:cut] + "…")
        block = {"type": "section", "fields": [_mrkdwn(t) for t in texts]}
        pieces.append(_Piece(block, "fields", len(group)))
    return pieces


def _tail_pieces(reply: Reply) -> list[_Piece]:
    pieces = [_Piece(_section(c)) for c in chunks("\n".join(reply.extra), MAX_SECTION_TEXT)]
    footer = chunks(reply.footer, MAX_SECTION_TEXT)[:MAX_CONTEXT_ELEMENTS]
    if footer:
        block = {"type": "context", "elements": [_mrkdwn(c) for c in footer]}
        pieces.append(_Piece(block, "notes"))
    return pieces


def _fit(pieces: list[_Piece], room: int = MAX_BLOCKS) -> list[Block]:
    """At most `room` blocks; what is cut is counted in a last "...and N more" line."""
    if len(pieces) <= room:
        return [p.block for p in pieces]
    kept, dropped = pieces[: room - 1], pieces[room - 1 :]
    omitted: Counter[str] = Counter()
    for piece in dropped:
        omitted[piece.unit] += piece.count
    what = ", ".join(f"{n} more {unit}" for unit, n in omitted.items())
    return [*(p.block for p in kept), _context(f"…and {what} not shown (Slack's limit).")]


def fallback_text(reply: Reply) -> str:
    """The notification and screen-reader text: the whole reply as escaped plain text."""
    text = mention(reply) + escape(reply.plain_text()) or "(empty reply)"
    if len(text) > MAX_FALLBACK:
        text = text[: _cut(text, MAX_FALLBACK - 1)] + "…"
    return text


def render(reply: Reply) -> Rendered:
    """Block Kit for one reply; its image is uploaded separately (`sending.upload_image`)."""
    pieces = [
        *_body_pieces(reply),
        *_table_pieces(reply),
        *_field_pieces(reply),
        *_tail_pieces(reply),
    ]
    if not pieces:
        pieces = [_Piece(_section(escape("(no answer)")))]
    actions = action_blocks(reply)
    return Rendered([*_fit(pieces, MAX_BLOCKS - len(actions)), *actions], fallback_text(reply))


def action_blocks(reply: Reply) -> list[Block]:
    """One `actions` block per row of buttons (none for an error)."""
    if reply.is_error:
        return []
    blocks: list[Block] = []
    for row, buttons in enumerate(reply.buttons[:MAX_ROWS]):
        elements = []
        for n, button in enumerate(buttons[:MAX_IN_ROW]):
            value = json.dumps({"run": button.command, "refresh": reply.refresh})
            if len(value) > VALUE:
                continue
            element: Block = {
                "type": "button",
                "text": {"type": "plain_text", "text": button.label[:LABEL], "emoji": False},
                "action_id": f"{ACTION}_{row}_{n}",
                "value": value,
            }
            if button.style in ("primary", "danger"):
                element["style"] = button.style
            elements.append(element)
        if elements:
            blocks.append(
                {"type": "actions", "block_id": f"racewatch_row_{row}", "elements": elements}
            )
    return blocks
