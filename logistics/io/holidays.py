"""holidays.csv (optional): holidays the ``holidays`` package does not know.

Each row closes the sites in its scope on one local date, like a public holiday: every
site of ``country`` (and of ``subdivision`` when given), or only ``site_id`` when given.
``date`` is ``YYYY-MM-DD`` (that day only) or ``--MM-DD`` (that day every year).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace
from datetime import date
from pathlib import Path

from logistics.io import parsers as p
from logistics.io import places
from logistics.io.bounds import check_date
from logistics.io.table import Col, Issues, Row, check_optional, read_csv
from logistics.model.sites import Site

Holiday = date | tuple[int, int]  # one date, or (month, day) every year


def holiday_date(text: str) -> Holiday:
    """``YYYY-MM-DD`` -> that date; ``--MM-DD`` -> (month, day), every year."""
    if text.startswith("--") and len(text) == 7 and text[4] == "-":
        try:
            day = date(2000, int(text[2:4]), int(text[5:7]))  # 2000: 29 February exists
        except ValueError:
            pass
        else:
            return (day.month, day.day)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("a date YYYY-MM-DD, or --MM-DD for every year") from None
    return check_date(day, "a date YYYY-MM-DD (or --MM-DD for every year)")


SCHEMA = {
    "date": Col(holiday_date, required=True),
    "name": Col(required=True),
    "country": Col(places.country, required=True),
    "subdivision": Col(places.subdivision),
    "site_id": Col(p.ident),
}


def add_bundle_holidays(
    folder: Path, sites: dict[str, Site], issues: Issues, broken: Container[str]
) -> dict[str, Site]:
    """``sites`` with the holidays of ``folder``/holidays.csv added to the calendars of
    the sites each row covers (the same sites when there is no such file); problems go
    to ``issues``."""
    path = folder / "holidays.csv"
    if not check_optional(path, issues):
        return sites
    dates: dict[str, set[date]] = {}
    yearly: dict[str, set[tuple[int, int]]] = {}
    for row in read_csv(path, SCHEMA, issues):
        covered = _covered(row, sites, issues, broken)
        if not covered and not row.bad:
            issues.warn(f"{path.name}:{row.row}: covers no site of sites.csv; ignored")
        when = row.values.get("date")
        for site_id in covered:
            if isinstance(when, date):
                dates.setdefault(site_id, set()).add(when)
            elif when is not None:
                yearly.setdefault(site_id, set()).add(when)
    out = dict(sites)
    for site_id in dates.keys() | yearly.keys():
        site = sites[site_id]
        calendar = replace(
            site.calendar,
            extra_dates=site.calendar.extra_dates | frozenset(dates.get(site_id, ())),
            extra_yearly=site.calendar.extra_yearly | frozenset(yearly.get(site_id, ())),
        )
        out[site_id] = replace(site, calendar=calendar)
    return out


def _covered(row: Row, sites: dict[str, Site], issues: Issues, broken: Container[str]) -> list[str]:
    """The ids of the sites a row applies to (none when the row is invalid)."""
    v = row.values
    country, sub, site_id = v.get("country"), v.get("subdivision"), v.get("site_id")
    if row.ok("country", "subdivision") and sub and not sub.startswith(f"{country}-"):
        expected = f"a subdivision of {country} ('{country}-...')"
        issues.add("holidays.csv", row.row, "subdivision", expected, sub)
        row.bad.add("subdivision")
    if site_id is not None and row.ok("site_id", "country", "subdivision"):
        site = sites.get(site_id)
        if site is None:
            if site_id not in broken:
                issues.add("holidays.csv", row.row, "site_id", "a site_id from sites.csv", site_id)
            row.bad.add("site_id")
        elif site.country != country:
            expected = f"the country of {site_id} ({site.country})"
            issues.add("holidays.csv", row.row, "country", expected, country or "")
            row.bad.add("country")
        elif sub and site.subdivision != sub:
            expected = f"the subdivision of {site_id} ({site.subdivision or 'none'}) or empty"
            issues.add("holidays.csv", row.row, "subdivision", expected, sub)
            row.bad.add("subdivision")
    if row.bad:
        return []
    return [
        s.site_id
        for s in sites.values()
        if s.country == country
        and (not sub or s.subdivision == sub)
        and (site_id is None or s.site_id == site_id)
    ]
