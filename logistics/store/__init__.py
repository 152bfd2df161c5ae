"""The plan store: every nightly run, its orders' plans and legs, the events taken in
and the changes made, in SQLite (default) or PostgreSQL through SQLAlchemy 2, with the
schema migrated by Alembic (the migrations ship inside the package)."""

from logistics.store.engine import StoreBusy, default_store_url, make_engine
from logistics.store.lock import locked
from logistics.store.migrate import upgrade

__all__ = ["StoreBusy", "default_store_url", "locked", "make_engine", "upgrade"]
