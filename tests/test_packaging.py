"""The installed package holds every sub-package: pyproject.toml lists them by hand."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    """Each folder of logistics/ with an __init__.py is in [tool.setuptools] packages,
    so `pip install .` (not only an editable install) ships it."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "logistics").rglob("__init__.py")
    }
    assert found - listed == set()


def test_version_option_prints_the_project_version():
    """`logistics --version` prints the version pyproject.toml declares and exits 0."""
    from typer.testing import CliRunner

    from logistics.cli import app

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"atmp-logistics {version}"
