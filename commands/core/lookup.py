"""Forgiving name resolution: `glm 5.2`, `GLM5.2` and aliases all find `GLM-5.2`."""

from __future__ import annotations

from typing import Any

from commands.core.errors import UserError
from storage import names
from storage.benchmarks import find_benchmark, get_benchmark
from storage.engine.aio import AsyncConnection
from storage.models import find_model, get_model
from storage.organizations import get_organization
from storage.rows import BenchmarkRow, ModelRow, OrganizationRow


def resemblance(typed: str, name: str, **_: Any) -> float:
    """0-100: the better of WRatio (a word inside a longer name: `deeps` in DeepSeek-V3) and
    Jaro-Winkler (a typo near the start: `Zhupi-Labs` for Zhipu AI)."""
    from rapidfuzz import fuzz  # loaded on the first miss, not at start-up
    from rapidfuzz.distance import JaroWinkler

    return max(fuzz.WRatio(typed, name), 100 * JaroWinkler.similarity(typed, name))


async def closest(conn: AsyncConnection, kind: str, typed: str, limit: int = 3) -> list[str]:
    """Canonical names that truly resemble what was typed (none rather than padding).

    80 of 100 keeps `deeps` -> DeepSeek-V3 (90) and drops Claude Opus 4.8 (71).
    """
    from rapidfuzz import process

    pairs = await names.canonical_names(conn, kind)
    keys = {names.normalize(label): canonical for label, canonical in pairs}
    found: list[str] = []
    matches = process.extract(
        names.normalize(typed), list(keys), scorer=resemblance, limit=limit * 3, score_cutoff=80
    )
    for key, _score, _index in matches:
        if keys[key] not in found:
            found.append(keys[key])
    return found[:limit]


async def _entity_id(conn: AsyncConnection, kind: str, text: str) -> int:
    entity_id = await names.lookup(conn, kind, text)
    if entity_id is not None:
        return entity_id
    suggestions = await closest(conn, kind, text)
    listing = "/benchmarks" if kind == "benchmark" else "/models"
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else f" {listing} lists them."
    raise UserError(f"I don't know the {kind} `{text}`.{hint}")


async def resolve_model(conn: AsyncConnection, text: str) -> ModelRow:
    found = await find_model(conn, text)
    return (
        found if found is not None else await get_model(conn, await _entity_id(conn, "model", text))
    )


async def resolve_benchmark(conn: AsyncConnection, text: str) -> BenchmarkRow:
    found = await find_benchmark(conn, text)
    return (
        found
        if found is not None
        else await get_benchmark(conn, await _entity_id(conn, "benchmark", text))
    )


async def resolve_organization(conn: AsyncConnection, text: str) -> OrganizationRow:
    return await get_organization(conn, await _entity_id(conn, "organization", text))


async def suggest(conn: AsyncConnection, kind: str, typed: str, limit: int = 25) -> list[str]:
    """Names to offer while typing: prefix matches first, then fuzzy ones."""
    found = await names.prefixed(conn, kind, typed, limit)
    if len(found) < limit and typed.strip():
        found += [n for n in await closest(conn, kind, typed, limit) if n not in found]
    return found[:limit]


async def refuse_existing(
    conn: AsyncConnection, kind: str, name: str, entity_id: int | None = None
) -> None:
    """Refuse a new name that another entity has already, or that only looks like one of its
    names (invisible or confusable characters), naming that entity."""
    existing = await names.lookalike(conn, kind, name, entity_id)
    if existing is None:
        return
    how = (
        ""
        if name == existing
        else f" (`{name}` differs from it only by case, spacing, invisible or look-alike "
        "characters)"
    )
    edit = f"; use /admin {kind} edit to change it" if kind == "model" else ""
    raise UserError(f"The {kind} {existing} already exists{how}{edit}.")
