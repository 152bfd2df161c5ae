"""`logistics make-orders --out`: never into the bundle it reads, never a folder, and
the file is whole or as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import logistics.io.write_orders as wo
from logistics.cli import app
from logistics.io.bundle import read_network
from logistics.io.orders import read_orders

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
runner = CliRunner()


def _bundle(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    folder = tmp_path / "bundle"
    shutil.copytree(TINY, folder)
    return folder, {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("name", ["capacity.csv", "orders.csv", "sub/orders.csv"])
def test_out_inside_the_bundle_is_refused(tmp_path: Path, name: str) -> None:
    """An --out inside the network bundle (a bundle file or a new one) exits 2
    naming --out, and the bundle is left as it was."""
    folder, before = _bundle(tmp_path)
    res = runner.invoke(
        app, ["make-orders", "--network", str(folder), "--out", str(folder / name), "--n", "5"]
    )
    assert res.exit_code == 2, res.output
    assert "--out" in res.output and "outside the network bundle" in res.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_out_a_folder_is_refused(tmp_path: Path) -> None:
    folder, _ = _bundle(tmp_path)
    res = runner.invoke(
        app, ["make-orders", "--network", str(folder), "--out", str(tmp_path), "--n", "5"]
    )
    assert res.exit_code == 2, res.output
    assert "a folder" in res.output


def test_written_whole_and_replaced_whole(tmp_path: Path) -> None:
    """The book is written (and read back), an existing file is replaced, and no
    staging file is left beside it."""
    folder, _ = _bundle(tmp_path)
    out = tmp_path / "out" / "orders.csv"
    out.parent.mkdir()
    out.write_text("old content\n")
    res = runner.invoke(
        app, ["make-orders", "--network", str(folder), "--out", str(out), "--n", "7"]
    )
    assert res.exit_code == 0, res.output
    assert len(read_orders(out, read_network(folder))) == 7
    assert [p.name for p in out.parent.iterdir()] == ["orders.csv"]


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    """A write that fails half way leaves the file as it was and no staging file."""
    folder, _ = _bundle(tmp_path)
    out = tmp_path / "orders.csv"
    out.write_text("old content\n")
    network = read_network(folder)
    book = read_orders(TINY / "orders.csv", network)

    def broken(book, network, path: Path) -> None:
        path.write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(wo, "_write", broken)
    with pytest.raises(OSError):
        wo.write_orders(book, network, out)
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["orders.csv"]
