"""Load the bundled dataset (`dataset.toml`): idempotent, every row citing its article."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storage.benchmarks import BENCHMARK_COLUMNS, add_benchmark
from storage.changes import Change
from storage.engine import schema
from storage.engine.db import Database
from storage.forecasts import add_forecast
from storage.models import add_model, get_model, set_access
from storage.names import lookup
from storage.news import add_news
from storage.organizations import add_organization, find_organization
from storage.scores import add_score
from storage.seed import DATASET, SEED_ACTOR, read_dataset


async def load_seed(db: Database, now: datetime | None = None, path: Path = DATASET) -> None:
    """Add whatever of the dataset is missing, in one audited transaction."""
    data = read_dataset(path)
    cite: dict[str, str] = data["sources"]
    at = now or datetime.now(UTC)
    async with db.write(SEED_ACTOR, "load bundled dataset", at) as change:
        await _entities(change, data, cite)
        await _facts(change, data, cite)


async def _entities(change: Change, data: dict[str, Any], cite: dict[str, str]) -> None:
    conn = change.conn
    for org in data["organizations"]:
        if await lookup(conn, "organization", org["name"]) is None:
            await add_organization(
                change,
                org["name"],
                org["country"],
                cite[org["source"]],
                tuple(org.get("aliases", ())),
            )
    for model in data["models"]:
        if await lookup(conn, "model", model["name"]) is not None:
            continue
        org = await find_organization(conn, model["organization"])
        assert org is not None, model["organization"]
        values = {
            k: model.get(k)
            for k in (
                "name",
                "released",
                "release_precision",
                "params_b",
                "context_tokens",
                "weights",
                "licence",
            )
        }
        await add_model(
            change,
            {**values, "org_id": org.id, "access": "unknown", "source": cite[model["source"]]},
            tuple(model.get("aliases", ())),
        )
    for bench in data["benchmarks"]:
        if await lookup(conn, "benchmark", bench["name"]) is None:
            values = {k: cite[bench[k]] if k == "source" else bench[k] for k in BENCHMARK_COLUMNS}
            await add_benchmark(change, values, tuple(bench.get("aliases", ())))


async def _facts(change: Change, data: dict[str, Any], cite: dict[str, str]) -> None:
    conn = change.conn
    for score in data["scores"]:
        model_id = await lookup(conn, "model", score["model"])
        benchmark_id = await lookup(conn, "benchmark", score["benchmark"])
        assert model_id is not None and benchmark_id is not None, score
        await add_score(
            change,
            model_id=model_id,
            benchmark_id=benchmark_id,
            value=score["value"],
            reported_on=score["reported_on"],
            source=cite[score["source"]],
            added_by=SEED_ACTOR,
        )
    for access in data["access"]:
        model_id = await lookup(conn, "model", access["model"])
        assert model_id is not None, access
        model = await get_model(conn, model_id)
        if model.access != access["access"]:
            note = f"{access['note']} (source: {cite[access['source']]})"
            await set_access(change, model_id, access["access"], note)
    f = schema.forecasts
    for forecast in data["forecasts"]:
        exists = await conn.execute(
            select(f.c.id).where(f.c.who == forecast["who"], f.c.claim == forecast["claim"])
        )
        if exists.first() is None:
            await add_forecast(
                change, {**forecast, "source": cite[forecast["source"]], "added_by": SEED_ACTOR}
            )
    await _news(change, data["news"], cite)


async def _news(change: Change, items: list[dict[str, Any]], cite: dict[str, str]) -> None:
    conn = change.conn
    n = schema.news
    for item in items:
        if (await conn.execute(select(n.c.id).where(n.c.headline == item["headline"]))).first():
            continue
        model = None
        if "model" in item:
            model_id = await lookup(conn, "model", item["model"])
            assert model_id is not None, item
            model = await get_model(conn, model_id)
        org = (
            await find_organization(conn, item["organization"]) if "organization" in item else None
        )
        await add_news(
            change,
            item["headline"],
            cite[item["source"]],
            item.get("happened_on"),
            model=model,
            organization=(org.id, org.name, org.country) if org else None,
        )
