"""Reading and validating an order book against a network."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from logistics.errors import InputError, Issue
from logistics.io import parsers as p
from logistics.io import schemas
from logistics.io.table import Issues, check_unique, read_csv
from logistics.model.constants import BOOKED_STATUSES
from logistics.model.network import Network
from logistics.model.orders import Order, OrderBook
from logistics.resources import packaged

log = logging.getLogger("logistics")


def default_orders() -> Path:
    """The embedded example order book."""
    return packaged("logistics._examples", "orders.csv")


def read_orders(path: str | Path | None, network: Network) -> OrderBook:
    """Read and validate an orders.csv against ``network``.

    ``path`` is the CSV (None: the packaged example book). Returns the OrderBook;
    raises InputError listing every issue (file, row, column, expected).
    """
    path = Path(path) if path is not None else default_orders()
    name = path.name
    if not path.is_file():
        raise InputError([Issue(str(path), None, None, "an orders CSV file", "no such file")])
    issues = Issues()
    rows = read_csv(path, schemas.ORDERS, issues, refuse=_identifying)
    check_unique(name, rows, "order_id", issues)
    orders: list[Order] = []
    for row in rows:
        v = row.values
        if row.ok("therapy") and v["therapy"] not in network.therapies:
            issues.add(name, row.row, "therapy", "a therapy of therapies.toml", v["therapy"])
            row.bad.add("therapy")
        centre = network.sites.get(v.get("treatment_centre", ""))
        if row.ok("treatment_centre") and centre is None:
            issues.add(
                name, row.row, "treatment_centre", "a site_id from sites.csv", v["treatment_centre"]
            )
            continue
        if centre is not None and centre.kind != "treatment_centre":
            issues.add(
                name,
                row.row,
                "treatment_centre",
                "a site of kind treatment_centre",
                f"{centre.site_id} ({centre.kind})",
            )
            continue
        if centre is None:
            continue
        tz = centre.timezone
        times = {}
        for column, end in (("apheresis_earliest", False), ("apheresis_latest", True)):
            raw = row.raw.get(column, "")
            if not raw:
                continue
            try:
                times[column] = p.day_bound(raw, tz, end=end)
            except ValueError as exc:
                issues.add(name, row.row, column, str(exc), raw)
                row.bad.add(column)
        if (
            "apheresis_earliest" in times
            and "apheresis_latest" not in times
            and row.ok("apheresis_latest")
        ):
            # the end of the centre's local day 7 days after earliest (from the parsed
            # instant, not the raw text: a datetime may carry another offset; adding
            # days to the local date keeps the day's end right across DST changes)
            day = times["apheresis_earliest"].astimezone(ZoneInfo(tz)).date()
            last = day + timedelta(days=7)
            times["apheresis_latest"] = p.day_bound(last.isoformat(), tz, end=True)
        if len(times) == 2 and times["apheresis_latest"] < times["apheresis_earliest"]:
            issues.add(
                name,
                row.row,
                "apheresis_latest",
                "a time on or after apheresis_earliest",
                row.raw["apheresis_latest"],
            )
            row.bad.add("apheresis_latest")
        committed = _committed(name, row, network, issues)
        if row.bad:
            continue
        orders.append(
            Order(
                order_id=v["order_id"],
                therapy=v["therapy"],
                treatment_centre=v["treatment_centre"],
                apheresis_earliest=times["apheresis_earliest"],
                apheresis_latest=times["apheresis_latest"],
                priority=v["priority"],
                status=v["status"],
                committed_site=v["committed_site"],
                committed_apheresis=committed,
            )
        )
    if issues.errors:
        raise InputError(issues.errors)
    for message in issues.warnings:
        log.warning(message)
    digest = issues.hashes.get(name, "")
    return OrderBook(orders=tuple(orders), source=str(path), sha256=digest)


def _identifying(column: str) -> str | None:
    if column.lower().replace(" ", "_").replace("-", "_") in schemas.IDENTIFYING_COLUMNS:
        return "no patient-identifying column (orders carry a pseudonymous order_id only)"
    return None


def _committed(name: str, row, network: Network, issues: Issues):
    """Validate committed_site / committed_apheresis; return the apheresis time (UTC)."""
    v = row.values
    booked = v.get("status") in BOOKED_STATUSES
    site_id = v.get("committed_site")
    raw_time = row.raw.get("committed_apheresis", "")
    if booked and not site_id and row.ok("committed_site"):
        issues.add(
            name,
            row.row,
            "committed_site",
            f"the booked manufacturing site (status is {v['status']})",
            "",
        )
        row.bad.add("committed_site")
    if booked and not raw_time:
        issues.add(
            name,
            row.row,
            "committed_apheresis",
            f"the booked apheresis time (status is {v['status']})",
            "",
        )
        row.bad.add("committed_apheresis")
    if site_id and row.ok("committed_site"):
        site = network.sites.get(site_id)
        therapy = network.therapies.get(v.get("therapy", ""))
        if site is None or site.kind != "manufacturing_site":
            issues.add(
                name, row.row, "committed_site", "a manufacturing_site from sites.csv", site_id
            )
            row.bad.add("committed_site")
        elif therapy is not None and site_id not in therapy.sites:
            issues.add(
                name,
                row.row,
                "committed_site",
                f"a site licensed for {therapy.therapy_id} ({', '.join(therapy.sites)})",
                site_id,
            )
            row.bad.add("committed_site")
    if not raw_time:
        return None
    centre = network.sites[v["treatment_centre"]]
    try:
        return p.local_datetime(raw_time, centre.timezone)
    except ValueError as exc:
        issues.add(name, row.row, "committed_apheresis", str(exc), raw_time)
        row.bad.add("committed_apheresis")
        return None
