"""data/europe/SOURCES.md names every parameter of the default bundle, with a source.

Read from the files themselves, so a key or customs rule added later fails here until
SOURCES.md says where its value comes from:

- every key of therapies.toml and of network.toml (each table, each key, each key of an
  inline table) is mentioned in backticks by its dotted path or a tail of it
  (`roads.max_km`, `max_km`; `risk.cancel_probability.air`, `cancel_probability.air`);
- every customs rule is mentioned as `FROM->TO mode` (`any` for the all-modes rule);
- each paragraph or table row that mentions one of them names a source (a year, a DOI,
  a PMC id, a web address) or says "assumption".
"""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import pytest

EUROPE = Path(__file__).resolve().parents[2] / "data" / "europe"
SOURCES = (EUROPE / "SOURCES.md").read_text(encoding="utf-8")
_SOURCE_RE = re.compile(r"assumption|\b(19|20)\d\d\b|doi|PMC\d+|https?://", re.IGNORECASE)


def _blocks(text: str) -> list[str]:
    """Paragraphs, list items and table rows: the units a mention must carry a source in."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        lines = para.splitlines()
        if lines and lines[0].lstrip().startswith("|"):
            out += [line for line in lines if not re.fullmatch(r"\|[-| :]+\|?", line.strip())]
        elif any(line.lstrip().startswith("- ") for line in lines):
            item: list[str] = []
            for line in lines:
                if line.lstrip().startswith("- ") and item:
                    out.append("\n".join(item))
                    item = []
                item.append(line)
            out.append("\n".join(item))
        else:
            out.append(para)
    return out


BLOCKS = _blocks(SOURCES)


def _paths(table: dict, prefix: str = "") -> list[str]:
    """Every dotted key path of a TOML document, tables included."""
    out = []
    for key, value in table.items():
        path = f"{prefix}{key}"
        out.append(path)
        if isinstance(value, dict):
            out += _paths(value, f"{path}.")
    return out


def _tails(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def _unsourced(tokens: list[str]) -> str | None:
    """None if some block mentions one of ``tokens`` in backticks and names a source;
    otherwise what is missing."""
    quoted = [f"`{t}`" for t in tokens]
    mentions = [b for b in BLOCKS if any(q in b for q in quoted)]
    if not mentions:
        return f"not mentioned (as {' or '.join(quoted)})"
    if not any(_SOURCE_RE.search(b) for b in mentions):
        return f"mentioned without a source or 'assumption' ({quoted[-1]})"
    return None


def _toml_keys(name: str) -> list[str]:
    with (EUROPE / name).open("rb") as fh:
        return _paths(tomllib.load(fh))


def _customs_rules() -> list[str]:
    with (EUROPE / "customs.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [f"{r['from_territory']}->{r['to_territory']} {r['mode'] or 'any'}" for r in rows]


@pytest.mark.parametrize("name", ["therapies.toml", "network.toml"])
def test_every_toml_key_has_a_source(name: str):
    """Each key path of the file (tables included) is in SOURCES.md with a source."""
    missing = {path: why for path in _toml_keys(name) if (why := _unsourced(_tails(path)))}
    assert not missing, f"{name} keys SOURCES.md does not source: {missing}"


def test_every_customs_rule_has_a_source():
    """Each customs.csv rule is named `FROM->TO mode` in SOURCES.md with a source."""
    missing = {rule: why for rule in _customs_rules() if (why := _unsourced([rule]))}
    assert not missing, f"customs rules SOURCES.md does not source: {missing}"


def test_the_check_catches_an_unknown_key():
    """The checks fail for a key or rule SOURCES.md cannot name (they could fail)."""
    assert _unsourced(_tails("roads.no_such_setting_xyz")) is not None
    assert _unsourced(["XX->YY air"]) is not None
