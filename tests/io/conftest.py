"""Shared helpers for the reader tests: the tiny bundle, cell edits, the CLI in-process."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from logistics.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny"

# One reported problem: ``file:row:column: expected ..., got ...`` at the start of a line.
ISSUE_RE = re.compile(r"^(?P<where>[^\s:]+:(?:\d+|-):[^:]*?): expected ")


@dataclass(frozen=True)
class Run:
    """What one CLI invocation produced."""

    exit_code: int
    text: str  # stdout and stderr together
    exception: BaseException | None

    @property
    def issues(self) -> list[str]:
        """The ``file:row:column`` prefixes of the reported problem lines."""
        return [m["where"] for line in self.text.splitlines() if (m := ISSUE_RE.match(line))]


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 always keeps stderr apart


def _command_prefix() -> list[str]:
    # With a single command Typer runs it without its name; with several, name it.
    command = typer.main.get_command(app)
    return ["validate"] if hasattr(command, "list_commands") else []


def run_validate(bundle: Path, orders: Path | None = None) -> Run:
    """Run ``logistics validate BUNDLE [--orders FILE]`` in-process."""
    args = [*_command_prefix(), str(bundle)]
    if orders is not None:
        args += ["--orders", str(orders)]
    return run_cli(*args)


def run_cli(*args: str) -> Run:
    """Run ``logistics ARGS...`` in-process."""
    result = _runner().invoke(app, list(args))
    parts = [result.stdout]
    with contextlib.suppress(ValueError):  # older click: stderr is mixed into stdout
        parts.append(result.stderr)
    exception = result.exception
    if isinstance(exception, SystemExit):
        exception = None
    return Run(result.exit_code, "\n".join(parts), exception)


class Cells:
    """Edits of CSV files by record (header = row 1), as a planner's tool would write them."""

    @staticmethod
    def read_rows(path: Path) -> list[list[str]]:
        """All records of a CSV file."""
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))

    @staticmethod
    def write_rows(path: Path, rows: list[list[str]]) -> None:
        """Write records as CSV (quoting only where needed)."""
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")

    @classmethod
    def set(cls, path: Path, row: int, column: str, value: str) -> None:
        """Set one cell."""
        rows = cls.read_rows(path)
        rows[row - 1][rows[0].index(column)] = value
        cls.write_rows(path, rows)

    @classmethod
    def add_column(cls, path: Path, column: str, values: list[str]) -> None:
        """Append a column with one value per data row."""
        rows = cls.read_rows(path)
        cls.write_rows(path, [[*r, v] for r, v in zip(rows, [column, *values], strict=True)])


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of tests/data/tiny (orders.csv included) to edit."""
    folder = tmp_path / "bundle"
    shutil.copytree(TINY, folder)
    return folder


@pytest.fixture
def validate() -> Callable[..., Run]:
    """The in-process ``logistics validate`` runner."""
    return run_validate


@pytest.fixture
def cli() -> Callable[..., Run]:
    """The in-process ``logistics ...`` runner."""
    return run_cli


@pytest.fixture
def cells() -> type[Cells]:
    """CSV cell editing helpers."""
    return Cells
