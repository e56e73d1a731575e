"""What a review feed's new items propose: a new model, facts for a known one, or news.

An item naming a model Racewatch knows (by name or alias: `deepseek-ai/DeepSeek-V4` on
Hugging Face and `deepseek/deepseek-v4` on OpenRouter are one model) proposes only what the
model lacks, with the other spelling as an alias; one already proposed and still pending
learns the new spelling instead of being proposed twice. An item proposed once, whatever
became of it (rejected too), is never proposed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from commands.feeds.kinds.base import FeedItem
from storage import names
from storage.bulk.staging import published
from storage.engine import schema
from storage.engine.aio import AsyncConnection
from storage.feeds import (
    FeedRow,
    enrich_proposal,
    insert_rows,
    pending_by_subject,
    proposed_keys,
)

# one poll normalizes each spelling many times (matching, aliases, keys): remember them
normalize = lru_cache(maxsize=65536)(names.normalize)
FILLED = ("released", "params_b", "context_tokens", "licence", "weights")
NAME_MIN = 4  # a known name must have this many letters or digits to be spotted in a headline
m, n = schema.models, schema.names


@dataclass
class Known:
    """The models Racewatch knows, by every normalized name, and the pending proposals."""

    keys: dict[str, int]  # normalized name or alias -> model id
    models: dict[int, dict[str, Any]]  # model id -> name and the facts proposals fill
    labels: list[tuple[str, int]]  # (alias as written, model id), longest first: headlines
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> proposal

    def find(self, spellings: Iterable[str]) -> int | None:
        return next((self.keys[k] for s in spellings if (k := normalize(s)) in self.keys), None)


async def known_models(conn: AsyncConnection, spelled: Iterable[str] = ()) -> Known:
    """Every model name and alias, and the pending model proposals of any of these
    spellings (by their subject's normalized name), in three queries."""
    listed = await conn.execute(
        select(n.c.key, n.c.label, n.c.entity_id).where(n.c.kind == "model", published(n))
    )
    keys: dict[str, int] = {}
    labels: list[tuple[str, int]] = []
    for key, label, model_id in listed:
        keys[key] = model_id
        labels.append((label, model_id))
    rows = await conn.execute(
        select(m.c.id, m.c.name, *(m.c[c] for c in FILLED)).where(published(m))
    )
    models = {row[0]: {"name": row[1], **dict(zip(FILLED, row[2:], strict=True))} for row in rows}
    labels.sort(key=lambda pair: -len(pair[0]))
    known = Known(keys, models, labels)
    for proposal in await pending_by_subject(conn, {normalize(s) for s in spelled}):
        for spelling in (proposal.subject, *proposal.payload.get("aliases", ())):
            known.pending[normalize(spelling)] = {
                "id": proposal.id,
                "payload": dict(proposal.payload),
            }
    return known


def spellings(facts: Mapping[str, Any]) -> list[str]:
    """Every way an item writes its model: the name, each id, and each id's last part."""
    out = [str(facts["name"])]
    for alias in facts.get("aliases", ()):
        out += [alias, alias.rsplit("/", 1)[-1]]
    kept: dict[str, str] = {}
    for spelling in out:
        if (key := normalize(spelling)) and key not in kept:
            kept[key] = spelling
    return list(kept.values())


def model_proposal(
    item: FeedItem, known: Known, written: list[str] | None = None
) -> dict[str, Any] | None:
    """The proposal a model item makes, or None when Racewatch already has all of it
    (`written`: the item's spellings, when the caller has them already)."""
    facts = item.facts
    written = spellings(facts) if written is None else written
    base = {"item_key": item.key, "evidence": item.link}
    source = {"source": item.link, "source_label": facts.get("source_label", item.link)}
    model_id = known.find(written)
    if model_id is None:
        wanted = {k: facts.get(k) for k in ("organization", "country", *FILLED, "gated")}
        aliases = [s for s in written if normalize(s) != normalize(str(facts["name"]))]
        payload = {"facts": wanted, "aliases": aliases, **source}
        return {**base, "kind": "model", "subject": str(facts["name"]), "payload": payload}
    model = known.models[model_id]
    missing = {k: facts[k] for k in FILLED if model.get(k) is None and facts.get(k) is not None}
    aliases = [s for s in written if normalize(s) not in known.keys]
    if not missing and not aliases:
        return None
    kind = "release" if set(missing) == {"released"} else "model"
    payload = {"facts": missing, "aliases": aliases, **source}
    return {
        **base,
        "kind": kind,
        "subject": model["name"],
        "model_id": model_id,
        "payload": payload,
    }


def named_model(headline: str, known: Known) -> str | None:
    """The known model a headline names (the longest name that appears as whole words)."""
    text = headline.casefold()
    for label, model_id in known.labels:
        if len(normalize(label)) >= NAME_MIN and label.casefold() in text:
            pattern = rf"(?<![\w.-]){re.escape(label.casefold())}(?![\w-]|\.\d)"
            if re.search(pattern, text):
                return str(known.models[model_id]["name"])
    return None


def news_proposal(item: FeedItem, known: Known) -> dict[str, Any]:
    headline = str(item.facts["headline"])
    payload = {
        "headline": headline,
        "happened_on": item.facts.get("happened_on"),
        "model": named_model(headline, known),
        "source": item.link,
    }
    return {
        "item_key": item.key,
        "evidence": item.link,
        "kind": "news",
        "subject": headline[:200],
        "payload": payload,
    }


async def _merge(conn: AsyncConnection, pending: dict[str, Any], proposal: dict[str, Any]) -> None:
    """A pending proposal of the same model learns this item's spellings, facts and link
    (one queued earlier in this same sync is still a row in memory: `row`)."""
    row = pending.get("row")
    payload = row["payload"] if row is not None else pending["payload"]
    new = proposal["payload"]
    aliases = list(dict.fromkeys([*payload.get("aliases", ()), *new.get("aliases", ())]))
    facts = {**new.get("facts", {}), **{k: v for k, v in payload["facts"].items() if v is not None}}
    also = list(dict.fromkeys([*payload.get("also", ()), new["source"]]))
    merged = {**payload, "aliases": aliases, "facts": facts, "also": also}
    if row is not None:
        row["payload"] = merged
    else:
        await enrich_proposal(conn, pending["id"], merged)
        pending["payload"] = merged


def _dated_before(item: FeedItem, since: str | None) -> bool:
    day = item.facts.get("released") or item.facts.get("happened_on")
    return since is not None and day is not None and str(day) < since


async def propose(
    conn: AsyncConnection,
    feed: FeedRow,
    items: list[FeedItem],
    at: datetime,
    since: str | None = None,
) -> int:
    """Queue what these new items propose (in the caller's transaction); how many were queued.

    Items dated before `since` (a new feed's past) propose only facts a known model lacks."""
    offered = [i for i in items if i.what in ("model", "news")]
    if not offered:
        return 0
    already = await proposed_keys(conn, [i.key for i in offered])
    written = {i.key: spellings(i.facts) for i in offered if i.what == "model"}
    known = await known_models(conn, (s for each in written.values() for s in each))
    rows: list[dict[str, Any]] = []
    for item in offered:
        if item.key in already:
            continue
        proposal = (
            model_proposal(item, known, written[item.key])
            if item.what == "model"
            else news_proposal(item, known)
        )
        if proposal is None or (proposal.get("model_id") is None and _dated_before(item, since)):
            continue
        if item.what == "model":
            keys = [normalize(s) for s in (proposal["subject"], *proposal["payload"]["aliases"])]
            pending = next((known.pending[k] for k in keys if k in known.pending), None)
            if pending is not None:
                await _merge(conn, pending, proposal)
                continue
        row = {
            "feed_id": feed.id,
            "feed_name": feed.name,
            "status": "pending",
            "created_at": at,
            "model_id": None,
            "subject_key": normalize(proposal["subject"])[:200],
            **proposal,
        }
        rows.append(row)
        if item.what == "model":
            for key in keys:
                known.pending[key] = {"id": None, "row": row}
    if rows:
        await insert_rows(conn, schema.proposals, rows)
    return len(rows)
