"""A small registry for front-end tests (Discord and Slack) that must not depend on the real
commands or their wording: typed options, rights, slow and failing commands, files, images."""

from __future__ import annotations

import asyncio

from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.core.registry import Autocomplete, Option, OptionType, Permission, Registry, Request
from commands.core.reply import Field, Image, Reply, Table
from storage.engine.db import Database

TOY = Registry()
RAN: list[str] = []  # which toy handlers ran (a refused command never appears)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

TOY.group("admin", description="Curators: change the data")
TOY.group("admin", "score", description="Scores")


class Gate:
    """Holds a slow toy command until the test opens it (proves the ack came first)."""

    event: asyncio.Event | None = None


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
    return Reply(title="Echo", body=shown, fields=(Field("who", request.caller.user_id),))


@TOY.command("admin", "score", "add", description="Curators only", permission=Permission.CURATOR)
async def score_add(request: Request, _db: Database) -> Reply:
    RAN.append("admin score add")
    return Reply(body=f"added by {request.caller.actor}")


@TOY.command("admin", "poke", description="Curators only", permission=Permission.CURATOR)
async def poke(request: Request, _db: Database) -> Reply:
    RAN.append("admin poke")
    return Reply(body=f"poked by {request.caller.actor}")


@TOY.command("subscribe", description="Managers only", permission=Permission.CHANNEL_MANAGER)
async def subscribe(request: Request, _db: Database) -> Reply:
    RAN.append("subscribe")
    return Reply(body=f"subscribed {request.caller.channel_id}")


@TOY.command("chart", description="A picture", slow=True)
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


@TOY.command("ponder", description="Slow until released", slow=True)
async def ponder(_request: Request, _db: Database) -> Reply:
    assert Gate.event is not None
    await Gate.event.wait()
    RAN.append("ponder")
    return Reply(body="pondered")


@TOY.command("boom", description="Fails")
async def boom(_request: Request, _db: Database) -> Reply:
    RAN.append("boom")
    raise RuntimeError("kaboom")


@TOY.command(
    "table", description="A table", options=(Option("rows", "how many", OptionType.INTEGER),)
)
async def table(request: Request, _db: Database) -> Reply:
    RAN.append("table")
    n = request.get("rows", 3)
    rows = tuple((f"model-{i}", f"{i}.0") for i in range(n))
    return Reply(title="Table", table=Table(("model", "score"), rows))


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
