"""/admin undo and /admin audit: every change can be seen and taken back."""

from __future__ import annotations

from commands.alerts.instant import CORRECTED
from commands.core.errors import UserError
from commands.core.registry import REGISTRY, Option, OptionType, Permission, Request
from commands.core.reply import Reply
from storage import audit
from storage.engine.db import Database
from storage.outbox import corrections


@REGISTRY.command(
    "admin",
    "undo",
    description="Undo your last change, or the audit entry given",
    permission=Permission.CURATOR,
    options=(
        Option(
            "entry", "Audit entry number (see /admin audit)", type=OptionType.INTEGER, min_value=1
        ),
    ),
    examples=("/admin undo", "/admin undo 12"),
)
async def undo(request: Request, db: Database) -> Reply:
    actor = request.caller.actor
    async with db.write(actor, "undo", request.now) as change:
        if request.get("entry") is not None:
            entry = await audit.get_entry(change.conn, request.get("entry"))
            if entry is None:
                raise UserError(f"There is no audit entry #{request.get('entry')}.")
        else:
            entry = await audit.latest_undoable(change.conn, actor)
            if entry is None:
                raise UserError("You have no change left to undo; see /admin audit.")
        if entry.undone_by is not None:
            raise UserError(f"Entry #{entry.id} was already undone by #{entry.undone_by}.")
        if entry.action.startswith("undo"):
            raise UserError(f"Entry #{entry.id} is itself an undo; make the change again instead.")
        if blocker := await audit.blocking_entry(change.conn, entry):
            raise UserError(
                f"Entry #{blocker.id} ({blocker.action}) changed the same data later; "
                f"undo it first."
            )
        change.action = f"undo #{entry.id}: {entry.action}"
        await audit.revert(change, entry)
        undone = await corrections.undo_events(change.conn, entry.event_runs)
        await corrections.settle_undone(
            change.conn,
            undone,
            entry_at=entry.at,
            now=request.now,
            corrected_kinds=CORRECTED,
            reason="not sent: undone before it went out",
        )
    return Reply(
        title=f"Undone: #{entry.id} {entry.action}",
        body=f"{entry.row_count:,} row change(s) reverted.",
    )


@REGISTRY.command(
    "admin",
    "audit",
    description="The latest changes: who, when, what",
    permission=Permission.CURATOR,
    options=(
        Option(
            "limit",
            "How many entries (1-50, default 10)",
            type=OptionType.INTEGER,
            min_value=1,
            max_value=50,
        ),
    ),
    examples=("/admin audit", "/admin audit limit:25"),
)
async def audit_log(request: Request, db: Database) -> Reply:
    async with db.read() as conn:
        entries = await audit.recent(conn, request.get("limit", 10))
    if not entries:
        return Reply(title="Audit log", body="No changes yet.", ephemeral=True)
    lines = [  # a line each, not a table: who and what are too long for a phone's columns
        f"#{e.id} {e.at:%Y-%m-%d %H:%M} {e.actor}: {e.action} ({e.row_count:,} "
        f"row{'' if e.row_count == 1 else 's'}"
        + (f"; undone by #{e.undone_by})" if e.undone_by else ")")
        for e in entries
    ]
    return Reply(title="Audit log (UTC)", body="\n".join(lines), ephemeral=True)
