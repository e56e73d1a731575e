"""pace_places: a platform's global rate limit shared by every process of one bot

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pace_places",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=60), nullable=True),
        sa.Column("free_at", sa.Float(precision=53), nullable=False),
        sa.UniqueConstraint("bucket", "place", name="uq_pace_places_bucket_place"),
    )


def downgrade() -> None:
    op.drop_table("pace_places")
