"""models.access 'unknown' where no source said 'available'; the bundled Epoch scores dated
by their file (issue 15: nothing the sources don't say)

Until 2026-12-02 every model was written 'available' by default: the bundled seed, imports
and /admin model add alike, with no source saying so. A model keeps 'available' only when
the audit trail shows someone stating it: an `/admin access` (an update that made it
'available' or gave it a new note) or an approved feed proposal (the feed listed it as
served), neither undone. Curator-entered values are never touched.

The bundled Epoch ECI file, imported by the seed, was dated the day it was imported; its
scores now take the file's own date (2026-03-06, its newest date: see
commands/imports/formats/epoch.py), as a new database's do. Scores imported by anyone else
keep their dates: which file they came from is not known here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

audit = sa.table(
    "audit",
    sa.column("id", sa.Integer),
    sa.column("action", sa.Text),
    sa.column("changes", sa.JSON),
    sa.column("undone_by", sa.Integer),
)
models = sa.table("models", sa.column("id", sa.Integer), sa.column("access", sa.String))
scores = sa.table(
    "scores",
    sa.column("source", sa.Text),
    sa.column("added_by", sa.String),
    sa.column("reported_on", sa.Date),
)
BUNDLED_ECI = "Epoch AI, Epoch Capabilities Index (CC BY 4.0), epoch.ai; model version %"
BUNDLED_ECI_DAY = date(2026, 3, 6)  # the newest date the bundled file states


def _stated(action: str, change: Any) -> int | None:
    """The model whose 'available' this audited change states, if it states one."""
    if not isinstance(change, dict) or change.get("table") != "models":
        return None
    before, after = change.get("before"), change.get("after")
    if not isinstance(after, dict) or after.get("access") != "available":
        return None
    if isinstance(before, dict):  # an update: made available, or a new note on it
        said = before.get("access") != "available" or before.get("access_note") != after.get(
            "access_note"
        )
        return int(change["id"]) if said else None
    return int(change["id"]) if action.startswith("approve proposal") else None


def stated_models(entries: Iterable[Any]) -> set[int]:
    """Models the audit trail shows someone making 'available' (undone entries and the
    undos themselves aside)."""
    rows = list(entries)
    undos = {row.undone_by for row in rows if row.undone_by is not None}
    found: set[int] = set()
    for row in rows:
        if row.undone_by is None and row.id not in undos:
            for change in row.changes or ():
                if (model := _stated(row.action, change)) is not None:
                    found.add(model)
    return found


def upgrade() -> None:
    bind = op.get_bind()
    entries = bind.execute(
        sa.select(audit.c.id, audit.c.action, audit.c.changes, audit.c.undone_by)
    )
    keep = stated_models(entries)
    available = bind.execute(sa.select(models.c.id).where(models.c.access == "available"))
    unsaid = sorted({row.id for row in available} - keep)
    for start in range(0, len(unsaid), 500):
        chunk = unsaid[start : start + 500]
        bind.execute(sa.update(models).where(models.c.id.in_(chunk)).values(access="unknown"))
    bind.execute(
        sa.update(scores)
        .where(scores.c.added_by == "seed", scores.c.source.like(BUNDLED_ECI))
        .values(reported_on=BUNDLED_ECI_DAY)
    )


def downgrade() -> None:
    """Nothing to restore: 'available' was never said by a source."""
