"""scores.released: the model's release date, so the lag reads a country's scores by index alone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INDEX = ["benchmark_id", "is_current", "country", "value", "model_id"]


def upgrade() -> None:
    op.add_column("scores", sa.Column("released", sa.Date(), nullable=True))
    op.execute(
        "UPDATE scores SET released = "
        "(SELECT models.released FROM models WHERE models.id = scores.model_id)"
    )
    op.drop_index("ix_scores_benchmark_country", table_name="scores")
    op.create_index(
        "ix_scores_benchmark_country",
        "scores",
        ["benchmark_id", "is_current", "country", "value", "released", "model_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_scores_benchmark_country", table_name="scores")
    op.create_index("ix_scores_benchmark_country", "scores", OLD_INDEX)
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("released")
