"""Suite-wide fixtures: every test runs from a scratch working directory.

No test may depend on the folder pytest is started from, so each runs with its
working directory set to an empty temporary folder: a relative path like
``tests/data/tiny`` fails here as it would for a user elsewhere. Tests locate data
from their own file (``Path(__file__).resolve().parents[...]``).
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty folder, away from the repository, shared by the session."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture(autouse=True)
def _run_elsewhere(_elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test with the working directory set to the scratch folder."""
    monkeypatch.chdir(_elsewhere)
