"""Reading a table cell that became a numbered note (`[1]`) under a phone-wide table."""

from __future__ import annotations

import re

from commands.core.reply import Reply


def cell_text(reply: Reply, cell: str) -> str:
    """The cell as written: a `[n]` reference replaced by its note's text from `reply.extra`."""
    if not re.fullmatch(r"\[\d+\]", cell):
        return cell
    [note] = [line for line in reply.extra if line.startswith(cell + " ")]
    return note.removeprefix(cell + " ")


AUDIT_LINE = re.compile(r"#(\d+) (\S+ \S+) (\S+): (.*) \(([\d,]+) rows?(?:; undone by #\d+)?\)")


def audit_entries(reply: Reply) -> list[tuple[str, str, str]]:
    """/admin audit's entries, newest first, as (number, who, what)."""
    found = [AUDIT_LINE.fullmatch(line) for line in reply.body.splitlines()]
    return [(m[1], m[3], m[4]) for m in found if m]
