"""Broken bundles in tests/data/bad/<fault>/ are refused cleanly and precisely.

Each folder is a full copy of tests/data/tiny (orders.csv included) with exactly one
fault; its expected.txt lists the ``file:row:column`` prefixes the run must report.
Every run passes ``--orders <folder>/orders.csv``: a bundle fault stops the run before
the orders are read, an orders fault sits in a valid bundle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FOLDERS = sorted(p for p in BAD.iterdir() if p.is_dir())


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _expected(folder: Path) -> list[str]:
    lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def test_enough_fault_folders() -> None:
    """The fixture set covers at least 22 distinct faults, each with an expected.txt."""
    assert len(FOLDERS) >= 22
    for folder in FOLDERS:
        assert _expected(folder), f"{folder.name}/expected.txt lists nothing"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_fixture_is_tiny_with_one_fault(folder: Path) -> None:
    """A fault folder is tiny plus expected.txt, with exactly one input file changed
    (or missing), so the test really isolates one fault."""
    tiny = _hashes(TINY)
    bad = _hashes(folder)
    assert bad.pop("expected.txt")
    assert set(bad) <= set(tiny)
    changed = [name for name in tiny if bad.get(name) != tiny[name]]
    assert len(changed) == 1, changed


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_bad_bundle_is_refused(folder: Path, validate: Callable) -> None:
    """`logistics validate` exits 2 without a traceback, reports every expected
    file:row:column at the start of a line (and no spurious follow-up problem), and
    leaves every file of the folder byte-identical."""
    before = _hashes(folder)
    run = validate(folder, folder / "orders.csv")
    after = _hashes(folder)

    assert run.exception is None, f"{type(run.exception).__name__}: {run.exception}"
    assert "Traceback" not in run.text
    assert run.exit_code == 2, run.text
    reported = run.issues
    missing = [e for e in _expected(folder) if e not in reported]
    assert not missing, f"not reported: {missing}\n{run.text}"
    assert sorted(reported) == sorted(_expected(folder)), run.text
    assert after == before


def test_two_faults_in_two_files_reported_in_one_run(tiny: Path, validate: Callable, cells) -> None:
    """Faults in two different files (sites.csv and lanes.csv) are both reported by a
    single run, not just the first one."""
    cells.set(tiny / "sites.csv", 3, "timezone", "Europe/Munich")
    cells.set(tiny / "lanes.csv", 2, "temperatures", "CRT;frozen")
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert "Traceback" not in run.text
    assert sorted(run.issues) == ["lanes.csv:2:temperatures", "sites.csv:3:timezone"]


def test_two_faults_in_one_file_reported_in_one_run(tiny: Path, validate: Callable, cells) -> None:
    """Two bad rows of orders.csv are both reported, each on its own row."""
    orders = tiny / "orders.csv"
    cells.set(orders, 2, "priority", "7")
    cells.set(orders, 3, "apheresis_earliest", "31/02/2026")
    run = validate(tiny, orders)
    assert run.exit_code == 2, run.text
    assert sorted(run.issues) == ["orders.csv:2:priority", "orders.csv:3:apheresis_earliest"]
