"""The first schema: runs, each run's orders and legs, the events taken in.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.String(20), nullable=False),
        sa.Column("finished_at", sa.String(20), nullable=False),
        sa.Column("now", sa.String(20), nullable=False),
        sa.Column("plan_dir", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("kpis", sa.JSON, nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("served", sa.Integer, nullable=False),
        sa.Column("unserved", sa.Integer, nullable=False),
    )
    op.create_table(
        "run_orders",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("plan_status", sa.String(16), nullable=False),
        sa.Column("therapy", sa.String(64), nullable=False),
        sa.Column("treatment_centre", sa.String(64), nullable=False),
        sa.Column("committed_site", sa.String(64)),
        sa.Column("committed_apheresis", sa.String(20)),
        sa.Column("manufacturing_site", sa.String(64)),
        sa.Column("apheresis_time", sa.String(20)),
        sa.Column("manufacturing_start", sa.String(20)),
        sa.Column("manufacturing_end", sa.String(20)),
        sa.Column("release_time", sa.String(20)),
        sa.Column("delivery_time", sa.String(20)),
        sa.Column("lymphodepletion_start", sa.String(20)),
        sa.Column("infusion_time", sa.String(20)),
        sa.Column("cost_eur", sa.Float, nullable=False),
        sa.Column("p_breach", sa.Float),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "run_legs",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("direction", sa.String(8), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("lane_id", sa.Text, nullable=False),
        sa.Column("carrier", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("from_site", sa.String(64), nullable=False),
        sa.Column("to_site", sa.String(64), nullable=False),
        sa.Column("depart", sa.String(20), nullable=False),
        sa.Column("arrive", sa.String(20), nullable=False),
        sa.Column("temperature", sa.String(8), nullable=False),
        sa.Column("customs_from", sa.String(16)),
        sa.Column("customs_to", sa.String(16)),
        sa.Column("customs_h", sa.Float, nullable=False),
        sa.Column("cost_eur", sa.Float, nullable=False),
        sa.Column("wait_h", sa.Float, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("time", sa.String(20), nullable=False),
        sa.Column("site_id", sa.String(64)),
        sa.Column("lane_id", sa.Text),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("events", "run_legs", "run_orders", "runs"):
        op.drop_table(table)
