"""A small registry for front-end tests that must not depend on the real commands' wording."""

from __future__ import annotations

import asyncio

from commands.core.registry import Option, OptionType, Permission, Registry, Request
from commands.core.reply import Field, Image, Reply, Table
from storage.engine.db import Database

TOY = Registry()
RAN: list[str] = []  # which toy handlers actually ran (a refused command never appears)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

TOY.group("admin", description="Curators: change the data")


@TOY.command("echo", description="Say it back", options=(Option("words", "what", OptionType.TEXT),))
async def echo(request: Request, _db: Database) -> Reply:
    RAN.append("echo")
    words = request.get("words", "")
    return Reply(title="Echo", body=words, fields=(Field("who", request.caller.user_id),))


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


@TOY.command("boom", description="Fails")
async def boom(_request: Request, _db: Database) -> Reply:
    RAN.append("boom")
    raise RuntimeError("kaboom")


@TOY.command("table", description="A table", options=(Option("rows", "", OptionType.INTEGER),))
async def table(request: Request, _db: Database) -> Reply:
    RAN.append("table")
    n = request.get("rows", 3)
    rows = tuple((f"model-{i}", f"{i}.0") for i in range(n))
    return Reply(title="Table", table=Table(("model", "score"), rows))


class Gate:
    """Holds a slow toy command until the test opens it (proves the ack came first)."""

    event: asyncio.Event | None = None


@TOY.command("ponder", description="Slow until released", slow=True)
async def ponder(_request: Request, _db: Database) -> Reply:
    assert Gate.event is not None
    await Gate.event.wait()
    RAN.append("ponder")
    return Reply(body="pondered")
