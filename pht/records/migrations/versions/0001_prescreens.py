"""The pre-screen records table.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prescreens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("staff_entered", sa.Boolean(), nullable=False),
        sa.Column("ended_by", sa.String(32), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("likelihood", sa.String(16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("unsure", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("engine_version", sa.String(64), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.UniqueConstraint("reference", name="uq_prescreens_reference"),
    )
    op.create_index("ix_prescreens_created", "prescreens", ["created"])
    op.create_index("ix_prescreens_sender_id", "prescreens", ["sender_id"])
    op.create_index("ix_prescreens_urgency", "prescreens", ["urgency"])


def downgrade() -> None:
    op.drop_table("prescreens")
