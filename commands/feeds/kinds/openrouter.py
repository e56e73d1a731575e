"""OpenRouter's model list: models as they become available, closed ones included.

`https://openrouter.ai/api/v1/models` answers `{"data": [{"id": "deepseek/deepseek-v4",
"name": "DeepSeek: DeepSeek V4", "created": Unix time, "context_length": 163840,
"hugging_face_id": "deepseek-ai/DeepSeek-V4" or "" , ...}]}`. The provider prefix maps to a
lab through the bundled table; `created` is when OpenRouter listed it (a release date for a
model whose date is unknown). Variants (`:free`, `:thinking`) and routers are not proposed.
"""

from __future__ import annotations

from typing import Any

from commands.feeds.fetch import FeedError
from commands.feeds.kinds.base import (
    JSON_TYPES,
    FeedItem,
    FeedKind,
    checked,
    iso_day,
    load_json,
    register,
)
from storage.seed import watched_orgs

URL = "https://openrouter.ai/api/v1/models"
PAGE = "https://openrouter.ai"
ROUTERS = ("openrouter",)


def display_name(entry: dict[str, Any], model_id: str) -> str:
    """`DeepSeek: DeepSeek V4` -> `DeepSeek V4`; the id's model part when there is no name."""
    name = entry.get("name")
    if isinstance(name, str) and name.strip():
        return name.split(": ", 1)[-1].strip()
    return model_id.split("/", 1)[1]


def item_of(entry: Any, number: int, providers: dict[str, tuple[str, str]]) -> FeedItem:
    model_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(model_id, str) or "/" not in model_id:
        raise FeedError(f"item {number} is not an OpenRouter model entry (no `provider/model` id)")
    provider, _, rest = model_id.partition("/")
    lab, country = providers.get(provider, (None, None))
    hf_id = entry.get("hugging_face_id") or None
    context = entry.get("context_length")
    facts: dict[str, Any] = {
        "name": display_name(entry, model_id),
        "organization": lab,
        "country": country,
        "released": iso_day(entry.get("created")),
        "weights": "open" if isinstance(hf_id, str) else None,
        "context_tokens": context if isinstance(context, int) and context > 0 else None,
        "aliases": [a for a in (model_id.split(":")[0], hf_id) if isinstance(a, str)],
        "source_label": f"OpenRouter ({model_id})",
    }
    if ":" in rest:
        facts["ignored"] = f"a variant ({rest.split(':', 1)[1]})"
    elif provider in ROUTERS:
        facts["ignored"] = "a router, not a model"
    what = "ignored" if "ignored" in facts else "model"
    return FeedItem(f"openrouter:{model_id}", model_id, f"{PAGE}/{model_id}", what, facts)


def parse(body: bytes, url: str) -> list[FeedItem]:
    data = load_json(body)
    listed = data.get("data") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise FeedError('expected {"data": [...]} (OpenRouter\'s /api/v1/models answer)')
    providers = watched_orgs("providers")
    return checked([item_of(entry, n, providers) for n, entry in enumerate(listed, 1)])


KIND = register(
    FeedKind(
        name="openrouter",
        description="OpenRouter's model list: models as they become available, closed included",
        accepts=JSON_TYPES,
        parse=parse,
        example=URL,
    )
)
