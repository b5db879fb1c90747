"""One record per finishing turn: a turn retried after a fault stores no second record.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("prescreens", sa.Column("turn_key", sa.String(64), nullable=True))
    op.create_index("uq_prescreens_sender_turn", "prescreens", ["sender_id", "turn_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_prescreens_sender_turn", table_name="prescreens")
    op.drop_column("prescreens", "turn_key")
