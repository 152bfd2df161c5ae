"""Random streams of a sweep.

The Monte Carlo of :mod:`logistics.risk` draws each order's delays from streams keyed
by the seed and the order id, so simulating with one seed under two scenarios compares
them on **common random numbers**: a scenario that changes nothing reproduces the
baseline exactly, and differences between rows are the disruption, not sampling
noise. That is a sweep's default; otherwise each scenario gets :func:`scenario_seed`.
"""

from __future__ import annotations

import hashlib

__all__ = ["scenario_seed"]


def scenario_seed(seed: int, name: str) -> int:
    """A seed for the scenario ``name`` of a sweep seeded ``seed``: the first 4 bytes
    of SHA-256 of ``"<seed>:<name>"`` (stable across runs, machines and Python
    versions)."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
