"""What changed from one night to the next: the changes of each run and its counts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTS = ("unchanged", "moved", "new", "dropped")


def upgrade() -> None:
    for name in COUNTS:
        op.add_column("runs", sa.Column(name, sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "run_changes",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_changes")
    for name in COUNTS:
        op.drop_column("runs", name)
