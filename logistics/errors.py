"""Errors raised by the library: bad input, and internal solver faults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in one input cell: ``file:row:column: expected ..., got ...``.

    ``row`` is 1-based with the header as row 1 (for TOML files: the line number);
    ``None`` when the problem concerns the whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    got: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.row if self.row is not None else '-'}:{self.column or '-'}"
        got = "nothing" if self.got is None else repr(self.got)
        return f"{where}: expected {self.expected}, got {got}"


class InputError(Exception):
    """Invalid input: carries every issue found, not just the first."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]) -> None:
        self.issues = tuple(issues)
        n = len(self.issues)
        head = f"{n} problem{'s' if n != 1 else ''} in the input"
        super().__init__("\n".join([head, *(str(i) for i in self.issues)]))


class SolveError(Exception):
    """An internal failure of the solver, or a result asked for what it lacks (the
    objective of a solve that found no plan). Infeasible inputs are a status, never
    this error."""
