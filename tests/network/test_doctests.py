"""The library's documented examples run as written."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import logistics.network.router
import logistics.scenarios

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module", [logistics.network.router, logistics.scenarios], ids=lambda m: m.__name__
)
def test_docstring_examples(module, monkeypatch):
    """The examples in the module's docstrings give the shown answers. They are written
    for a reader at the repository root (``tests/data/tiny``), so the runner sets that
    working directory itself instead of relying on where pytest was started."""
    monkeypatch.chdir(REPO)
    result = doctest.testmod(module, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
