"""Command line: parse -> call the library -> print -> exit code.

Exit codes: 0 done, 1 internal failure or no result, 2 invalid input. One module per
group of commands; :mod:`logistics.cli.common` holds what they share.
"""

import logging

from logistics.cli import (  # noqa: F401  (register commands)
    bundle,
    critical,
    design,
    nightly,
    plan,
    report,
    route,
    scenarios,
)
from logistics.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    app()
