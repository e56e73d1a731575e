"""/sources MODEL [benchmark]: where every number came from, disagreements flagged."""

from __future__ import annotations

from itertools import groupby

from commands.analysis import phrases
from commands.core.lookup import resolve_benchmark, resolve_model
from commands.core.registry import REGISTRY, Autocomplete, Option, Request
from commands.core.reply import Reply, Table, footnotes
from commands.feeds.credit import credit_lines
from storage.engine.db import Database
from storage.news import model_news
from storage.rows import ScoreRow
from storage.scores import model_scores


def disagreement(reports: list[ScoreRow]) -> str | None:
    """A warning when the sources of one pair report different values."""
    values = {r.value for r in reports}
    if len(values) < 2:
        return None
    listed = "; ".join(
        f"{phrases.score(r.value)} ({r.source}, {r.reported_on.isoformat()})" for r in reports
    )
    return f"⚠ Sources disagree on {reports[0].benchmark}: {listed}"


@REGISTRY.command(
    "sources",
    description="Where every number about a model came from, disagreements flagged",
    options=(
        Option("model", "The model", required=True, autocomplete=Autocomplete.MODEL),
        Option("benchmark", "Only this benchmark", autocomplete=Autocomplete.BENCHMARK),
    ),
    examples=("/sources GLM-5.2", "/sources Opus-4.8 FrontierSWE"),
)
async def sources(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        model = await resolve_model(conn, request.get("model"))
        only = request.get("benchmark")
        bench_id = (await resolve_benchmark(conn, only)).id if only else None
        reports = await model_scores(conn, model.id, benchmark_id=bench_id, current_only=False)
        news = [] if only else await model_news(conn, model.id)
    warnings = [
        w
        for _, pair in groupby(reports, key=lambda r: r.benchmark_id)
        if (w := disagreement(list(pair)))
    ]
    refs, notes = footnotes([f"{r.source} (added by {r.added_by})" for r in reports])
    table = (
        Table(
            ("Benchmark", "Score", "Reported", "Current", "Source"),
            tuple(
                (
                    r.benchmark,
                    phrases.score(r.value),
                    r.reported_on.isoformat(),
                    "yes" if r.is_current else "no",
                    ref,
                )
                for r, ref in zip(reports, refs, strict=True)
            ),
        )
        if reports
        else None
    )
    body = "\n".join(warnings) or (
        "Every score has a single value across its sources." if reports else "No scores yet."
    )
    news_lines = tuple(f"News: {n.headline} ({n.source})" for n in news)
    return Reply(
        title=f"Sources for {model.name}",
        body=body,
        table=table,
        extra=(
            *notes,
            f"Model facts: {model.source}",
            *news_lines,
            *credit_lines([model.source, *(r.source for r in reports)]),
        ),
    )
