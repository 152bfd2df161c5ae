"""logistics route: the earliest itinerary and its fallbacks."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from logistics.cli.common import (
    NetworkOption,
    app,
    err,
    guarded,
    site_hint,
    wide,
)
from logistics.errors import InputError, Issue
from logistics.io import read_network
from logistics.io.bounds import CLI
from logistics.io.legs import LEG_COLUMNS, leg_rows, utc_text
from logistics.io.parsers import local_datetime
from logistics.model.constants import TEMPERATURES, Material, SiteKind
from logistics.model.itinerary import Itinerary
from logistics.model.network import Network
from logistics.network.explain import why_not
from logistics.network.router import Router


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
@guarded
def route(
    origin: Annotated[
        str, typer.Argument(metavar="FROM", help="Site id where the material is ready.")
    ],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Destination site id.")],
    depart: Annotated[
        str,
        typer.Option("--depart", help="Ready time, ISO 8601; without offset: local time at FROM."),
    ],
    temperature: Annotated[str, typer.Option("--temperature", help="CRT, 2-8C, -80C or LN2.")],
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=0, help="Also show up to N fallback itineraries.")
    ] = 0,
    quantile: Annotated[
        float | None,
        typer.Option(
            "--quantile",
            help="Planning quantile of durations and clearance (default: nominal durations).",
        ),
    ] = None,
    within: Annotated[
        float | None,
        typer.Option(
            "--within",
            help="Window in hours: explain when the best arrival misses it (default: none).",
        ),
    ] = None,
    material: Annotated[
        Material | None,
        typer.Option(
            "--material",
            help="starting (apheresis material) or finished (product); customs may differ. "
            "(default: starting when TO is a manufacturing site, else finished).",
        ),
    ] = None,
    network_dir: NetworkOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Earliest-arriving itinerary (and fallbacks) from FROM to TO."""
    network = read_network(network_dir)
    problems = []
    for column, site in (("FROM", origin), ("TO", destination)):
        if site not in network.sites:
            expected = "a site_id of the bundle" + site_hint(network, site)
            problems.append(Issue("command line", None, column, expected, site))
    if temperature not in TEMPERATURES:
        problems.append(
            Issue(
                "command line",
                None,
                "--temperature",
                f"one of {', '.join(TEMPERATURES)}",
                temperature,
            )
        )
    if (problem := CLI["--alternatives"].problem(alternatives)) is not None:
        problems.append(Issue("command line", None, "--alternatives", problem, str(alternatives)))
    if quantile is not None and not 0 < quantile < 1:
        problems.append(
            Issue("command line", None, "--quantile", "a number between 0 and 1", str(quantile))
        )
    ready = None
    if origin in network.sites:
        try:
            ready = local_datetime(depart, network.sites[origin].timezone)
        except ValueError as exc:
            problems.append(Issue("command line", None, "--depart", str(exc), depart))
    if problems:
        raise InputError(problems)
    assert ready is not None
    if material is None:
        to_plant = network.sites[destination].kind == SiteKind.MANUFACTURING_SITE
        material = Material.STARTING if to_plant else Material.FINISHED
    router = Router(network, quantile, material=material)
    found = router.alternatives(origin, destination, ready, temperature, alternatives)
    reason = why_not(router, origin, destination, ready, temperature, within)
    if not found or reason:
        err.print(f"no itinerary: {reason}", markup=False, highlight=False)
        raise typer.Exit(1)
    if fmt is Format.csv:
        _route_csv(found, alternatives > 0)
    elif fmt is Format.json:
        _route_json(found, network)
    else:
        for k, it in enumerate(found):
            _route_table(it, network, "fastest" if k == 0 else f"fallback {k}")


def _route_csv(found: list[Itinerary], numbered: bool) -> None:
    columns = (("itinerary",) if numbered else ()) + LEG_COLUMNS
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for k, it in enumerate(found, start=1):
        for row in leg_rows(it):
            writer.writerow({"itinerary": str(k), **row} if numbered else row)


def _route_json(found: list[Itinerary], network: Network) -> None:
    """The itineraries as JSON: numbers as numbers, every time in UTC and local."""

    def local(t: datetime, site_id: str) -> str:
        return t.astimezone(ZoneInfo(network.sites[site_id].timezone)).isoformat()

    data = [
        {
            "itinerary": k,
            "origin": it.origin,
            "destination": it.destination,
            "ready": utc_text(it.ready),
            "ready_local": local(it.ready, it.origin),
            "arrival": utc_text(it.arrival),
            "arrival_local": local(it.arrival, it.destination),
            "hours": round(it.hours, 2),
            "cost_eur": round(it.cost_eur, 2),
            "customs_h": round(it.customs_h, 2),
            "legs": [
                {
                    "seq": seq,
                    "lane_id": leg.lane_id,
                    "carrier": leg.carrier,
                    "mode": str(leg.mode),
                    "from_site": leg.from_site,
                    "from_name": network.sites[leg.from_site].name,
                    "to_site": leg.to_site,
                    "to_name": network.sites[leg.to_site].name,
                    "depart": utc_text(leg.depart),
                    "depart_local": local(leg.depart, leg.from_site),
                    "arrive": utc_text(leg.arrive),
                    "arrive_local": local(leg.arrive, leg.to_site),
                    "temperature": leg.temperature,
                    "customs_from": leg.customs_from,
                    "customs_to": leg.customs_to,
                    "customs_h": round(leg.customs_h, 2),
                    "wait_h": round(leg.wait_open_h, 2),
                    "cost_eur": round(leg.cost_eur, 2),
                }
                for seq, leg in enumerate(it.legs, start=1)
            ],
        }
        for k, it in enumerate(found, start=1)
    ]
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _route_table(it: Itinerary, network, title: str) -> None:
    table = Table(
        title=f"{title}: {it.origin} -> {it.destination}, {it.hours:.1f} h, {it.cost_eur:,.0f} EUR"
    )
    for col in (
        "#",
        "lane",
        "carrier",
        "mode",
        "from -> to",
        "depart local",
        "depart UTC",
        "arrive local",
        "arrive UTC",
        "wait h",
        "customs",
    ):
        table.add_column(col, overflow="fold")  # ids wrap, never cut off
    for seq, leg in enumerate(it.legs, start=1):
        tz_from = ZoneInfo(network.sites[leg.from_site].timezone)
        tz_to = ZoneInfo(network.sites[leg.to_site].timezone)
        customs = (
            f"{leg.customs_from}->{leg.customs_to} {leg.customs_h:.1f} h"
            if leg.customs_from
            else ""
        )
        table.add_row(
            str(seq),
            leg.lane_id,
            leg.carrier,
            leg.mode,
            f"{leg.from_site} -> {leg.to_site}",
            f"{leg.depart.astimezone(tz_from):%a %d %b %H:%M %Z}",
            f"{leg.depart:%H:%MZ}",
            f"{leg.arrive.astimezone(tz_to):%a %d %b %H:%M %Z}",
            f"{leg.arrive:%H:%MZ}",
            f"{leg.wait_open_h:.1f}" if leg.wait_open_h else "",
            customs,
        )
    wide().print(table)
