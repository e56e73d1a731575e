"""/timeline MODEL|ORG: releases, scores, access changes and news in date order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from commands.analysis import phrases
from commands.core.registry import REGISTRY, Autocomplete, Option, Request
from commands.core.reply import Reply
from commands.core.subjects import Subject, resolve_subject
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.listings import access_changes, models_where, news_where
from storage.rows import ModelRow, ScoreRow
from storage.scores import model_scores

SHOWN = 40
KINDS = ("release", "score", "access", "news")  # the order within one day


@dataclass(frozen=True)
class Moment:
    """One dated line of a timeline; undated releases sort last."""

    on: date | None
    what: str
    text: str


def _citation(source: str, ambiguous: bool) -> str:
    """The report's source, short; when the same day holds other values for the benchmark
    (an Epoch file's versions of one model), the part that tells them apart (its version)."""
    if not ambiguous:
        return phrases.short_source(source)
    return source.rsplit("; ", 1)[-1] if "; " in source else phrases.short_source(source, 200)


def score_moments(reports: list[ScoreRow]) -> list[Moment]:
    """Each report of a benchmark once per day and value (the current row, else the newest):
    a source listing several versions of one model with one score makes one line, not one a
    version."""
    kept: dict[tuple[str, date, float], ScoreRow] = {}
    for r in reports:  # newest first within a benchmark and day
        key = (r.benchmark, r.reported_on, r.value)
        if key not in kept or (r.is_current and not kept[key].is_current):
            kept[key] = r
    values = Counter((r.benchmark, r.reported_on) for r in kept.values())
    return [
        Moment(
            r.reported_on,
            "score",
            f"{r.model} {phrases.score(r.value)} on {r.benchmark}"
            f" [{_citation(r.source, values[r.benchmark, r.reported_on] > 1)}]",
        )
        for r in kept.values()
    ]


async def model_moments(conn: AsyncConnection, model: ModelRow, scores: bool) -> list[Moment]:
    """A model's release and, if asked, every report of its scores."""
    released = f"{model.name} released ({model.organization}, {model.country}"
    released += f", {model.weights} weights)" if model.weights else ")"
    if model.release_precision not in (None, "day"):
        released += f" in {phrases.released(model)}"
    found = [Moment(model.released, "release", released)]
    if scores:
        found += score_moments(await model_scores(conn, model.id, current_only=False))
    return found


async def moments_of(conn: AsyncConnection, subject: Subject) -> list[Moment]:
    if subject.model is not None:
        models = [subject.model]
        news = await news_where(conn, model_id=subject.model.id)
    else:
        assert subject.organization is not None
        models = await models_where(conn, org_id=subject.organization.id)
        news = await news_where(conn, org_id=subject.organization.id)
    found: list[Moment] = []
    for model in models:
        found += await model_moments(conn, model, scores=True)
    found += [
        Moment(a.on, "access", a.summary)
        for a in await access_changes(conn, [m.name for m in models])
    ]
    found += [Moment(item.happened_on, "news", item.headline) for item in news]
    return sorted(found, key=lambda m: (m.on is None, m.on or date.min, KINDS.index(m.what)))


@REGISTRY.command(
    "timeline",
    description="A model's or an organization's releases, scores, access and news by date",
    options=(
        Option(
            "subject",
            "A model or an organization",
            required=True,
            autocomplete=Autocomplete.MODEL,
        ),
    ),
    examples=("/timeline GLM-5.2", '/timeline "Zhipu AI"'),
)
async def timeline(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        subject = await resolve_subject(conn, request.get("subject"))
        found = await moments_of(conn, subject)
    title = f"Timeline of {subject.name}"
    shown = found[-SHOWN:] if len(found) > SHOWN else found
    if not found:
        return Reply(title=title, body="Nothing on record yet.")
    lines = [f"{m.on.isoformat() if m.on else 'date unknown'} {m.what}: {m.text}" for m in shown]
    earlier = len(found) - len(shown)
    footer = f"{earlier} earlier entries not shown." if earlier else ""
    return Reply(title=title, body="\n".join(lines), footer=footer)
