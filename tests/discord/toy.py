"""A small registry for Discord front-end tests that must not depend on the real commands."""

from __future__ import annotations

import asyncio

from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.core.registry import Autocomplete, Option, OptionType, Permission, Registry, Request
from commands.core.reply import Image, Reply
from storage.engine.db import Database

TOY = Registry()
RAN: list[str] = []  # which toy handlers ran (a refused command never appears)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

TOY.group("admin", description="Curators: change the data")
TOY.group("admin", "score", description="Scores")


@TOY.command(
    "echo",
    description="Say it back",
    options=(
        Option("words", "what to say", OptionType.TEXT, required=True),
        Option("model", "a model", autocomplete=Autocomplete.MODEL),
        Option("open-only", "only open weights", OptionType.BOOLEAN),
        Option("limit", "how many", OptionType.INTEGER, min_value=1, max_value=50),
        Option("colour", "a colour", choices=("red", "green")),
    ),
)
async def echo(request: Request, _db: Database) -> Reply:
    RAN.append("echo")
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(request.options.items()))
    return Reply(title="Echo", body=shown)


@TOY.command("admin", "score", "add", description="Curators only", permission=Permission.CURATOR)
async def score_add(request: Request, _db: Database) -> Reply:
    RAN.append("admin score add")
    return Reply(body=f"added by {request.caller.actor}")


@TOY.command("subscribe", description="Managers only", permission=Permission.CHANNEL_MANAGER)
async def subscribe(request: Request, _db: Database) -> Reply:
    RAN.append("subscribe")
    return Reply(body=f"subscribed {request.caller.channel_id}")


@TOY.command("chart", description="A picture")
async def chart(_request: Request, _db: Database) -> Reply:
    RAN.append("chart")
    return Reply(title="Chart", image=Image("chart.png", PNG, "the frontier"))


@TOY.command("crunch", description="Slow and then fails", slow=True)
async def crunch(_request: Request, _db: Database) -> Reply:
    RAN.append("crunch")
    raise UserError("crunch found nothing to crunch")


@TOY.command("dawdle", description="Not declared slow, but is")
async def dawdle(_request: Request, _db: Database) -> Reply:
    RAN.append("dawdle")
    await asyncio.sleep(0.5)
    return Reply(body="finally")


@TOY.command(
    "upload",
    description="Reads a file",
    options=(Option("file", "the file", OptionType.ATTACHMENT, required=True),),
)
async def upload(request: Request, _db: Database) -> Reply:
    RAN.append("upload")
    attached: Attachment = request.options["file"]
    return Reply(
        body=f"{attached.filename}: {len(attached.data)} bytes, starts {attached.data[:5]!r}"
    )
