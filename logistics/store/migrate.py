"""Schema migrations (Alembic), run from code on a connection the caller holds: the
scripts ship inside the package, no alembic.ini is read."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0002"


def config(conn: Connection) -> Config:
    """An Alembic configuration for the packaged scripts, bound to ``conn``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Bring the store on ``conn`` to ``revision`` (an empty database included),
    inside the caller's transaction."""
    command.upgrade(config(conn), revision)


def current(conn: Connection) -> str | None:
    """The store's revision, None for a database without the store's tables."""
    return MigrationContext.configure(conn).get_current_revision()
