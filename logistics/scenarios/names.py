"""Folder names of a sweep's scenarios."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["slug", "slugs"]


def slug(name: str) -> str:
    """A folder name for ``name``: lower case letters, digits and dashes (at most 60;
    ``scenario`` when nothing is left)."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60].rstrip("-") or "scenario"


def slugs(names: Sequence[str]) -> list[str]:
    """One distinct :func:`slug` per name of ``names`` (``-2``, ``-3`` ... on
    collisions), in order."""
    taken: set[str] = set()
    out = []
    for name in names:
        base = slug(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out.append(candidate)
    return out
