"""Hugging Face Hub: the newest model repositories of one organisation (open weights).

The URL is the Hub's model list for an author, newest first, with the fields we read:
`https://huggingface.co/api/models?author=deepseek-ai&sort=createdAt&direction=-1&limit=50
&expand[]=createdAt&expand[]=gated&expand[]=tags&expand[]=pipeline_tag&expand[]=safetensors`.
The answer is a JSON list of `{"id": "org/name", "createdAt": ISO time, "gated": false |
"auto" | "manual", "tags": [..., "license:mit"], "pipeline_tag": ..., "safetensors":
{"total": parameters}}`. The organisation's lab and country come from the bundled table
(`storage/seed/watched_orgs.toml`). Quantized copies and non-language repos are seen but not
proposed.
"""

from __future__ import annotations

import re
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

HUB = "https://huggingface.co"
FIELDS = ("createdAt", "gated", "tags", "pipeline_tag", "safetensors")
LANGUAGE_TASKS = {
    "text-generation",
    "image-text-to-text",
    "any-to-any",
    "text2text-generation",
    "visual-question-answering",
    "audio-text-to-text",
}
# copies of a model in another number format, not a new model
QUANTIZED = re.compile(
    r"[-_.](fp8|fp4|nvfp4|int4|int8|w4a16|w8a8|awq|gptq|gguf|mlx|bnb|exl2)\b", re.I
)


def models_url(org: str, limit: int = 50) -> str:
    """The list URL of an organisation's newest repositories."""
    expand = "".join(f"&expand[]={name}" for name in FIELDS)
    return f"{HUB}/api/models?author={org}&sort=createdAt&direction=-1&limit={limit}{expand}"


def _licence(tags: Any) -> str | None:
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and tag.startswith("license:"):
                return tag.removeprefix("license:")
    return None


def _params_b(entry: dict[str, Any]) -> float | None:
    safetensors = entry.get("safetensors")
    total = safetensors.get("total") if isinstance(safetensors, dict) else None
    if isinstance(total, int | float) and total > 0 and not isinstance(total, bool):
        return round(total / 1e9, 1) or round(total / 1e9, 3)
    return None


def _why_ignored(repo: str, entry: dict[str, Any]) -> str | None:
    if QUANTIZED.search(repo):
        return "a quantized copy"
    task = entry.get("pipeline_tag")
    if task is not None and task not in LANGUAGE_TASKS:
        return f"not a language model ({task})"
    return None


def item_of(entry: Any, number: int, watched: dict[str, tuple[str, str]]) -> FeedItem:
    """One repository as an item: a model proposal, or an ignored one with the reason."""
    repo_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(repo_id, str) or repo_id.count("/") != 1:
        raise FeedError(f"item {number} is not a Hugging Face model entry (no `org/name` id)")
    org, name = repo_id.split("/")
    lab, country = watched.get(org, (None, None))
    link = f"{HUB}/{repo_id}"
    ignored = _why_ignored(name, entry)
    facts: dict[str, Any] = {
        "name": name,
        "organization": lab,
        "country": country,
        "released": iso_day(entry.get("createdAt")),
        "weights": "open",
        "licence": _licence(entry.get("tags")),
        "params_b": _params_b(entry),
        "gated": entry.get("gated") not in (None, False, "false"),
        "aliases": [repo_id],
        "source_label": f"Hugging Face ({repo_id})",
    }
    if ignored:
        facts["ignored"] = ignored
    return FeedItem(f"hf:{repo_id}", repo_id, link, "ignored" if ignored else "model", facts)


def parse(body: bytes, url: str) -> list[FeedItem]:
    data = load_json(body)
    if not isinstance(data, list):
        raise FeedError("expected a JSON list of models (the Hub's /api/models answer)")
    watched = watched_orgs()
    return checked([item_of(entry, n, watched) for n, entry in enumerate(data, 1)])


KIND = register(
    FeedKind(
        name="huggingface",
        description="Hugging Face Hub: an organisation's new model repositories (open weights)",
        accepts=JSON_TYPES,
        parse=parse,
        example=models_url("deepseek-ai"),
    )
)
