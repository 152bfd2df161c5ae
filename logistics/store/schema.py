"""The store's tables (SQLAlchemy Core) at the head revision of the migrations.

Times are text, ISO 8601 UTC with a ``Z`` to the second, as in the plan folders: the
same exact value on SQLite and PostgreSQL. ``migrations/versions`` builds these tables;
tests/store checks that the head revision and this module agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(20), nullable=False),  # wall clock, UTC
    Column("finished_at", String(20), nullable=False),
    Column("now", String(20), nullable=False),  # the instant the run plans from
    Column("plan_dir", Text, nullable=False),
    Column("status", String(16), nullable=False),  # the solver's status
    Column("inputs", JSON, nullable=False),  # SHA-256 of every input file
    Column("params", JSON, nullable=False),
    Column("kpis", JSON, nullable=False),
    Column("files", JSON, nullable=False),  # plan folder file -> SHA-256
    Column("served", Integer, nullable=False),
    Column("unserved", Integer, nullable=False),
    # revision 0002
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("moved", Integer, nullable=False, server_default="0"),
    Column("new", Integer, nullable=False, server_default="0"),
    Column("dropped", Integer, nullable=False, server_default="0"),
)

run_orders = Table(
    "run_orders",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.run_id"), primary_key=True),
    Column("order_id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),  # position in the book
    Column("state", String(16), nullable=False),  # the order's status that night
    Column("plan_status", String(16), nullable=False),  # scheduled, frozen, unserved
    Column("therapy", String(64), nullable=False),
    Column("treatment_centre", String(64), nullable=False),
    Column("committed_site", String(64)),
    Column("committed_apheresis", String(20)),
    Column("manufacturing_site", String(64)),
    Column("apheresis_time", String(20)),
    Column("manufacturing_start", String(20)),
    Column("manufacturing_end", String(20)),
    Column("release_time", String(20)),
    Column("delivery_time", String(20)),
    Column("lymphodepletion_start", String(20)),
    Column("infusion_time", String(20)),
    Column("cost_eur", Float, nullable=False),
    Column("p_breach", Float),
    Column("reason", Text, nullable=False),
)

run_legs = Table(
    "run_legs",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.run_id"), primary_key=True),
    Column("order_id", String(64), primary_key=True),
    Column("direction", String(8), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("lane_id", Text, nullable=False),
    Column("carrier", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("from_site", String(64), nullable=False),
    Column("to_site", String(64), nullable=False),
    Column("depart", String(20), nullable=False),
    Column("arrive", String(20), nullable=False),
    Column("temperature", String(8), nullable=False),
    Column("customs_from", String(16)),
    Column("customs_to", String(16)),
    Column("customs_h", Float, nullable=False),
    Column("cost_eur", Float, nullable=False),
    Column("wait_h", Float, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),  # taken in by
    Column("order_id", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("time", String(20), nullable=False),
    Column("site_id", String(64)),
    Column("lane_id", Text),
    Column("note", Text, nullable=False),
)

# revision 0002
run_changes = Table(
    "run_changes",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.run_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("order_id", String(64), nullable=False),
    Column("change", String(32), nullable=False),
    Column("field", String(32), nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("why", Text, nullable=False),
)
