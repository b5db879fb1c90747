"""Handovers to clinic staff (`handovers`) and what staff wrote in them (`handover_messages`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("open_sender_id", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("out_of_hours", sa.Boolean(), nullable=False),
        sa.Column("taken_by", sa.String(64), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("handed_back_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("open_sender_id", name="uq_handovers_open_sender_id"),
    )
    op.create_index("ix_handovers_sender_id", "handovers", ["sender_id"])
    op.create_index("ix_handovers_state", "handovers", ["state"])
    op.create_table(
        "handover_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_user", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["handover_id"], ["handovers.id"], name="fk_handover_messages_handover",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_handover_messages_handover_id", "handover_messages", ["handover_id"])


def downgrade() -> None:
    op.drop_table("handover_messages")
    op.drop_table("handovers")
