"""The library's documented examples run as written."""

from __future__ import annotations

import doctest

import logistics.network.router


def test_router_doctest():
    """The earliest_arrival example in the router's docstring gives the shown answers."""
    result = doctest.testmod(logistics.network.router, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
