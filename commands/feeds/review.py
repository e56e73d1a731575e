"""The review queue: a curator approves a proposal (written as `/admin model add` or
`/admin news` would write it, the feed item as the source) or rejects it for good.

Both are audited changes: `/admin undo` takes a decision back and the proposal is pending
again. Approving raises the ordinary events, so subscribed channels hear of the release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from commands.core.errors import UserError
from storage import names
from storage.changes import Change
from storage.engine.aio import AsyncConnection
from storage.engine.db import Database
from storage.feeds import ProposalRow, decide, get_proposal, pending_proposals
from storage.models import add_model, edit_model, find_model, get_model
from storage.news import add_news
from storage.organizations import add_organization


@dataclass(frozen=True)
class Edits:
    """What a curator changes while approving (the Edit of Approve / Edit / Reject)."""

    name: str | None = None
    org: str | None = None
    country: str | None = None
    released: tuple[date, str] | None = None  # (day, precision)


async def _pending(conn: AsyncConnection, proposal_id: int) -> ProposalRow:
    proposal = await get_proposal(conn, proposal_id, lock=True)
    if proposal is None:
        raise UserError(f"There is no proposal #{proposal_id}; see /admin review.")
    if proposal.status != "pending":
        by = f" by {proposal.decided_by}" if proposal.decided_by else ""
        raise UserError(f"Proposal #{proposal_id} was already {proposal.status}{by}.")
    return proposal


def _credit(proposal: ProposalRow) -> str:
    label = proposal.payload.get("source_label") or f"feed {proposal.feed_name}"
    return f"{label}, {proposal.evidence}"


def _columns(facts: Mapping[str, Any], edits: Edits) -> dict[str, Any]:
    """Model columns from a proposal's facts (edits win)."""
    values: dict[str, Any] = {}
    if edits.released is not None:
        values["released"], values["release_precision"] = edits.released
    elif facts.get("released"):
        values["released"] = date.fromisoformat(str(facts["released"]))
        values["release_precision"] = "day"
    for column in ("params_b", "context_tokens", "weights", "licence"):
        if facts.get(column) is not None:
            values[column] = facts[column]
    return values


async def _aliases(change: Change, model_id: int, aliases: Any) -> None:
    """Add the other spellings the model does not answer to yet (a taken one is left out)."""
    for alias in aliases or ():
        if names.normalize(alias) and await names.lookup(change.conn, "model", alias) is None:
            await names.add_name(change, "model", alias, model_id)


async def _organization(change: Change, proposal: ProposalRow, edits: Edits) -> int:
    facts = proposal.payload.get("facts", {})
    org = edits.org or facts.get("organization")
    country = edits.country or facts.get("country")
    if not org:
        raise UserError(
            f"Proposal #{proposal.id} does not say which lab made {proposal.subject}: approve it "
            f'with the lab, e.g. /admin review approve {proposal.id} org:"Moonshot AI" country:CN'
        )
    org_id = await names.lookup(change.conn, "organization", org)
    if org_id is not None:
        return org_id
    if not country:
        raise UserError(
            f"`{org}` is a new organization: give its country too, e.g. "
            f'/admin review approve {proposal.id} org:"{org}" country:CN'
        )
    return await add_organization(change, org, country, proposal.evidence)


async def _new_model(change: Change, proposal: ProposalRow, edits: Edits) -> str:
    name = edits.name or proposal.subject
    if await names.lookup(change.conn, "model", name) is not None:
        raise UserError(
            f"{name} already exists (see /model {name}); reject this proposal, or approve it "
            f"under another name: /admin review approve {proposal.id} name:..."
        )
    values = {
        "name": name,
        "org_id": await _organization(change, proposal, edits),
        "access": "available",
        "source": proposal.evidence,
        **_columns(proposal.payload.get("facts", {}), edits),
    }
    model_id = await add_model(change, values, credit=_credit(proposal))
    await _aliases(change, model_id, proposal.payload.get("aliases"))
    return f"model add {name}"


async def _enrich(change: Change, proposal: ProposalRow, edits: Edits) -> str:
    assert proposal.model_id is not None
    model = await get_model(change.conn, proposal.model_id)
    offered = _columns(proposal.payload.get("facts", {}), edits)
    forced = {"released", "release_precision"} if edits.released is not None else set()
    values = {k: v for k, v in offered.items() if getattr(model, k) is None or k in forced}
    if "released" not in values:
        values.pop("release_precision", None)
    if values:
        await edit_model(change, model.id, values)
    await _aliases(change, model.id, proposal.payload.get("aliases"))
    return f"model edit {model.name}"


async def _news(change: Change, proposal: ProposalRow) -> str:
    payload = proposal.payload
    model = await find_model(change.conn, payload["model"]) if payload.get("model") else None
    day = payload.get("happened_on")
    await add_news(
        change,
        str(payload["headline"]),
        proposal.evidence,
        date.fromisoformat(day) if day else None,
        model=model,
    )
    return f"news {str(payload['headline'])[:60]}"


async def approve(
    db: Database, proposal_id: int, actor: str, now: datetime, edits: Edits | None = None
) -> str:
    """Write what the proposal says, audited as `actor`; what was written, in a few words."""
    edits = edits or Edits()
    async with db.write(actor, f"approve proposal #{proposal_id}", now) as change:
        proposal = await _pending(change.conn, proposal_id)
        if proposal.kind == "news":
            said = await _news(change, proposal)
        elif proposal.model_id is not None and edits.name is None:
            said = await _enrich(change, proposal, edits)
        else:
            said = await _new_model(change, proposal, edits)
        await decide(change, proposal.id, "approved")
        change.action = f"{said} (proposal #{proposal.id} from feed {proposal.feed_name})"
    return said


async def reject(db: Database, proposal_id: int, actor: str, now: datetime) -> ProposalRow:
    """Reject for good: the item is remembered and never proposed again."""
    async with db.write(actor, f"reject proposal #{proposal_id}", now) as change:
        proposal = await _pending(change.conn, proposal_id)
        await decide(change, proposal.id, "rejected")
        change.action = f"reject proposal #{proposal.id}: {proposal.subject}"
    return proposal


async def approve_all(db: Database, feed: str, now: datetime) -> int:
    """A trusted (auto) feed's proposals, approved as `feed:NAME`; those that need a curator
    (a lab without a country, a name taken) stay in the queue. How many were approved."""
    async with db.read() as conn:
        mine = [p.id for p in await pending_proposals(conn) if p.feed_name == feed]
    done = 0
    for proposal_id in mine:
        try:
            await approve(db, proposal_id, f"feed:{feed}", now)
        except UserError:
            continue
        done += 1
    return done
