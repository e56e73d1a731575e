"""/admin model, benchmark and score: curators add and correct the race data."""

from __future__ import annotations

from typing import Any

from commands.analysis import phrases
from commands.core.curation import record_score
from commands.core.errors import UserError
from commands.core.lookup import (
    refuse_existing,
    resolve_benchmark,
    resolve_model,
    resolve_organization,
)
from commands.core.model_fields import MODEL_FIELDS
from commands.core.options import PartialDate
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Permission, Request
from commands.core.reply import Reply
from storage import names
from storage.benchmarks import add_benchmark
from storage.changes import Change
from storage.engine.db import Database
from storage.figures import figure
from storage.limits import UNIT_LENGTH
from storage.models import add_model, edit_model
from storage.organizations import add_organization
from storage.rows import ScoreRow
from storage.scores import model_scores

CURATOR = Permission.CURATOR
REGISTRY.group("admin", description="Curators: add and correct models, scores and forecasts")
REGISTRY.group("admin", "model", description="Add or edit a model")
REGISTRY.group("admin", "benchmark", description="Add a benchmark")
REGISTRY.group("admin", "score", description="Add a score")


def _aliases(request: Request) -> tuple[str, ...]:
    return tuple(a.strip() for a in request.get("aliases", "").split(",") if a.strip())


async def _model_values(change: Change, request: Request) -> dict[str, Any]:
    """The model columns given in the request (organization created when new)."""
    values: dict[str, Any] = {}
    if org_name := request.get("org"):
        org_id = await names.lookup(change.conn, "organization", org_name)
        country = request.get("country")
        if org_id is None:
            await refuse_existing(change.conn, "organization", org_name)
            if country is None:
                raise UserError(
                    f"`{org_name}` is a new organization: give its country too, "
                    f'e.g. org:"{org_name}" country:CN'
                )
            org_id = await add_organization(change, org_name, country, _source(request))
        elif country and country != (await resolve_organization(change.conn, org_name)).country:
            raise UserError(
                f"{org_name} is recorded as a different country; organizations keep one country."
            )
        values["org_id"] = org_id
    released: PartialDate | None = request.get("released")
    if released is not None:
        values |= {"released": released.day, "release_precision": released.precision}
    for option, column in (
        ("weights", "weights"),
        ("params", "params_b"),
        ("context", "context_tokens"),
        ("licence", "licence"),
    ):
        if request.get(option) is not None:
            values[column] = request.get(option)
    return values


def _source(request: Request) -> str:
    return request.get("source") or f"added by {request.caller.actor} on {request.now.date()}"


async def _add_names(change: Change, kind: str, labels: tuple[str, ...], entity_id: int) -> None:
    for label in labels:
        if not names.normalize(label):
            raise UserError(f"`{label}` has no letters or digits; give a real name.")
        try:
            await names.add_name(change, kind, label, entity_id)
        except names.NameTakenError as taken:
            raise UserError(
                f"The name `{label}` already belongs to the {kind} {taken.existing}, "
                "or looks just like one of its names."
            ) from None


@REGISTRY.command(
    "admin",
    "model",
    "add",
    description="Add a model",
    permission=CURATOR,
    options=(Option("name", "The model's canonical name", required=True), *MODEL_FIELDS),
    examples=(
        '/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20 weights:open',
    ),
)
async def model_add(request: Request, db: Database) -> Reply:
    name = request.get("name")
    if not names.normalize(name):
        raise UserError(f"`{name}` has no letters or digits; give a real model name.")
    async with db.write(request.caller.actor, f"model add {name}", request.now) as change:
        await refuse_existing(change.conn, "model", name)
        values = await _model_values(change, request)
        if "org_id" not in values:
            raise UserError('A new model needs its organization: org:"Moonshot AI" country:CN')
        model_id = await add_model(
            change, {"name": name, "access": "unknown", "source": _source(request), **values}
        )
        await _add_names(change, "model", _aliases(request), model_id)
    return Reply(title=f"Added {name}", body=f"See /model {name}.")


@REGISTRY.command(
    "admin",
    "model",
    "edit",
    description="Correct a model's facts",
    permission=CURATOR,
    options=(
        Option("name", "The model", required=True, autocomplete=Autocomplete.MODEL),
        *MODEL_FIELDS,
    ),
    examples=("/admin model edit Opus-4.8 released:2026-03-01",),
)
async def model_edit(request: Request, db: Database) -> Reply:
    async with db.write(
        request.caller.actor, f"model edit {request.get('name')}", request.now
    ) as change:
        model = await resolve_model(change.conn, request.get("name"))
        values = await _model_values(change, request)
        if request.get("source"):
            values["source"] = request.get("source")
        if not values and not _aliases(request):
            raise UserError("Nothing to change: give a field, e.g. released:2026-03-01.")
        if values:
            await edit_model(change, model.id, values)
        await _add_names(change, "model", _aliases(request), model.id)
    changed = ", ".join(sorted(values)) or "aliases"
    return Reply(title=f"Edited {model.name}", body=f"Changed: {changed}. See /model {model.name}.")


@REGISTRY.command(
    "admin",
    "benchmark",
    "add",
    description="Add a benchmark",
    permission=CURATOR,
    options=(
        Option("name", "The benchmark's name", required=True),
        Option("description", "What it measures", type=OptionType.TEXT),
        Option("unit", "Unit of its scores (default: points)", max_length=UNIT_LENGTH),
        Option(
            "higher_is_better",
            "Whether a higher score is better (default yes)",
            type=OptionType.BOOLEAN,
        ),
        Option("min", "Lowest valid score", type=OptionType.NUMBER),
        Option("max", "Highest valid score", type=OptionType.NUMBER),
        Option("source", "URL or citation describing it", type=OptionType.SOURCE),
    ),
    examples=(
        '/admin benchmark add SWE-Marathon description:"Hardest long-horizon tasks" min:0 max:100',
    ),
)
async def benchmark_add(request: Request, db: Database) -> Reply:
    name = request.get("name")
    low, high = request.get("min"), request.get("max")
    if low is not None and high is not None and low >= high:
        raise UserError(f"min ({low:g}) must be below max ({high:g}).")
    if not names.normalize(name):
        raise UserError(f"`{name}` has no letters or digits; give a real benchmark name.")
    async with db.write(request.caller.actor, f"benchmark add {name}", request.now) as change:
        await refuse_existing(change.conn, "benchmark", name)
        await add_benchmark(
            change,
            {
                "name": name,
                "description": request.get("description", ""),
                "unit": request.get("unit", "points"),
                "higher_is_better": request.get("higher_is_better", True),
                "min_value": low,
                "max_value": high,
                "source": _source(request),
            },
        )
    return Reply(
        title=f"Added benchmark {name}",
        body=f"Add scores with /admin score add MODEL {name} VALUE source:URL",
    )


@REGISTRY.command(
    "admin",
    "score",
    "add",
    description="Add a score with its source",
    permission=CURATOR,
    options=(
        Option("model", "The model", required=True, autocomplete=Autocomplete.MODEL),
        Option("benchmark", "The benchmark", required=True, autocomplete=Autocomplete.BENCHMARK),
        Option("value", "The score", type=OptionType.NUMBER, required=True),
        Option(
            "source",
            "URL or citation where the score was reported",
            type=OptionType.SOURCE,
            required=True,
        ),
        Option("date", "Day it was reported (default today): 2026-11-20", type=OptionType.DATE),
        Option("stderr", "Standard error, if reported", type=OptionType.NUMBER, min_value=0),
    ),
    examples=(
        "/admin score add Kimi-K9 FrontierSWE 76.0 source:https://example.org/post date:2026-11-20",
    ),
)
async def score_add(request: Request, db: Database) -> Reply:
    reported: PartialDate | None = request.get("date")
    if reported is not None and reported.precision != "day":
        raise UserError(f"date {reported} must be a day, e.g. 2026-11-20.")
    day = reported.day if reported else request.now.date()
    async with db.write(request.caller.actor, "score add", request.now) as change:
        model = await resolve_model(change.conn, request.get("model"))
        bench = await resolve_benchmark(change.conn, request.get("benchmark"))
        change.action = f"score add {model.name} {bench.name} {request.get('value'):g}"
        before = await model_scores(change.conn, model.id, benchmark_id=bench.id)
        outcome = await record_score(
            change,
            model,
            bench,
            request.get("value"),
            reported_on=day,
            source=request.get("source"),
            stderr=request.get("stderr"),
        )
    verb = {"added": "Added", "updated": "Corrected", "unchanged": "Already recorded"}
    lead = (
        f" Lead change: {outcome.lead_change[1]} now leads {outcome.lead_change[0]} on "
        f"{bench.name}."
        if outcome.lead_change
        else ""
    )
    replaced = replaced_sentence(before, request.get("value"), request.get("source"))
    value = figure(request.get("value"))
    return Reply(
        title=f"{verb[outcome.status]}: {model.name} {value} on {bench.name}",
        body=f"Reported {day.isoformat()} by {request.get('source')}.{replaced}{lead} "
        f"See /leaderboard {bench.name}.",
    )


def replaced_sentence(before: list[ScoreRow], value: float, source: str) -> str:
    """What a report from another source took over from: ` Now 75.1 from X; was 74.4 from Y`."""
    if not before or before[0].source == source:
        return ""
    was = before[0]
    verdict = "sources agree" if was.value == value else "sources disagree"
    return (
        f" Now {phrases.score(value)} from {phrases.short_source(source)}; was "
        f"{phrases.score(was.value)} from {phrases.short_source(was.source)}: {verdict} "
        f"(/sources {was.model} {was.benchmark})."
    )
