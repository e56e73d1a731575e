"""A database that cannot take a write (read-only, disk full, busy) said in words, not a
traceback."""

from __future__ import annotations

# SQLite's messages and PostgreSQL's SQLSTATEs (25006 read_only_sql_transaction,
# 53100 disk_full) for the two conditions an operator must fix outside the bot.
READ_ONLY = (
    "The database is read-only just now, so nothing can be written; nothing was changed. "
    "The operators need to make it writable again (file permissions, a read-only mount "
    "or replica)."
)
FULL = (
    "The database's disk is full, so nothing can be written; nothing was changed. "
    "The operators need to free space."
)
# SQLite's write lock stayed taken past the busy timeout (a long import holds it)
BUSY = "The database is busy with a long write; try again in a few seconds. Nothing was changed."
_SIGNS = (
    (READ_ONLY, "25006", ("attempt to write a readonly database", "read-only transaction")),
    (FULL, "53100", ("database or disk is full", "no space left on device")),
    (BUSY, "55P03", ("database is locked",)),
)


def unwritable(error: BaseException) -> str | None:
    """What to tell the caller when `error` means the database cannot be written, else None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        codes = {getattr(current, "sqlstate", None), getattr(current, "pgcode", None)}
        text = str(current).lower()
        for message, code, signs in _SIGNS:
            if code in codes or any(sign in text for sign in signs):
                return message
        current = getattr(current, "orig", None) or current.__cause__
    return None
