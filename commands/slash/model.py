"""/model NAME: a model card with every current score and its source."""

from __future__ import annotations

from commands.analysis import phrases
from commands.core.lookup import resolve_model
from commands.core.registry import REGISTRY, Autocomplete, Option, Request
from commands.core.reply import Field, Reply, Table, footnotes
from commands.feeds.credit import credit_lines
from storage import names
from storage.engine.db import Database
from storage.rows import ModelRow
from storage.scores import model_scores


def _fields(model: ModelRow) -> tuple[Field, ...]:
    size = f"{model.params_b:g}B parameters" if model.params_b else "unknown"
    context = f"{model.context_tokens:,} tokens" if model.context_tokens else "unknown"
    access = model.access + (f" ({model.access_note})" if model.access_note else "")
    return (
        Field("Organization", model.organization),
        Field("Country", model.country),
        Field("Released", phrases.released(model) if model.released else "unknown"),
        Field("Size", size),
        Field("Context", context),
        Field("Weights", model.weights or "unknown"),
        Field("Licence", model.licence or "unknown"),
        Field("Access", access, inline=False),
    )


@REGISTRY.command(
    "model",
    description="A model card: organization, release, size, licence, access and all scores",
    options=(Option("name", "The model", required=True, autocomplete=Autocomplete.MODEL),),
    examples=("/model GLM-5.2", '/model "claude opus 4.8"'),
)
async def model(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        found = await resolve_model(conn, request.get("name"))
        scores = await model_scores(conn, found.id)
        aliases = [a for a in await names.aliases(conn, "model", found.id) if a != found.name]
    refs, notes = footnotes([phrases.short_source(s.source) for s in scores])
    table = (
        Table(
            ("Benchmark", "Score", "Reported", "Source"),
            tuple(
                (s.benchmark, phrases.score(s.value), s.reported_on.isoformat(), ref)
                for s, ref in zip(scores, refs, strict=True)
            ),
        )
        if scores
        else None
    )
    body = f"Also known as {', '.join(aliases)}." if aliases else ""
    if not scores:
        body = (body + " No scores yet.").strip()
    sources = [found.source, *(s.source for s in scores)]
    return Reply(
        title=f"{found.name} ({found.organization}, {found.country})",
        body=body,
        fields=_fields(found),
        table=table,
        footer="Sources: " + " | ".join(dict.fromkeys(sources)),
        extra=(*notes, *credit_lines(sources)),
    )
