"""One line of text (Slack, console) -> a command and its raw options.

Options come in their declared order or as `name:value` in any order, the way Discord
shows a filled-in command; a value with spaces is quoted.
"""

from __future__ import annotations

import re
import shlex

from commands.core.errors import UserError
from commands.core.registry import Command, OptionType, Registry

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def split_line(line: str) -> list[str]:
    """Words of a command line; quotes group words (curly quotes count as straight ones)."""
    text = line.translate(_SMART_QUOTES).strip()
    try:
        return shlex.split(text)
    except ValueError:
        raise UserError(
            'A quote is not closed. Quote a value with spaces on both sides: "claude opus 4.8".'
        ) from None


def resolve(registry: Registry, words: list[str]) -> tuple[Command, list[str]]:
    """Find the command that the leading words name (`admin score add`); the rest are options."""
    if not words:
        raise UserError("Type a command, for example /gap GLM-5.2 Opus-4.8. Try /help.")
    path: tuple[str, ...] = ()
    rest = list(words)
    rest[0] = rest[0].removeprefix("/")
    while rest:
        candidate = (*path, rest[0].lower())
        if command := registry.get(candidate):
            return command, rest[1:]
        if not registry.is_group(candidate):
            break
        path = candidate
        rest.pop(0)
    if not path:
        import difflib  # for a mistyped command only: a hundredth of every start-up otherwise

        near = difflib.get_close_matches(rest[0].lower(), registry.roots(), n=1, cutoff=0.75)
        hint = f"Did you mean /{near[0]}?" if near else "Try /help for the list."
        raise UserError(f"There is no command /{rest[0]}. {hint}")
    choices = ", ".join(sorted({c.path[len(path)] for c in registry.under(path)}))
    shown = " ".join(path)
    if rest:
        raise UserError(f"/{shown} has no subcommand `{rest[0]}`: use one of {choices}.")
    raise UserError(f"/{shown} needs a subcommand: one of {choices}. Try /help {shown}.")


def usage(command: Command) -> str:
    """`/gap model_a model_b [benchmark]`."""
    parts = [f"/{command.name}"]
    for option in command.options:
        parts.append(option.name if option.required else f"[{option.name}]")
    return " ".join(parts)


FILTERS = "filters"


def _filter_words(command: Command, words: list[str]) -> tuple[list[str], str | None]:
    """A command with a free-form `filters` option takes every `key:value` or `-key:value`
    word whose key names no option (`/subscribe leads org:"Zhipu AI" -benchmark:X`)."""
    declared = {o.name.lower() for o in command.options}
    if FILTERS not in declared:
        return words, None
    rest: list[str] = []
    taken: list[str] = []
    for word in words:
        name, sep, value = word.partition(":")
        key = name.lower().replace("-", "_")
        if sep and value and re.fullmatch(r"-?[A-Za-z_]+", name) and key not in declared:
            taken.append(f"{name}:{shlex.quote(value)}")
        else:
            rest.append(word)
    return rest, " ".join(taken) or None


def parse_options(command: Command, words: list[str]) -> dict[str, str]:
    """Assign words to options: `name:value` by name, bare words in declared order."""
    by_name = {o.name.lower(): o for o in command.options}
    words, filters = _filter_words(command, words)
    given: dict[str, str] = {FILTERS: filters} if filters else {}
    positional: list[str] = []
    for word in words:
        name, sep, value = word.partition(":")
        key = name.lower().replace("-", "_")
        if sep and key in by_name:
            option = by_name[key]
        elif key in by_name and by_name[key].type is OptionType.BOOLEAN and not sep:
            option, value = by_name[key], "true"
        else:
            positional.append(word)
            continue
        if option.name == FILTERS and filters:
            given[FILTERS] = f"{value} {filters}"
            continue
        if option.name in given:
            raise UserError(f"`{option.name}` is given twice. Usage: {usage(command)}")
        given[option.name] = value
    free = [o for o in command.options if o.name not in given]
    if len(free) == 1 and free[0].type in (OptionType.STRING, OptionType.TEXT) and positional:
        positional = [" ".join(positional)]  # `/model glm 5.2` needs no quotes
    elif FILTERS in by_name and positional:
        positional = [" ".join(positional)]  # `/subscribe leads scores`: the first option
    if len(positional) > len(free):
        extra = " ".join(positional[len(free) :])
        raise UserError(
            f"Too many values for /{command.name}: `{extra}` is left over "
            f"(quote a value with spaces). Usage: {usage(command)}"
        )
    for option, value in zip(free, positional, strict=False):
        given[option.name] = value
    return given
