"""Fixtures of the solver tests: the tiny bundles, read once per session."""

from __future__ import annotations

import pytest
from solve_helpers import PARALLEL, TIGHT, TINY, bundle


@pytest.fixture(scope="session")
def tiny():
    """(network, book) of tests/data/tiny."""
    return bundle(TINY)


@pytest.fixture(scope="session")
def tight():
    """(network, book) of tests/data/plan/tight (one manufacturing slot)."""
    return bundle(TIGHT)


@pytest.fixture(scope="session")
def parallel():
    """(network, book) of tests/data/plan/parallel (parallel lanes)."""
    return bundle(PARALLEL)
