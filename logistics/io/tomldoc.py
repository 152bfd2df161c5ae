"""The one TOML loader of the package: parse a file and find the line of any key.

Every TOML reader (therapies.toml and network.toml of a bundle, scenario files) loads
through :func:`load_toml`, so unreadable files, bad UTF-8 and syntax errors are
reported the same way, as ``file:line: expected ..., got ...`` issues.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logistics.io.table import Issues

__all__ = ["TomlDoc", "load_toml"]

_KEY_RE = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


@dataclass(frozen=True, slots=True)
class TomlDoc:
    """A parsed TOML file: its ``name`` (for issues), ``data``, text ``lines`` and the
    SHA-256 of its bytes."""

    name: str
    data: dict[str, Any]
    lines: tuple[str, ...]
    sha256: str

    def line(self, table: str, key: str | None = None) -> int | None:
        """The line of the ``[table]`` header (dotted names allowed), or of ``key``
        inside that table (the header's when the key is not found); None when there is
        no such table."""
        parts = r"\s*\.\s*".join(map(re.escape, table.split(".")))
        header = re.compile(r"\s*\[\s*" + parts + r"\s*\]")
        start = next((i for i, text in enumerate(self.lines) if header.match(text)), None)
        if start is None:
            return None
        if key is None:
            return start + 1
        for i in range(start + 1, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                break
            if re.match(r"\s*" + re.escape(key) + r"\s*=", self.lines[i]):
                return i + 1
        return start + 1

    def locate(self, array: str) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
        """The lines of the top-level keys and table headers, and of each ``[[array]]``
        header with the lines of its keys (in file order)."""
        top: dict[str, int] = {}
        tables: list[tuple[int, dict[str, int]]] = []
        current: dict[str, int] | None = top
        for number, text in enumerate(self.lines, start=1):
            stripped = text.strip()
            if stripped.startswith("[["):
                table = stripped[2:].split("]]")[0].strip()
                if table == array:
                    tables.append((number, {}))
                    current = tables[-1][1]
                else:
                    current = None
                top.setdefault(table, number)
            elif stripped.startswith("["):
                top.setdefault(stripped[1:].split("]")[0].strip(), number)
                current = None
            elif current is not None and (m := _KEY_RE.match(text)):
                current.setdefault(next(g for g in m.groups() if g), number)
        return top, tables


def load_toml(path: Path, issues: Issues) -> TomlDoc | None:
    """Read and parse one TOML file.

    Args:
        path: the file.
        issues: where a problem is recorded (file name, line, ``a readable file``,
            ``UTF-8 text`` or ``valid TOML``); the file's SHA-256 goes into its
            ``hashes``.

    Returns:
        The document, or None after recording why it could not be read.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        issues.add(name, None, None, "a readable file", exc.strerror or str(exc))
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    issues.hashes[name] = sha256
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        issues.add(name, at, None, "UTF-8 text", f"byte 0x{data[exc.start]:02x}")
        return None
    lines = tuple(text.splitlines())
    try:
        return TomlDoc(name, tomllib.loads(text), lines, sha256)
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 has no exc.lineno: the line is only in the message.
        line: int | None = getattr(exc, "lineno", None)
        if line is None and (m := re.search(r"\(at line (\d+),", str(exc))):
            line = int(m.group(1))
        elif line is None and str(exc).endswith("(at end of document)"):
            line = max(len(lines), 1)
        issues.add(name, line, None, "valid TOML", str(exc).split(" (at")[0])
        return None
