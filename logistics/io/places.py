"""Country codes and default time zones, from the IANA tables shipped with tzdata."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_SUBDIVISION_RE = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")


@cache
def _zone_tab() -> dict[str, str]:
    """Country -> its first listed IANA zone (the principal one in Europe)."""
    zones: dict[str, str] = {}
    text = (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _coords, zone = line.split("\t")[:3]
            zones.setdefault(code, zone)
    return zones


@cache
def _countries() -> frozenset[str]:
    text = (files("tzdata.zoneinfo") / "iso3166.tab").read_text(encoding="utf-8")
    return frozenset(
        line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")
    )


def country(text: str) -> str:
    """An ISO 3166-1 alpha-2 country code."""
    if text not in _countries():
        raise ValueError("an ISO 3166-1 alpha-2 country code such as 'DE'")
    return text


def subdivision(text: str) -> str:
    """An ISO 3166-2 code with its country prefix, such as 'GB-NIR'."""
    if not _SUBDIVISION_RE.fullmatch(text):
        raise ValueError("an ISO 3166-2 code such as 'GB-NIR' or 'DE-BY'")
    return text


def default_timezone(country_code: str) -> str | None:
    """The principal IANA zone of a country, or None if tzdata knows none."""
    return _zone_tab().get(country_code)
