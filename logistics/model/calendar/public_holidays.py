"""Public holidays per country and subdivision (the holidays package)."""

import functools
import re
from datetime import date

import holidays

__all__ = ["validate_subdivision"]


@functools.cache
def _supported() -> dict[str, tuple[str, ...]]:
    return {c: tuple(s) for c, s in holidays.list_supported_countries().items()}


@functools.cache
def _holiday_key(country: str, subdivision: str | None) -> tuple[str, str | None] | None:
    """(country, subdiv) as the holidays package names them; None if it has no data.

    A subdivision it does not know falls back to the national holidays.
    """
    known = _supported().get(country)
    if known is None:
        return None
    code = subdivision.partition("-")[2] if subdivision else None
    return (country, code if code in known else None)


@functools.lru_cache(maxsize=4096)
def _holiday_dates(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    """Public holidays of one year (built once per country, subdivision and year)."""
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


def validate_subdivision(country: str, subdivision: str) -> str | None:
    """None if the holidays package knows ``subdivision`` ("DE-BY") of ``country`` (or
    does not know the country at all); otherwise what was expected, as a phrase."""
    known = _supported().get(country)
    if known is None:
        return None
    prefix, _, code = subdivision.partition("-")
    if prefix == country and code in known:
        return None
    listed = ", ".join(f"{country}-{s}" for s in known if re.fullmatch(r"[A-Z0-9]{1,3}", s))
    return f"a subdivision of {country} with public holiday data ({listed})"
