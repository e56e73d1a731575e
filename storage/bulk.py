"""Write an import plan inside one audited transaction, with `executemany`, not row by row.

New rows come back with their ids (one multi-row INSERT ... RETURNING per page), are
recorded in the audit entry (so `/admin undo` takes an import back), and every new model
and score appends an event carrying the import's `batch`, so that alerts and digests can
summarise an import in one message. Event hooks run once per batch, with its first event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update

from storage import schema
from storage.bulk_plan import ImportPlan, NewModel, NewScore, Ref
from storage.changes import Change, EventHook, to_json
from storage.models import release_label
from storage.names import normalize


@dataclass(frozen=True)
class Written:
    """How many rows of each kind an import wrote, and its events."""

    benchmarks: int
    organizations: int
    models: int
    scores: int
    updates: int
    events: int


async def insert_many(change: Change, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows in pages, return their ids in order, and audit each as created."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    result = await change.conn.execute(statement, list(rows))
    ids = [int(i) for i in result.scalars()]
    change.rows.extend(
        {"table": table.name, "id": row_id, "before": None, "after": to_json({"id": row_id, **row})}
        for row_id, row in zip(ids, rows, strict=True)
    )
    return ids


async def _names(change: Change, kind: str, entities: Iterable[tuple[str, int]]) -> None:
    rows = [
        {"kind": kind, "key": normalize(label), "label": label, "entity_id": entity_id}
        for label, entity_id in entities
    ]
    await insert_many(change, schema.names, rows)


def _resolve(ref: Ref, ids: dict[str, int]) -> int:
    return ref if isinstance(ref, int) else ids[ref]


async def _models(change: Change, models: list[NewModel], orgs: dict[str, int]) -> dict[str, int]:
    rows = [
        {
            "name": m.name,
            "org_id": _resolve(m.org, orgs),
            "released": m.released,
            "release_precision": m.release_precision,
            "params_b": m.params_b,
            "context_tokens": m.context_tokens,
            "weights": m.weights,
            "access": "available",
            "source": m.source,
        }
        for m in models
    ]
    ids = await insert_many(change, schema.models, rows)
    await _names(change, "model", ((m.name, i) for m, i in zip(models, ids, strict=True)))
    return {m.key: i for m, i in zip(models, ids, strict=True)}


async def _scores(
    change: Change, scores: list[NewScore], models: dict[str, int], benchmarks: dict[str, int]
) -> None:
    rows = [
        {
            "model_id": _resolve(s.model, models),
            "benchmark_id": _resolve(s.benchmark, benchmarks),
            "value": s.value,
            "stderr": s.stderr,
            "reported_on": s.reported_on,
            "source": s.source,
            "added_by": change.actor,
            "is_current": s.is_current,
        }
        for s in scores
    ]
    await insert_many(change, schema.scores, rows)


async def _updates(change: Change, plan: ImportPlan) -> None:
    """Apply updates grouped by the columns they set: one executemany per group."""
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for row in plan.updates:
        columns = tuple(sorted(row.after))
        groups.setdefault((row.table, columns), []).append({"row_id": row.id, **row.after})
        change.rows.append(
            {
                "table": row.table,
                "id": row.id,
                "before": to_json({"id": row.id, **row.before}),
                "after": to_json({"id": row.id, **row.after}),
            }
        )
    for (name, columns), params in groups.items():
        table = schema.metadata.tables[name]
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(c) for c in columns})
        )
        await change.conn.execute(statement, params)


def _events(plan: ImportPlan) -> list[dict[str, Any]]:
    events = [
        {
            "kind": "release",
            "model": m.name,
            "organization": m.organization,
            "country": m.country,
            "benchmark": None,
            "summary": f"{m.name} ({m.organization}, {m.country}) released "
            f"{release_label(m.released, m.release_precision)}",
            "payload": to_json({"released": m.released, "weights": m.weights}),
        }
        for m in plan.models
    ]
    for status, scores in (("added", plan.scores), ("updated", plan.changed_scores)):
        events += [
            {
                "kind": "score",
                "model": s.model_name,
                "organization": s.organization,
                "country": s.country,
                "benchmark": s.benchmark_name,
                "summary": f"{s.model_name} scored {s.value:g} on {s.benchmark_name}",
                "payload": to_json(
                    {
                        "value": s.value,
                        "source": s.source,
                        "status": status,
                        "reported_on": s.reported_on,
                    }
                ),
            }
            for s in scores
        ]
    return events


async def append_events(change: Change, events: list[dict[str, Any]], batch: str) -> int:
    """Insert a batch's events at once; hooks see the batch once, through its first event."""
    if not events:
        return 0
    await change.conn.execute(
        insert(schema.events), [{**e, "at": change.at, "batch": batch} for e in events]
    )
    e = schema.events
    ids = list(
        (
            await change.conn.execute(select(e.c.id).where(e.c.batch == batch).order_by(e.c.id))
        ).scalars()
    )
    change.event_ids.extend(ids)
    hooks: Sequence[EventHook] = getattr(change, "_hooks", ())  # the db's on_event hooks
    for hook in hooks:
        await hook(change, ids[0])
    return len(ids)


async def write_plan(change: Change, plan: ImportPlan, batch: str) -> Written:
    """Everything the plan says, in dependency order, in the caller's transaction."""
    benchmark_ids = await insert_many(change, schema.benchmarks, [c for _, c in plan.benchmarks])
    await _names(
        change,
        "benchmark",
        ((c["name"], i) for (_, c), i in zip(plan.benchmarks, benchmark_ids, strict=True)),
    )
    org_rows = [
        {"name": o.name, "country": o.country, "source": o.source} for o in plan.organizations
    ]
    org_ids = await insert_many(change, schema.organizations, org_rows)
    await _names(
        change,
        "organization",
        ((o.name, i) for o, i in zip(plan.organizations, org_ids, strict=True)),
    )
    orgs = {o.key: i for o, i in zip(plan.organizations, org_ids, strict=True)}
    models = await _models(change, plan.models, orgs)
    benchmarks = {key: i for (key, _), i in zip(plan.benchmarks, benchmark_ids, strict=True)}
    await _scores(change, plan.scores, models, benchmarks)
    await _updates(change, plan)
    events = await append_events(change, _events(plan), batch)
    return Written(
        len(benchmark_ids), len(org_ids), len(models), len(plan.scores), len(plan.updates), events
    )
