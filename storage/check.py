"""`racewatch db check`: the invariants the schema relies on but cannot enforce itself.

Each check returns one line per problem, naming the rows: an empty list means it holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import and_, case, func, select

from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.names import KINDS, normalize

s, m, o, n = schema.scores, schema.models, schema.organizations, schema.names
d, e = schema.deliveries, schema.events
SHOWN = 20  # problems listed per check; the count says how many more


async def score_copies(conn: AsyncConnection) -> list[str]:
    """Each score carries its model's country and release date (the lag reads them)."""
    query = (
        select(s.c.id, m.c.name, s.c.country, o.c.country, s.c.released, m.c.released)
        .join(m, m.c.id == s.c.model_id)
        .join(o, o.c.id == m.c.org_id)
        .where((s.c.country != o.c.country) | s.c.released.is_distinct_from(m.c.released))
        .order_by(s.c.id)
    )
    return [
        f"score #{sid} of {model} says {country} released {released}, "
        f"its model {model_country} released {model_released}"
        for sid, model, country, model_country, released, model_released in await conn.execute(
            query
        )
    ]


async def one_current_report(conn: AsyncConnection) -> list[str]:
    """Each (model, benchmark) pair with reports has exactly one current one, the newest."""
    current = func.sum(case((s.c.is_current.is_(True), 1), else_=0))
    counted = await conn.execute(
        select(s.c.model_id, s.c.benchmark_id, current)
        .group_by(s.c.model_id, s.c.benchmark_id)
        .having(current != 1)
        .order_by(s.c.model_id, s.c.benchmark_id)
    )
    problems = [
        f"model #{model} on benchmark #{bench}: {int(count or 0)} current reports, not 1"
        for model, bench, count in counted
    ]
    cur, newer = s.alias("cur"), s.alias("newer")
    stale = await conn.execute(
        select(cur.c.id, newer.c.id)
        .join(
            newer,
            and_(
                newer.c.model_id == cur.c.model_id,
                newer.c.benchmark_id == cur.c.benchmark_id,
                newer.c.reported_on > cur.c.reported_on,
            ),
        )
        .where(cur.c.is_current.is_(True))
        .order_by(cur.c.id)
    )
    problems += [
        f"score #{old} is current but score #{new} of the same pair was reported later"
        for old, new in stale
    ]
    return problems


async def names_resolve(conn: AsyncConnection) -> list[str]:
    """Every name points at a live entity; every entity answers to its own name, and no two
    entities of a kind share a name."""
    problems: list[str] = []
    for kind, table in KINDS.items():
        entities = {
            row.id: row.name for row in await conn.execute(select(table.c.id, table.c.name))
        }
        keys: dict[str, int] = {}
        rows = await conn.execute(
            select(n.c.id, n.c.key, n.c.label, n.c.entity_id).where(n.c.kind == kind)
        )
        for name_id, key, label, entity_id in rows:
            keys[key] = entity_id
            if entity_id not in entities:
                problems.append(f"{kind} name {label!r} (#{name_id}) points at no {kind}")
            elif key != normalize(label):
                problems.append(f"{kind} name {label!r} (#{name_id}) has the key {key!r}")
        seen: dict[str, int] = {}
        for entity_id, name in entities.items():
            key = normalize(name)
            if key in seen:
                problems.append(f"{kind}s #{seen[key]} and #{entity_id} are both named {name!r}")
            seen[key] = entity_id
            if keys.get(key) != entity_id:
                problems.append(f"{kind} #{entity_id} {name!r} does not answer to its name")
    return problems


async def outbox_events(conn: AsyncConnection) -> list[str]:
    """Every outbox row says events that exist: its event ids, its import, its digest span."""
    problems: list[str] = []
    top = int((await conn.execute(select(func.max(e.c.id)))).scalar() or 0)
    rows = (
        await conn.execute(
            select(
                d.c.id,
                d.c.kind,
                d.c.status,
                d.c.event_ids,
                d.c.batch,
                d.c.cursor_from,
                d.c.cursor_to,
            )
        )
    ).all()
    carrying = ("events", "revert")  # a revert of an import's summary names its batch instead
    wanted = {i for row in rows if row.kind in carrying for i in row.event_ids or ()}
    live: set[int] = set()
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        live |= set((await conn.execute(select(e.c.id).where(e.c.id.in_(chunk)))).scalars())
    batches = {row.batch for row in rows if row.kind in ("batch", "revert") and row.batch}
    found = set(
        (await conn.execute(select(e.c.batch).where(e.c.batch.in_(batches)).distinct())).scalars()
    )
    undone = set((await conn.execute(select(e.c.id).where(e.c.undone.is_(True)))).scalars())
    for row in rows:
        if row.kind == "events" and row.status == "pending" and set(row.event_ids) <= undone:
            problems.append(f"delivery #{row.id} still owes only undone events {row.event_ids}")
        of_import = row.kind in ("batch", "revert") and row.batch is not None
        if row.kind in carrying and not of_import:
            gone = [i for i in row.event_ids or () if i not in live]
            if gone or not row.event_ids:
                problems.append(f"delivery #{row.id} carries missing events {gone or '(none)'}")
        elif of_import and row.batch not in found:
            problems.append(f"delivery #{row.id} summarises import {row.batch} with no events")
        elif row.kind == "digest" and not (
            row.cursor_from is not None
            and row.cursor_to is not None
            and 0 <= row.cursor_from <= row.cursor_to <= top
        ):
            problems.append(
                f"delivery #{row.id} digests events {row.cursor_from}..{row.cursor_to} "
                f"(the newest is #{top})"
            )
    return problems


CHECKS: dict[str, Callable[[AsyncConnection], Awaitable[list[str]]]] = {
    "scores carry their model's country and release date": score_copies,
    "one current report per model and benchmark": one_current_report,
    "names and aliases": names_resolve,
    "outbox rows point at live events": outbox_events,
}


async def check(conn: AsyncConnection) -> list[str]:
    """Every problem found, as lines `<invariant>: <what is wrong>` (at most `SHOWN` each)."""
    out: list[str] = []
    for title, run in CHECKS.items():
        found = await run(conn)
        out += [f"{title}: {line}" for line in found[:SHOWN]]
        if len(found) > SHOWN:
            out.append(f"{title}: ... and {len(found) - SHOWN:,} more")
    return out
