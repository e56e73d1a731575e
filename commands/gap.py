"""/gap A B [benchmark]: two models side by side, benchmark by benchmark, with the time lag."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from commands import phrases, race
from commands.errors import UserError
from commands.names import resolve_benchmark, resolve_model
from commands.registry import REGISTRY, Autocomplete, Option, Request
from commands.reply import Reply, Table
from storage.db import Database
from storage.names import normalize
from storage.pairs import Rivals, Scored, lag_rivals, two_models_with_scores
from storage.rows import ModelRow


@dataclass(frozen=True)
class Pairing:
    """Both models' current scores on one benchmark; `edge` is A's advantage in points."""

    benchmark_id: int
    benchmark: str
    higher_is_better: bool
    a: float
    b: float

    @property
    def edge(self) -> float:
        return self.a - self.b if self.higher_is_better else self.b - self.a


async def _models(
    conn: AsyncConnection, name_a: str, name_b: str
) -> tuple[tuple[ModelRow, list[Scored]], tuple[ModelRow, list[Scored]]]:
    """Both models with their current scores; an unknown name raises with suggestions."""
    found = await two_models_with_scores(conn, name_a, name_b)
    pair = []
    for name in (name_a, name_b):
        if normalize(name) not in found:
            await resolve_model(conn, name)  # raises UserError naming the closest models
        pair.append(found[normalize(name)])
    return pair[0], pair[1]


async def _pairings(
    conn: AsyncConnection,
    a: tuple[ModelRow, list[Scored]],
    b: tuple[ModelRow, list[Scored]],
    benchmark: str | None,
) -> list[Pairing]:
    only = (await resolve_benchmark(conn, benchmark)).id if benchmark else None
    scores_a = {s.benchmark_id: s for s in a[1] if only in (None, s.benchmark_id)}
    scores_b = {s.benchmark_id: s for s in b[1] if only in (None, s.benchmark_id)}
    if only is not None:
        for (model, _), scores in ((a, scores_a), (b, scores_b)):
            if only not in scores:
                raise UserError(
                    f"{model.name} has no {benchmark} score yet. "
                    f"See /model {model.name} for what it has."
                )
    common = sorted(scores_a.keys() & scores_b.keys(), key=lambda i: scores_a[i].benchmark)
    return [
        Pairing(
            i,
            scores_a[i].benchmark,
            scores_a[i].higher_is_better,
            scores_a[i].value,
            scores_b[i].value,
        )
        for i in common
    ]


def _lag_line(p: Pairing, a: ModelRow, b: ModelRow, rivals: Rivals) -> str | None:
    """The trailing model's lag behind the leading model's country on this benchmark."""
    if p.edge == 0:
        return None
    trailing, leader = (b, a) if p.edge > 0 else (a, b)
    value = p.b if p.edge > 0 else p.a
    found = rivals.get((p.benchmark_id, leader.country), [])
    entries = [race.Entry(name, leader.country, day, score) for name, day, score in found]
    entry = race.Entry(trailing.name, trailing.country, trailing.released, value)
    lag = race.lag(entry, entries, leader.country, p.higher_is_better)
    return f"{p.benchmark}: {phrases.lag_sentence(lag)}"


def _summary(a: ModelRow, b: ModelRow, pairings: list[Pairing]) -> str:
    n = len(pairings)
    a_leads = sum(p.edge > 0 for p in pairings)
    b_leads = sum(p.edge < 0 for p in pairings)
    mean = sum(p.edge for p in pairings) / n
    largest = max(pairings, key=lambda p: abs(p.edge))
    ahead = a.name if mean > 0 else b.name
    return (
        f"{a.name} leads on {a_leads} of {n}, {b.name} on {b_leads} of {n}; "
        f"mean gap {abs(mean):.1f} points in favour of {ahead}; largest gap "
        f"{abs(largest.edge):.1f} on {largest.benchmark}."
    )


def _row(p: Pairing, a: ModelRow, b: ModelRow) -> tuple[str, ...]:
    leader = a.name if p.edge > 0 else b.name if p.edge < 0 else "tie"
    lead, trail = (p.a, p.b) if p.edge >= 0 else (p.b, p.a)
    return (
        p.benchmark,
        phrases.score(p.a),
        phrases.score(p.b),
        f"{abs(p.edge):.1f}",
        phrases.percent(lead, trail).lstrip("+"),
        leader,
    )


@REGISTRY.command(
    "gap",
    description="Compare two models on every benchmark both have, with the time lag",
    options=(
        Option("model_a", "First model", required=True, autocomplete=Autocomplete.MODEL),
        Option("model_b", "Second model", required=True, autocomplete=Autocomplete.MODEL),
        Option("benchmark", "Only this benchmark", autocomplete=Autocomplete.BENCHMARK),
    ),
    examples=("/gap GLM-5.2 Opus-4.8", '/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE'),
)
async def gap(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        with_a, with_b = await _models(conn, request.get("model_a"), request.get("model_b"))
        a, b = with_a[0], with_b[0]
        if a.id == b.id:
            raise UserError(f"Both names are {a.name}: give two different models.")
        pairings = await _pairings(conn, with_a, with_b, request.get("benchmark"))
        title = f"{a.name} ({a.country}) vs {b.name} ({b.country})"
        if not pairings:
            return Reply(
                title=title,
                body="They have no benchmark in common yet. "
                f"See /model {a.name} and /model {b.name}.",
            )
        rivals = await lag_rivals(conn, a, b)
    lags = [line for p in pairings if (line := _lag_line(p, a, b, rivals))]
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
