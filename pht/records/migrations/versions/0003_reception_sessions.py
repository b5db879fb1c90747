"""Reception sessions kept on the server (revocable, shared by replicas) and the login back-off.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reception_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reception_sessions_username", "reception_sessions", ["username"])
    op.create_table(
        "reception_login_failures",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reception_login_failures")
    op.drop_index("ix_reception_sessions_username", table_name="reception_sessions")
    op.drop_table("reception_sessions")
