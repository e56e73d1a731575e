"""scores.country: the model's organization's country, for one country's scores by index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("scores", sa.Column("country", sa.String(length=2), nullable=True))
    op.execute(
        "UPDATE scores SET country = (SELECT organizations.country FROM models "
        "JOIN organizations ON organizations.id = models.org_id "
        "WHERE models.id = scores.model_id)"
    )
    with op.batch_alter_table("scores") as batch:
        batch.alter_column("country", existing_type=sa.String(length=2), nullable=False)
    op.create_index(
        "ix_scores_benchmark_country",
        "scores",
        ["benchmark_id", "is_current", "country", "value", "model_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_scores_benchmark_country", table_name="scores")
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("country")
