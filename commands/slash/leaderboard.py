"""/leaderboard BENCHMARK [country] [open_only] [limit]: the ranking on one benchmark."""

from __future__ import annotations

from commands.analysis import phrases
from commands.core.lookup import resolve_benchmark
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Request
from commands.core.reply import WEIGHTS_KEY, Reply, Table, clip, weights_mark
from storage.engine.db import Database
from storage.scores import standings


@REGISTRY.command(
    "leaderboard",
    description="Ranking on one benchmark with organization, country, weights and date",
    options=(
        Option("benchmark", "The benchmark", required=True, autocomplete=Autocomplete.BENCHMARK),
        Option(
            "country", "Only models from this country (ISO code, e.g. CN)", type=OptionType.COUNTRY
        ),
        Option("open_only", "Only open-weights models", type=OptionType.BOOLEAN),
        Option(
            "limit",
            "How many rows (1-50, default 10)",
            type=OptionType.INTEGER,
            min_value=1,
            max_value=50,
        ),
    ),
    examples=("/leaderboard FrontierSWE", "/leaderboard FrontierSWE country:CN limit:5"),
)
async def leaderboard(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        bench = await resolve_benchmark(conn, request.get("benchmark"))
        rows = await standings(
            conn,
            bench.id,
            country=request.get("country"),
            open_only=request.get("open_only", False),
            higher_is_better=bench.higher_is_better,
            limit=request.get("limit", 10),
        )
    filters = [
        f
        for f in (request.get("country"), "open weights" if request.get("open_only") else None)
        if f
    ]
    title = f"{bench.name} leaderboard" + (f" ({', '.join(filters)})" if filters else "")
    if not rows:
        return Reply(title=title, body="No scores match.")
    table = Table(
        ("#", "Model", "Org", "CC", "W", "Released", "Score"),
        tuple(
            (
                str(i),
                clip(r.model, 16),
                clip(r.organization, 11),
                r.country,
                weights_mark(r.weights),
                phrases.released(r) if r.released else "?",
                phrases.score(r.value),
            )
            for i, r in enumerate(rows, 1)
        ),
        narrow_first=(2,),  # the organization, before the model's name
    )
    direction = "higher" if bench.higher_is_better else "lower"
    return Reply(
        title=title,
        table=table,
        footer=f"{bench.description} ({bench.unit}, {direction} is better). " + WEIGHTS_KEY,
    )
