"""Files that cannot be read as files: permissions, folders, empty files, byte-order
marks, undecodable bytes. Each is an InputError naming the file (exit 2), never an
internal error."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from logistics.errors import InputError
from logistics.io import read_network, read_orders
from logistics.scenarios import read_scenario
from logistics.solve.params import load_params


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make reading ``denied`` fail as a file without read permission does (the tests
    may run as root, who reads everything)."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.resolve() == denied.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.mark.parametrize("name", ["orders.csv", "sites.csv", "lanes.csv", "therapies.toml"])
def test_unreadable_file_named(
    tiny: Path, validate: Callable, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A file that cannot be read for permissions gives exit 2 and a message naming
    the file and the reason."""
    _deny(monkeypatch, tiny / name)
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert f"{name}:-:-: expected a readable file, got 'Permission denied'" in run.text


def test_unreadable_scenario_and_solver_toml(tmp_path: Path, monkeypatch) -> None:
    """A scenario file and a solver.toml that cannot be read raise InputError naming
    the file."""
    spec = tmp_path / "s.toml"
    spec.write_text('name = "x"\n')
    config = tmp_path / "solver.toml"
    config.write_text("[solver]\n")
    for path, read in ((spec, read_scenario), (config, load_params)):
        with monkeypatch.context() as m:
            _deny(m, path)
            with pytest.raises(InputError) as exc:
                read(path)
        assert [(i.file, i.expected) for i in exc.value.issues] == [(path.name, "a readable file")]


@pytest.mark.parametrize("name", ["sites.csv", "holidays.csv", "customs.csv", "network.toml"])
def test_folder_where_a_bundle_file_belongs(tiny: Path, validate: Callable, name: str) -> None:
    """A folder in place of a bundle file is reported against that file (exit 2)."""
    path = tiny / name
    if path.exists():
        path.unlink()
    path.mkdir()
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert any(line.startswith(f"{name}:-:-: expected") for line in run.text.splitlines())
    assert "internal error" not in run.text


def test_folder_as_order_book_scenario_or_config(tiny: Path, tmp_path: Path) -> None:
    """A folder passed as orders.csv, a scenario or a solver.toml is an InputError
    saying it is a folder."""
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    network = read_network(tiny)
    for read in (lambda p: read_orders(p, network), read_scenario, load_params):
        with pytest.raises(InputError) as exc:
            read(folder)
        (issue,) = exc.value.issues
        assert issue.file.endswith("folder.csv"), issue


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"", "orders.csv:1:-: expected a header row"),
        (b"\xef\xbb\xbf", "orders.csv:1:-: expected a header row"),
        (b"order_id,therapy\xff\n", "expected UTF-8 text, got 'bytes 0xff'"),
    ],
)
def test_empty_or_undecodable_order_book(
    tiny: Path, validate: Callable, content: bytes, where: str
) -> None:
    """An empty order book (with or without a byte-order mark) and one with bytes
    that are not UTF-8 are refused with exit 2 naming orders.csv."""
    (tiny / "orders.csv").write_bytes(content)
    run = validate(tiny, tiny / "orders.csv")
    assert run.exit_code == 2, run.text
    assert where in run.text
    assert any(line.startswith("orders.csv:1:") for line in run.text.splitlines())
    assert "internal error" not in run.text


def test_byte_order_mark_in_toml(tiny: Path) -> None:
    """therapies.toml with a UTF-8 byte-order mark reads as without."""
    path = tiny / "therapies.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "cart-auto" in read_network(tiny).therapies
