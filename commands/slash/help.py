"""/help [command]: what each command does, with an example, generated from the registry."""

from __future__ import annotations

from commands.core.caller import Platform
from commands.core.errors import UserError
from commands.core.registry import REGISTRY, Command, Option, Permission, Request
from commands.core.reply import Field, Reply
from commands.core.textsyntax import usage
from storage.engine.db import Database

WHO = {
    Permission.CURATOR: " (curators)",
    Permission.CHANNEL_MANAGER: " (channel managers)",
    Permission.EVERYONE: "",
}


def _line(command: Command, console: bool = False) -> str:
    example = f" e.g. `{command.examples[0]}`" if command.examples else ""
    where = " [Discord and Slack channels only]" if console and command.needs_channel else ""
    return f"`{usage(command)}`{WHO[command.permission]}{where}: {command.description}.{example}"


def _detail(command: Command) -> Reply:
    fields = tuple(
        Field(o.name + ("" if o.required else " (optional)"), _option_text(o), inline=False)
        for o in command.options
    )
    examples = "\n".join(command.examples)
    return Reply(
        title=f"/{command.name}{WHO[command.permission]}",
        body=f"{command.description}.\nUsage: {usage(command)}",
        fields=fields,
        footer=f"Examples:\n{examples}" if examples else "",
    )


def _option_text(option: Option) -> str:
    text = option.description
    if option.choices:
        text += f" One of: {', '.join(option.choices)}."
    return text


@REGISTRY.command(
    "help",
    description="What each command does, with an example",
    options=(Option("command", "A command, e.g. gap or admin score"),),
    examples=("/help", "/help gap"),
)
async def help_command(request: Request, db: Database) -> Reply:
    wanted = tuple(request.get("command", "").removeprefix("/").lower().split())
    if not wanted:
        console = request.caller.platform is Platform.CONSOLE
        lines = [_line(c, console) for c in REGISTRY if c.path[0] != "admin"]
        lines.append("`/admin ...` (curators): add and correct data; `/help admin` lists it all.")
        return Reply(
            title="Racewatch commands",
            body="\n".join(lines),
            footer="Options go in order or as name:value in any order; quote a value with "
            'spaces: /gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE',
        )
    if command := REGISTRY.get(wanted):
        return _detail(command)
    matches = REGISTRY.under(wanted)
    if not matches:
        raise UserError(f"There is no command /{' '.join(wanted)}. Try /help for the list.")
    console = request.caller.platform is Platform.CONSOLE
    return Reply(title=f"/{' '.join(wanted)}", body="\n".join(_line(c, console) for c in matches))
