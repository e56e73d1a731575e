"""/admin forecast, access and news: curators record claims, access changes and happenings."""

from __future__ import annotations

from commands.alerts.resolution import canonical_condition
from commands.core.errors import UserError
from commands.core.lookup import resolve_model, resolve_organization
from commands.core.options import PartialDate, Window
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Permission, Request
from commands.core.reply import Reply
from storage.changes import Change
from storage.engine.db import Database
from storage.forecasts import add_forecast, get_forecast, list_forecasts, resolve_forecast
from storage.models import set_access
from storage.names import normalize
from storage.news import add_news

CURATOR = Permission.CURATOR
REGISTRY.group("admin", "forecast", description="Add or resolve a forecast")


def _day(request: Request, option: str) -> PartialDate | None:
    value: PartialDate | None = request.get(option)
    if value is not None and value.day > request.now.date():
        raise UserError(f"`{option}` {value} is in the future.")
    return value


@REGISTRY.command(
    "admin",
    "forecast",
    "add",
    description="Record a forecast: who said what, by when",
    permission=CURATOR,
    options=(
        Option("who", "Who said it", required=True),
        Option("claim", "What they claimed", type=OptionType.TEXT, required=True),
        Option(
            "window",
            "Target window: 2027-Q1, 2026-11..2026-12 or 2026-11-01..2026-12-31",
            type=OptionType.WINDOW,
            required=True,
        ),
        Option("source", "URL or citation", type=OptionType.SOURCE, required=True),
        Option("said", "When it was said: 2026-06-18", type=OptionType.DATE),
        Option(
            "condition",
            "Checked on every score: best CN score on FrontierSWE >= best score of Fable 5",
            type=OptionType.TEXT,
        ),
    ),
    examples=(
        '/admin forecast add who:"Elon Musk" claim:"Chinese models reach Fable-level" '
        "window:2027-Q1 said:2026-06-18 source:https://example.org/post",
        '/admin forecast add who:"Tang Jie" claim:"CN passes 80 on FrontierSWE" window:2027 '
        'source:https://example.org/post condition:"best CN score on FrontierSWE >= 80"',
    ),
)
async def forecast_add(request: Request, db: Database) -> Reply:
    window: Window = request.get("window")
    said = _day(request, "said")
    async with db.write(
        request.caller.actor, f"forecast add by {request.get('who')}", request.now
    ) as change:
        condition = request.get("condition")
        if condition is not None:
            condition = await canonical_condition(change.conn, condition)
        await refuse_repeat(change, request.get("who"), request.get("claim"), window)
        forecast_id = await add_forecast(
            change,
            {
                "who": request.get("who"),
                "claim": request.get("claim"),
                "said_on": said.day if said else None,
                "source": request.get("source"),
                "window_from": window.start,
                "window_to": window.end,
                "condition": condition,
                "added_by": request.caller.actor,
            },
        )
    checked = f"\nResolves itself when {condition}." if condition else ""
    return Reply(
        title=f"Forecast #{forecast_id} recorded",
        body=f"{request.get('who')}: {request.get('claim')} ({window}).{checked}",
    )


async def refuse_repeat(change: Change, who: str, claim: str, window: Window) -> None:
    """A forecast already stored (same who, claim and window, spelled loosely) is pointed out."""
    key = (normalize(who), normalize(claim), window.start, window.end)
    for known in await list_forecasts(change.conn):
        if (
            normalize(known.who),
            normalize(known.claim),
            known.window_from,
            known.window_to,
        ) == key:
            raise UserError(
                f"Forecast #{known.id} already records this ({known.who}: {known.claim}); "
                "nothing was added. See /forecasts."
            )


@REGISTRY.command(
    "admin",
    "forecast",
    "resolve",
    description="Close a forecast as hit, missed or withdrawn",
    permission=CURATOR,
    options=(
        Option(
            "id",
            "Forecast number (see /forecasts)",
            type=OptionType.INTEGER,
            required=True,
            min_value=1,
        ),
        Option("status", "The outcome", choices=("hit", "missed", "withdrawn"), required=True),
        Option("note", "Why: the evidence or a source", type=OptionType.TEXT),
        Option("force", "Resolve it before its window opens", type=OptionType.BOOLEAN),
    ),
    examples=('/admin forecast resolve 2 missed note:"No CN model reached it by 2027-03-31"',),
)
async def forecast_resolve(request: Request, db: Database) -> Reply:
    async with db.write(
        request.caller.actor, f"forecast resolve #{request.get('id')}", request.now
    ) as change:
        forecast = await get_forecast(change.conn, request.get("id"))
        if forecast is None:
            raise UserError(f"There is no forecast #{request.get('id')}; see /forecasts.")
        if forecast.status != "open":
            raise UserError(f"Forecast #{forecast.id} is already {forecast.status}.")
        premature = request.now.date() < forecast.window_from
        if premature and request.get("status") != "withdrawn" and not request.get("force"):
            raise UserError(
                f"Forecast #{forecast.id}'s window opens {forecast.window_from.isoformat()}; "
                f"nothing was changed. To resolve it now anyway, add `force`: "
                f"/admin forecast resolve {forecast.id} {request.get('status')} force"
            )
        await resolve_forecast(change, forecast, request.get("status"), request.get("note"))
    return Reply(title=f"Forecast #{forecast.id}: {request.get('status')}", body=forecast.claim)


@REGISTRY.command(
    "admin",
    "access",
    description="Set a model's access: available, restricted or withdrawn",
    permission=CURATOR,
    options=(
        Option("model", "The model", required=True, autocomplete=Autocomplete.MODEL),
        Option(
            "status",
            "Its access now",
            choices=("available", "restricted", "withdrawn"),
            required=True,
        ),
        Option("note", "Why, with a source", type=OptionType.TEXT),
    ),
    examples=('/admin access "Fable 5" withdrawn note:"US export controls"',),
)
async def access(request: Request, db: Database) -> Reply:
    async with db.write(request.caller.actor, "access", request.now) as change:
        model = await resolve_model(change.conn, request.get("model"))
        change.action = f"access {model.name} {request.get('status')}"
        if model.access == request.get("status") and model.access_note == request.get("note"):
            raise UserError(f"{model.name} is already {model.access}.")
        await set_access(change, model.id, request.get("status"), request.get("note"))
    return Reply(
        title=f"{model.name} is now {request.get('status')}", body=request.get("note") or ""
    )


@REGISTRY.command(
    "admin",
    "news",
    description="Record a news item with its source",
    permission=CURATOR,
    options=(
        Option("headline", "What happened", type=OptionType.TEXT, required=True),
        Option("source", "URL or citation", type=OptionType.SOURCE, required=True),
        Option("date", "When it happened", type=OptionType.DATE),
        Option("model", "The model it concerns", autocomplete=Autocomplete.MODEL),
        Option("org", "The organization it concerns", autocomplete=Autocomplete.ORGANIZATION),
    ),
    examples=(
        '/admin news "Zhipu AI open-sources GLM-5.2" source:https://example.org/post model:GLM-5.2',
    ),
)
async def news(request: Request, db: Database) -> Reply:
    happened = _day(request, "date")
    async with db.write(request.caller.actor, "news", request.now) as change:
        model = (
            await resolve_model(change.conn, request.get("model")) if request.get("model") else None
        )
        org = (
            await resolve_organization(change.conn, request.get("org"))
            if request.get("org")
            else None
        )
        await add_news(
            change,
            request.get("headline"),
            request.get("source"),
            happened.day if happened else None,
            model=model,
            organization=(org.id, org.name, org.country) if org else None,
        )
    return Reply(title="News recorded", body=request.get("headline"))
