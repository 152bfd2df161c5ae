"""Files shipped inside the package: the default bundle, example orders, config."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_REPO_DIRS = {
    "logistics._bundled": "data",
    "logistics._examples": "examples",
    "logistics._config": "config",
}


def embedded_path(package: str, name: str) -> Path:
    """Path of ``name`` inside an embedded data package.

    Installed (also editable): the package's files. A source checkout that was not
    installed: the repository folder the package is built from.
    """
    try:
        return Path(str(files(package) / name))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / _REPO_DIRS[package] / name
