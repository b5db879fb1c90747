"""Handovers nobody looks after: who handed back (`handed_back_by`; NULL and
`handed_back_automatically` when the staff member went silent), and when a person nobody took
was told so (`nobody_free_told_at`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handovers", sa.Column("handed_back_by", sa.String(64), nullable=True))
    op.add_column("handovers", sa.Column("handed_back_automatically", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column("handovers", sa.Column("nobody_free_told_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handovers") as table:
        table.drop_column("nobody_free_told_at")
        table.drop_column("handed_back_automatically")
        table.drop_column("handed_back_by")
