"""Follow-up check-ins: the consents (`follow_ups`) and each check-in with its attempts (`check_ins`).

The follow-up worker sends each check-in once (pht/records/follow_ups.py, pht/followups/).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prescreen_reference", sa.String(16), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.Column("baseline", sa.JSON(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("prescreen_reference", name="uq_follow_ups_prescreen_reference"),
    )
    op.create_index("ix_follow_ups_sender_id", "follow_ups", ["sender_id"])
    op.create_index("ix_follow_ups_state", "follow_ups", ["state"])
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_due_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("triggered_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_triggered_at", sa.DateTime(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("stage_before", sa.Integer(), nullable=True),
        sa.Column("stage_after", sa.Integer(), nullable=True),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["follow_up_id"], ["follow_ups.id"], name="fk_check_ins_follow_up", ondelete="CASCADE"),
        sa.UniqueConstraint("idempotency_key", name="uq_check_ins_idempotency_key"),
        sa.UniqueConstraint("follow_up_id", "sequence", name="uq_check_ins_follow_up_sequence"),
    )
    op.create_index("ix_check_ins_follow_up_id", "check_ins", ["follow_up_id"])
    op.create_index("ix_check_ins_state_next_attempt_at", "check_ins", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("check_ins")
    op.drop_table("follow_ups")
