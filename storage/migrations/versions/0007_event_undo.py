"""audit.event_runs and events.undone: an undo reaches alerts; deliveries.reply_to for its
corrections

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit", sa.Column("event_runs", sa.JSON(), nullable=True))
    op.add_column(
        "events", sa.Column("undone", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("deliveries", sa.Column("reply_to", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("reply_to")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("undone")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("event_runs")
