"""Store fixtures: a SQLite file per test, and a PostgreSQL schema per test (dropped
after it) on the server of LOGISTICS_TEST_POSTGRES.

Without that server the PostgreSQL cases skip with the reason, unless LOGISTICS_CI
is set: then a missing server fails them (CI installs and starts PostgreSQL).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny"
PG_DEFAULT = "postgresql+psycopg://logistics:logistics@localhost:5432/logistics_test"


def postgres_url() -> str:
    """The test server's URL; skips (or fails under CI) when it cannot be reached."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    url = os.environ.get("LOGISTICS_TEST_POSTGRES") or PG_DEFAULT
    try:
        engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # no server, no role, no database
        message = f"PostgreSQL store tests need a server at LOGISTICS_TEST_POSTGRES ({exc})"
        if os.environ.get("LOGISTICS_CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL store URL confined to a fresh schema, dropped after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store of each backend: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plans.db'}"
    return request.getfixturevalue("pg_url")
