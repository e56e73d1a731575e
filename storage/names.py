"""The names table: every name a model, organization or benchmark answers to."""

from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import Table, bindparam, func, select

from storage.bulk.staging import published
from storage.changes import Change
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.engine.query import Query

KINDS: dict[str, Table] = {
    "model": schema.models,
    "organization": schema.organizations,
    "benchmark": schema.benchmarks,
}
_IGNORED = re.compile(r"[\s\-_.·/]+")
# Characters that show nothing: every format character (Unicode category Cf: zero-width
# spaces and joiners, bidirectional controls, the BOM, tags), the combining grapheme
# joiner, variation selectors and the Hangul fillers. tests/core/test_names.py checks it.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef]"
)


# A look-alike's ASCII prototype (Cyrillic `М` -> `M`, full-width `Ｇ` -> `G`, `I` and `l` ->
# `1`) from Unicode's confusables (TR39) as the confusable-homoglyphs package ships them.
# Built on first use (a write's look-alike check), not at start-up: it costs tens of ms.
@functools.cache
def _prototypes() -> dict[int, str]:
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.setdefault(char, char) != char:
            char = parent[char]
        return char

    for char, found in confusables_data.items():
        for other in (f["c"] for f in found):
            if len(char) == 1 and len(other) == 1:
                a, b = sorted((root(char), root(other)), key=lambda c: (not c.isascii(), c))
                parent[b] = a  # the group's root: its smallest ASCII character, if any
    table = {ord(c): r for c in parent if (r := root(c)) != c and r.isascii()}
    return table


def visible(text: str) -> str:
    """The text without the characters that show nothing (see INVISIBLE)."""
    return INVISIBLE.sub("", text)


def normalize(text: str) -> str:
    """The forgiving key of a name: NFKC, case, invisible characters, spaces, hyphens, dots
    and underscores ignored."""
    return _IGNORED.sub("", visible(unicodedata.normalize("NFKC", text)).casefold())


# What `normalize` drops from ASCII text (`_IGNORED`: Python's \s holds \x1c-\x1f too).
_IGNORED_ASCII = bytes(c for c in range(128) if _IGNORED.fullmatch(chr(c)))


@functools.cache
def _ascii_prototypes() -> bytes:
    """`_prototypes` for ASCII as a bytes table: an ASCII name's skeleton in a few bytes
    operations, so an import's tens of thousands of new names each cost well under 1 µs."""
    prototype = _prototypes()
    return bytes(ord(prototype.get(c, chr(c))) for c in range(128)) + bytes(range(128, 256))


def skeleton(text: str) -> str:
    """What a name looks like: look-alike characters read as their ASCII prototypes, then
    normalized; two names with one skeleton are told apart only by confusable characters."""
    if text.isascii():  # NFKC and `visible` leave ASCII as it is; casefold is lower
        table = _ascii_prototypes()
        shape = text.encode().translate(table).lower().translate(table).lower()
        return shape.translate(None, _IGNORED_ASCII).decode()
    prototype = _prototypes()
    plain = visible(unicodedata.normalize("NFKC", text)).translate(prototype)
    return normalize(plain.casefold().translate(prototype))


async def lookalike(
    conn: AsyncConnection, kind: str, label: str, entity_id: int | None = None
) -> str | None:
    """The canonical name of another entity whose name or alias `label` is, or looks like."""
    key, shape = normalize(label), skeleton(label)
    names, table = schema.names, KINDS[kind]
    query = (
        select(names.c.label, names.c.key, names.c.entity_id, table.c.name)
        .join(table, table.c.id == names.c.entity_id)
        .where(names.c.kind == kind, published(names))
    )
    for other, other_key, other_id, canonical in await conn.execute(query):
        if other_id != entity_id and (other_key == key or skeleton(other) == shape):
            return str(canonical)
    return None


async def lookup(conn: AsyncConnection, kind: str, text: str) -> int | None:
    """The id of the entity a name (or alias) stands for."""
    names = schema.names
    query = select(names.c.entity_id).where(
        names.c.kind == kind, names.c.key == normalize(text), published(names)
    )
    return (await conn.execute(query)).scalar()


async def canonical_names(conn: AsyncConnection, kind: str) -> list[tuple[str, str]]:
    """Every (alias label, canonical name) of a kind, canonical names included."""
    names, table = schema.names, KINDS[kind]
    query = (
        select(names.c.label, table.c.name)
        .join(table, table.c.id == names.c.entity_id)
        .where(names.c.kind == kind, published(names))
    )
    return [(label, name) for label, name in await conn.execute(query)]


async def prefixed(conn: AsyncConnection, kind: str, typed: str, limit: int) -> list[str]:
    """Canonical names with a name or alias starting with what was typed, shortest first."""
    names, table = schema.names, KINDS[kind]
    key = normalize(typed).replace("%", "").replace("_", "")
    query = (
        select(table.c.name)
        .join(names, table.c.id == names.c.entity_id)
        .where(names.c.kind == kind, names.c.key.like(f"{key}%"), published(names))
        .group_by(table.c.name)
        .order_by(func.length(table.c.name), table.c.name)
        .limit(limit)
    )
    return list((await conn.execute(query)).scalars())


async def add_name(change: Change, kind: str, label: str, entity_id: int) -> None:
    """Let `label` stand for an entity; a name another entity has, or one that only looks
    like it (invisible or confusable characters), is refused."""
    taken = await lookup(change.conn, kind, label)
    if taken == entity_id:
        return
    if existing := await lookalike(change.conn, kind, label, entity_id):
        raise NameTakenError(
            existing, f"the {kind} name {label!r} is {existing}'s or looks like it"
        )
    await change.insert(
        schema.names,
        {"kind": kind, "key": normalize(label), "label": label, "entity_id": entity_id},
    )


class NameTakenError(ValueError):
    """A name or alias that already belongs to (or looks like) another entity of the kind."""

    def __init__(self, existing: str, message: str) -> None:
        super().__init__(message)
        self.existing = existing


ALIASES = Query(
    select(schema.names.c.label).where(
        schema.names.c.kind == bindparam("kind"), schema.names.c.entity_id == bindparam("entity_id")
    )
)


async def aliases(conn: AsyncConnection, kind: str, entity_id: int) -> list[str]:
    """Every name an entity answers to, canonical name included (on /model's hot path)."""
    return sorted(row[0] for row in await ALIASES.all(conn, kind=kind, entity_id=entity_id))
