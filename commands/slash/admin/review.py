"""/admin review [approve|reject ID]: the queue of what review feeds propose."""

from __future__ import annotations

from typing import Any

from commands.core.errors import UserError
from commands.core.options import PartialDate
from commands.core.registry import REGISTRY, Option, OptionType, Permission, Request
from commands.core.reply import Button, Form, FormField, Reply
from commands.feeds.review import Edits, approve, reject
from storage.engine.db import Database
from storage.feeds import ProposalRow, count_pending, get_proposal, pending_proposals

SHOWN = 15
WITH_BUTTONS = 5  # proposals given Approve / Edit / Reject buttons (Discord: 5 rows a message)
QUEUE = "/admin review"
FACT_WORDS = {
    "released": "released {}",
    "params_b": "{:g}B parameters",
    "context_tokens": "{:,} tokens of context",
    "licence": "licence {}",
    "weights": "{} weights",
}


def details(proposal: ProposalRow) -> str:
    """What a proposal would write, in a few words."""
    payload: dict[str, Any] = dict(proposal.payload)
    if proposal.kind == "news":
        model = payload.get("model")
        return (
            f"news{f' about {model}' if model else ''}, {payload.get('happened_on') or 'undated'}"
        )
    facts = payload.get("facts", {})
    words = [FACT_WORDS[k].format(v) for k, v in facts.items() if k in FACT_WORDS and v is not None]
    if facts.get("gated"):
        words.append("gated")
    if payload.get("aliases"):
        words.append("also known as " + ", ".join(payload["aliases"]))
    if proposal.model_id is not None:
        return f"adds to the known model: {'; '.join(words)}"
    lab = facts.get("organization") or "lab unknown"
    return f"new model by {lab} ({facts.get('country') or '?'}): {'; '.join(words)}"


def line(proposal: ProposalRow) -> str:
    what = {"model": "Model", "release": "Release date", "news": "News"}[proposal.kind]
    also = proposal.payload.get("also", ())
    more = f" (also {', '.join(also)})" if also else ""
    return (
        f"#{proposal.id} {what}: {proposal.subject} ({details(proposal)}) "
        f"from {proposal.feed_name}: {proposal.evidence}{more}"
    )


def _edits(request: Request) -> Edits:
    released: PartialDate | None = request.get("released")
    return Edits(
        name=request.get("name"),
        org=request.get("org"),
        country=request.get("country"),
        released=(released.day, released.precision) if released else None,
    )


@REGISTRY.command(
    "admin",
    "review",
    description="What the feeds propose: list it, or approve / reject one by its number",
    permission=Permission.CURATOR,
    options=(
        Option(
            "action",
            "list (default), approve, edit (the approve command, prefilled) or reject",
            choices=("list", "approve", "edit", "reject"),
        ),
        Option("id", "The proposal's number", OptionType.INTEGER, min_value=1),
        Option("name", "Approve under this model name instead"),
        Option("org", "Approve with this organization (a new one needs country)"),
        Option("country", "Country of a new organization (ISO code)", OptionType.COUNTRY),
        Option("released", "Approve with this release date", OptionType.DATE),
    ),
    examples=(
        "/admin review",
        "/admin review approve 12",
        '/admin review approve 12 org:"Moonshot AI" country:CN',
        "/admin review reject 13",
        "/admin review edit 12",
    ),
)
async def review(request: Request, db: Database) -> Reply:
    action = request.get("action", "list")
    if action == "list":
        return await _listing(db)
    proposal_id = request.get("id")
    if proposal_id is None:
        raise UserError(f"Which proposal? /admin review {action} 12 (see /admin review).")
    actor, now = request.caller.actor, request.now
    if action == "edit":
        return await _edit_form(db, proposal_id)
    if action == "reject":
        proposal = await reject(db, proposal_id, actor, now)
        return Reply(
            title=f"Rejected #{proposal.id}",
            body=f"{proposal.subject} will not be proposed again.",
        )
    said = await approve(db, proposal_id, actor, now, _edits(request))
    return Reply(title=f"Approved #{proposal_id}", body=f"Done: {said}. /admin undo takes it back.")


async def _listing(db: Database) -> Reply:
    async with db.read() as conn:
        shown = await pending_proposals(conn, SHOWN)
        total = await count_pending(conn)
    if not shown:
        return Reply(title="Review queue", body="Nothing to review.", ephemeral=True)
    lines = [line(p) for p in shown]
    if total > len(shown):
        lines.append(f"… and {total - len(shown)} more.")
    return Reply(
        title=f"Review queue: {total} pending",
        body="\n".join(lines),
        footer="/admin review approve ID (name: org: country: released: to edit) · "
        "/admin review reject ID",
        ephemeral=True,
        buttons=tuple(_buttons(p) for p in shown[:WITH_BUTTONS]),
        refresh=QUEUE,
    )


def _buttons(proposal: ProposalRow) -> tuple[Button, ...]:
    """Approve / Edit / Reject: each runs the text command a curator would type."""
    n = proposal.id
    edit = () if proposal.kind == "news" else (Button(f"Edit #{n}", f"{QUEUE} edit {n}"),)
    return (
        Button(f"Approve #{n}", f"{QUEUE} approve {n}", "primary"),
        *edit,
        Button(f"Reject #{n}", f"{QUEUE} reject {n}", "danger"),
    )


def form_fields(proposal: ProposalRow) -> tuple[FormField, ...]:
    """What a curator may change while approving, prefilled with what the feed said."""
    facts = proposal.payload.get("facts", {})
    released = FormField("released", "Release date (YYYY-MM-DD)", str(facts.get("released") or ""))
    if proposal.model_id is not None:
        return (released,)
    return (
        FormField("name", "Model name", proposal.subject),
        FormField("org", "Organization", str(facts.get("organization") or "")),
        FormField("country", "Country of a new organization", str(facts.get("country") or "")),
        released,
    )


async def _edit_form(db: Database, proposal_id: int) -> Reply:
    """The approval of a proposal with its fields prefilled: a form where a platform has
    one, else the text command to change and send."""
    async with db.read() as conn:
        proposal = await get_proposal(conn, proposal_id)
    if proposal is None:
        raise UserError(f"There is no proposal #{proposal_id}; see /admin review.")
    if proposal.status != "pending":
        raise UserError(f"Proposal #{proposal_id} was already {proposal.status}.")
    if proposal.kind == "news":
        raise UserError(f"News has nothing to edit: /admin review approve {proposal_id}.")
    form = Form(
        f"Edit and approve #{proposal.id}",
        f"{QUEUE} approve {proposal.id}",
        form_fields(proposal),
        submit="Approve",
    )
    prefilled = form.line({f.name: f.value for f in form.fields})
    return Reply(
        title=f"Edit #{proposal.id}: {proposal.subject}",
        body=f"Change what you need and send:\n{prefilled}",
        ephemeral=True,
        form=form,
    )
