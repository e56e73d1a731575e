"""The names table: every name a model, organization or benchmark answers to."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.changes import Change
from storage.engine import schema
from storage.engine.query import Query

KINDS: dict[str, Table] = {
    "model": schema.models,
    "organization": schema.organizations,
    "benchmark": schema.benchmarks,
}
_IGNORED = re.compile(r"[\s\-_.·/]+")


def normalize(text: str) -> str:
    """The forgiving key of a name: case, spaces, hyphens, dots and underscores ignored."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


async def lookup(conn: AsyncConnection, kind: str, text: str) -> int | None:
    """The id of the entity a name (or alias) stands for."""
    names = schema.names
    query = select(names.c.entity_id).where(names.c.kind == kind, names.c.key == normalize(text))
    return (await conn.execute(query)).scalar()


async def canonical_names(conn: AsyncConnection, kind: str) -> list[tuple[str, str]]:
    """Every (alias label, canonical name) of a kind, canonical names included."""
    names, table = schema.names, KINDS[kind]
    query = (
        select(names.c.label, table.c.name)
        .join(table, table.c.id == names.c.entity_id)
        .where(names.c.kind == kind)
    )
    return [(label, name) for label, name in await conn.execute(query)]


async def prefixed(conn: AsyncConnection, kind: str, typed: str, limit: int) -> list[str]:
    """Canonical names with a name or alias starting with what was typed, shortest first."""
    names, table = schema.names, KINDS[kind]
    key = normalize(typed).replace("%", "").replace("_", "")
    query = (
        select(table.c.name)
        .join(names, table.c.id == names.c.entity_id)
        .where(names.c.kind == kind, names.c.key.like(f"{key}%"))
        .group_by(table.c.name)
        .order_by(func.length(table.c.name), table.c.name)
        .limit(limit)
    )
    return list((await conn.execute(query)).scalars())


async def add_name(change: Change, kind: str, label: str, entity_id: int) -> None:
    """Let `label` stand for an entity; a name already taken by another entity is refused."""
    taken = await lookup(change.conn, kind, label)
    if taken == entity_id:
        return
    if taken is not None:
        raise NameTakenError(f"the {kind} name {label!r} is already taken")
    await change.insert(
        schema.names,
        {"kind": kind, "key": normalize(label), "label": label, "entity_id": entity_id},
    )


class NameTakenError(ValueError):
    """A name or alias that already belongs to another entity of the same kind."""


ALIASES = Query(
    select(schema.names.c.label).where(
        schema.names.c.kind == bindparam("kind"), schema.names.c.entity_id == bindparam("entity_id")
    )
)


async def aliases(conn: AsyncConnection, kind: str, entity_id: int) -> list[str]:
    """Every name an entity answers to, canonical name included (on /model's hot path)."""
    return sorted(row[0] for row in await ALIASES.all(conn, kind=kind, entity_id=entity_id))
