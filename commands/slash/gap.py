"""/gap A B [benchmark]: two models side by side, benchmark by benchmark, with the time lag."""

from __future__ import annotations

from commands.analysis import frontier as race
from commands.analysis import phrases
from commands.analysis.sides import sides
from commands.analysis.standings import benchmark_entries
from commands.core.countries import country_code
from commands.core.errors import UserError
from commands.core.lookup import resolve_benchmark, resolve_model
from commands.core.registry import REGISTRY, Autocomplete, Option, Request
from commands.core.reply import Reply, Table
from storage.benchmarks import all_benchmarks
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.names import normalize
from storage.pairs import Comparison, Pairing, Rivals, compare
from storage.rows import ModelRow
from storage.scores import model_scores, standings


async def _models(
    conn: AsyncConnection, found: Comparison, name_a: str, name_b: str
) -> tuple[ModelRow, ModelRow]:
    """Both models; an unknown name raises with suggestions, the same model twice is refused."""
    pair = []
    for name in (name_a, name_b):
        if (key := normalize(name)) not in found.models:
            await resolve_model(conn, name)  # raises UserError naming the closest models
        pair.append(found.models[key])
    a, b = pair
    if a.id == b.id:
        raise UserError(f"Both names are {a.name}: give two different models.")
    return a, b


async def _only(
    conn: AsyncConnection, pairings: list[Pairing], a: ModelRow, b: ModelRow, benchmark: str
) -> list[Pairing]:
    """The pairing on one benchmark; a model without a score there is named."""
    only = await resolve_benchmark(conn, benchmark)
    chosen = [p for p in pairings if p.benchmark_id == only.id]
    if not chosen:
        for model in (a, b):
            if not await model_scores(conn, model.id, benchmark_id=only.id):
                raise UserError(
                    f"{model.name} has no {only.name} score yet. "
                    f"See /model {model.name} for what it has."
                )
    return chosen


async def _lag_line(
    conn: AsyncConnection, p: Pairing, a: ModelRow, b: ModelRow, rivals: Rivals
) -> str | None:
    """The trailing model's lag behind the leading model's country on this benchmark."""
    if p.edge == 0:
        return None  # a tie is a tie: no one trails
    trailing, leader = (b, a) if p.edge > 0 else (a, b)
    value = p.b if p.edge > 0 else p.a
    found = rivals.get((p.benchmark_id, leader.country), [])
    entries = [
        race.Entry(name, leader.country, day, score, False, how) for name, day, score, how in found
    ]
    if any(e.precision != "day" for e in entries if e.released is not None):
        # a month or quarter: any model reaching the score may have been first
        reaching = await standings(
            conn,
            p.benchmark_id,
            country=leader.country,
            reaching=value,
            higher_is_better=p.higher_is_better,
        )
        entries = [phrases.entry(r) for r in reaching]
    entry = race.Entry(
        trailing.name,
        trailing.country,
        trailing.released,
        value,
        precision=trailing.release_precision or "day",
    )
    lag = race.lag(entry, entries, leader.country, p.higher_is_better)
    return f"{p.benchmark}: {phrases.lag_sentence(lag)}"


def _summary(a: ModelRow, b: ModelRow, pairings: list[Pairing]) -> str:
    n = len(pairings)
    a_leads = sum(p.edge > 0 for p in pairings)
    b_leads = sum(p.edge < 0 for p in pairings)
    mean = round(sum(p.edge for p in pairings) / n, 2)
    largest = max(pairings, key=lambda p: abs(p.edge))
    ahead = a.name if mean > 0 else b.name
    level = f"in favour of {ahead}" if mean else "(level)"
    widest = (
        f"largest gap {phrases.score(abs(largest.edge))} on {largest.benchmark}"
        if largest.edge
        else "tied on every benchmark"
    )
    return (
        f"{a.name} leads on {a_leads} of {n}, {b.name} on {b_leads} of {n}; "
        f"mean gap {phrases.score(abs(mean))} points {level}; {widest}."
    )


def _row(p: Pairing, a: ModelRow, b: ModelRow) -> tuple[str, ...]:
    leader = a.name if p.edge > 0 else b.name if p.edge < 0 else "tie"
    lead, trail = (p.a, p.b) if p.edge >= 0 else (p.b, p.a)
    return (
        p.benchmark,
        phrases.score(p.a),
        phrases.score(p.b),
        phrases.score(abs(p.edge)),
        phrases.percent(lead, trail).lstrip("+").rstrip("%"),  # the header says %
        leader,
    )


def _countries(found: Comparison, name_a: str, name_b: str) -> tuple[str, str] | None:
    """Both names are countries (and neither a model's name): `/gap CN US`."""
    if found.models:  # a model's name means the model
        return None
    a, b = country_code(name_a), country_code(name_b)
    if a is None or b is None:
        return None
    if a == b:
        raise UserError(f"Both names are {a}: give two different countries, e.g. /gap CN US.")
    return a, b


async def country_gap_reply(db: Database, a: str, b: str, benchmark: str | None) -> Reply:
    """Each country's best against the other's on every benchmark both have, with lags."""
    async with db.read() as conn:
        benches = (
            [await resolve_benchmark(conn, benchmark)] if benchmark else await all_benchmarks(conn)
        )
        found = [
            side
            for bench in benches
            if (
                side := sides(
                    bench.name, await benchmark_entries(conn, bench), a, b, bench.higher_is_better
                )
            )
        ]
    title = f"{a} vs {b}: each country's best"
    if not found:
        return Reply(title=title, body=f"{a} and {b} have no benchmark in common yet.")
    leads = {side: sum(f.leader == side for f in found) for side in (a, b)}
    first, second = sorted((a, b), key=lambda side: -leads[side])
    ties = len(found) - leads[a] - leads[b]
    body = (
        f"{first} leads on {leads[first]} of {len(found)} benchmarks, {second} on {leads[second]}"
    )
    body += f", tied on {ties}." if ties else "."
    table = Table(("Benchmark", a, b, "Gap", "Leads"), tuple(f.row() for f in found))
    return Reply(title=title, body=body, table=table, extra=tuple(f.sentence() for f in found))


@REGISTRY.command(
    "gap",
    description="Compare two models (or two countries) on every benchmark both have, with lags",
    options=(
        Option("model_a", "First model", required=True, autocomplete=Autocomplete.MODEL),
        Option("model_b", "Second model", required=True, autocomplete=Autocomplete.MODEL),
        Option("benchmark", "Only this benchmark", autocomplete=Autocomplete.BENCHMARK),
    ),
    examples=(
        "/gap GLM-5.2 Opus-4.8",
        '/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE',
        "/gap CN US",
    ),
)
async def gap(request: Request, db: Database) -> Reply:
    name_a, name_b = request.get("model_a"), request.get("model_b")
    async with db.read() as conn:
        found = await compare(conn, name_a, name_b)  # one wait for the database, usually all
        countries = _countries(found, name_a, name_b)
        if countries is None:
            a, b = await _models(conn, found, name_a, name_b)
            pairings, rivals = found.pairings, found.rivals
            if benchmark := request.get("benchmark"):
                pairings = await _only(conn, pairings, a, b, benchmark)
            lags = [line for p in pairings if (line := await _lag_line(conn, p, a, b, rivals))]
            return _models_reply(a, b, pairings, lags)
    return await country_gap_reply(db, *countries, request.get("benchmark"))


def _models_reply(a: ModelRow, b: ModelRow, pairings: list[Pairing], lags: list[str]) -> Reply:
    """Two models' scores side by side, the summary, the lags and their releases."""
    title = f"{a.name} ({a.country}) vs {b.name} ({b.country})"
    if not pairings:
        return Reply(
            title=title,
            body=f"They have no benchmark in common yet. See /model {a.name} and /model {b.name}.",
        )
    releases = f"{phrases.release_sentence(a)}; {phrases.release_sentence(b)}."
    if a.released and b.released:
        days = (b.released - a.released).days
        releases += f" Released {race.months(abs(days))} months apart."
    releases += " Gap % is relative to the trailing score."
    table = Table(
        ("Benchmark", a.name, b.name, "Gap", "Gap %", "Leads"),
        tuple(_row(p, a, b) for p in pairings),
    )
    return Reply(
        title=title,
        body=_summary(a, b, pairings),
        table=table,
        extra=("Time lag:", *lags) if lags else (),
        footer=releases,
    )
