"""Reading and validating a network bundle folder (the data contract)."""

from __future__ import annotations

import logging
from collections.abc import Container
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue
from logistics.io import schemas
from logistics.io.holidays import add_bundle_holidays
from logistics.io.table import Issues, Row, check_optional, check_unique, read_csv, what_is
from logistics.io.tomlfiles import read_network_toml, read_therapies
from logistics.model.calendar import SiteCalendar, validate_subdivision
from logistics.model.capacity import Capacity
from logistics.model.constants import MATERIALS
from logistics.model.customs import CustomsRule, TerritoryMap
from logistics.model.lanes import Lane
from logistics.model.network import Network
from logistics.model.sites import Site
from logistics.network.roads import road_legs
from logistics.network.seas import MAX_DETOUR, MAX_WATER_KM, SeaCrossing, sea_crossings

log = logging.getLogger("logistics")

_DEFAULT_LEAD_H = {"air": 2.0}


class _EveryId:
    """Contains every site id (when sites.csv could not be read at all)."""

    def __contains__(self, item: object) -> bool:
        return True


def default_bundle() -> Path:
    """The embedded European network bundle."""
    return embedded_path("logistics._bundled", "europe")


def read_network(path: str | Path | None = None) -> Network:
    """Read and validate a network bundle folder (see the data contract).

    Args:
        path: the bundle folder; None reads the embedded European bundle.

    Returns:
        The frozen :class:`~logistics.model.network.Network`, generated road legs included.

    Raises:
        InputError: listing every problem of every file, as ``file:row:column``.
    """
    folder = Path(path) if path is not None else default_bundle()
    issues = Issues()
    if not folder.is_dir():
        raise InputError([Issue(str(folder), None, None, "a bundle folder", "no such folder")])
    for required in ("sites.csv", "lanes.csv", "therapies.toml", "capacity.csv"):
        if not (folder / required).is_file():
            got = what_is(folder / required)
            issues.add(required, None, None, f"a file {required} in {folder}", got)

    site_rows = _read(folder / "sites.csv", schemas.SITES, issues, "site_id")
    territories = _read_territories(folder, issues)
    sites = _build_sites(site_rows, territories, issues)
    # ids of sites.csv rows that are there but invalid: their own error is reported, so
    # references to them are not reported again as unknown sites
    broken: Container[str] = {
        r.values["site_id"] for r in site_rows if r.ok("site_id") and "site_id" in r.values
    } - sites.keys()
    if not site_rows and any(e.file == "sites.csv" for e in issues.errors):
        broken = _EveryId()  # sites.csv unreadable as a whole: no reference is checkable
    sites = add_bundle_holidays(folder, sites, issues, broken)
    customs = _build_customs(folder, issues, sites)
    lane_rows = _read(folder / "lanes.csv", schemas.LANES, issues, "lane_id")
    lanes = _build_lanes(lane_rows, sites, issues, broken)
    therapies, therapy_lines = (
        read_therapies(folder / "therapies.toml", issues)
        if (folder / "therapies.toml").is_file()
        else ({}, {})
    )
    _check_therapies(therapies, therapy_lines, sites, territories, issues, broken)
    capacity = _build_capacity(
        _read(folder / "capacity.csv", schemas.CAPACITY, issues), sites, issues, broken
    )
    roads, risk = read_network_toml(folder / "network.toml", issues)
    network = Network(
        sites=sites,
        lanes=lanes,
        territories=territories,
        customs=customs,
        therapies=therapies,
        capacity=capacity,
        roads=roads,
        risk=risk,
        source=str(folder),
    )
    row_of = {r.values["lane_id"]: r.row for r in lane_rows if r.ok("lane_id")}
    for lane in lanes:
        _check_customs("lanes.csv", row_of.get(lane.lane_id), "to_site", lane, network, issues)
    _check_road_zones(network, issues)
    if not issues.errors and roads.generate:
        legs = road_legs(network)
        generated = [leg.lane for leg in legs]
        for lane in generated:
            _check_customs("network.toml", None, "roads", lane, network, issues)
        _report_sea_crossings(sea_crossings(legs), network, issues)
        lanes = lanes + tuple(generated)
    if issues.errors:
        raise InputError(issues.errors)
    for message in issues.warnings:
        log.warning(message)
    return replace(
        network,
        lanes=lanes,
        input_hashes=dict(sorted(issues.hashes.items())),
        warnings=tuple(issues.warnings),
    )


def _read(path: Path, schema: dict, issues: Issues, unique: str | None = None) -> list[Row]:
    if not path.is_file():
        return []
    rows = read_csv(path, schema, issues)
    if unique:
        check_unique(path.name, rows, unique, issues)
    return rows


def _read_territories(folder: Path, issues: Issues) -> TerritoryMap:
    path = folder / "territories.csv"
    if not check_optional(path, issues):
        path = Path(str(files("logistics") / "defaults" / "territories.csv"))
    by_sub: dict[tuple[str, str], str] = {}
    by_country: dict[str, str] = {}
    markets_sub: dict[tuple[str, str], frozenset[str]] = {}
    markets_country: dict[str, frozenset[str]] = {}
    for row in read_csv(path, schemas.TERRITORIES, issues):
        if not row.ok("country", "subdivision", "territory", "markets"):
            continue
        country, sub, territory = (row.values[k] for k in ("country", "subdivision", "territory"))
        target, key = (by_sub, (country, sub)) if sub else (by_country, country)
        if key in target:
            issues.add(path.name, row.row, "country", "each country/subdivision once", country)
        target[key] = territory  # type: ignore[index]
        if row.values.get("markets"):
            markets = markets_sub if sub else markets_country
            markets[key] = row.values["markets"]  # type: ignore[index]
    return TerritoryMap(
        by_subdivision=by_sub,
        by_country=by_country,
        markets_by_subdivision=markets_sub,
        markets_by_country=markets_country,
    )


def _build_sites(rows: list[Row], territories: TerritoryMap, issues: Issues) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for row in rows:
        v = row.values
        if row.ok("country", "subdivision") and v.get("subdivision"):
            sub = v["subdivision"]
            if not sub.startswith(v["country"] + "-"):
                issues.add(
                    "sites.csv",
                    row.row,
                    "subdivision",
                    f"a subdivision of {v['country']} ('{v['country']}-...')",
                    sub,
                )
                row.bad.add("subdivision")
            elif problem := validate_subdivision(v["country"], sub):
                issues.add("sites.csv", row.row, "subdivision", problem, sub)
                row.bad.add("subdivision")
        if row.ok("timezone", "country") and v.get("timezone") is None:
            issues.add(
                "sites.csv",
                row.row,
                "timezone",
                f"an IANA time zone (no default for country {v['country']})",
                "",
            )
            row.bad.add("timezone")
        if row.ok("opening_hours", "ph_open") and v["ph_open"] and v["opening_hours"].ph_off:
            expected = "false, or opening hours without 'PH off' (they close public holidays)"
            issues.add("sites.csv", row.row, "ph_open", expected, row.raw.get("ph_open", ""))
            row.bad.add("ph_open")
        if v.get("iata") and v.get("kind") != "airport":
            issues.warn(f"sites.csv:{row.row}:iata: only airports carry an IATA code; ignored")
        if row.bad or "site_id" not in v:
            continue
        calendar = SiteCalendar(
            opening_hours=v["opening_hours"],
            timezone=v["timezone"],
            country=v["country"],
            subdivision=v["subdivision"],
            ph_open=v["ph_open"],
        )
        sites[v["site_id"]] = Site(
            site_id=v["site_id"],
            name=v["name"],
            kind=v["kind"],
            country=v["country"],
            subdivision=v["subdivision"],
            lat=v["lat"],
            lon=v["lon"],
            timezone=v["timezone"],
            calendar=calendar,
            territory=territories.territory(v["country"], v["subdivision"]),
            markets=territories.markets(v["country"], v["subdivision"]),
            iata=v["iata"] if v["kind"] == "airport" else None,
            apheresis_ready_min=v["apheresis_ready"],
        )
    return sites


def _build_customs(folder: Path, issues: Issues, sites: dict[str, Site]) -> tuple[CustomsRule, ...]:
    path = folder / "customs.csv"
    used = sorted({s.territory for s in sites.values()})
    if not check_optional(path, issues):
        if len(used) > 1 and not path.exists():
            issues.add(
                "customs.csv",
                None,
                None,
                f"a customs.csv (the sites span territories {', '.join(used)})",
                "no such file",
            )
        return ()
    rules: list[CustomsRule] = []
    seen: dict[tuple, int] = {}
    places = {s.territory for s in sites.values()} | {
        s.subdivision for s in sites.values() if s.subdivision
    }
    for row in read_csv(path, schemas.CUSTOMS, issues):
        v = row.values
        if row.bad:
            continue
        key = (v["from_territory"], v["to_territory"], v["mode"], v["material"])
        if key in seen:
            issues.add(
                path.name,
                row.row,
                "mode",
                f"one rule per territory pair, mode and material (already on row {seen[key]})",
                v["mode"] or "",
            )
            continue
        seen[key] = row.row
        for column in ("from_territory", "to_territory"):
            if v[column] not in places:
                issues.warn(
                    f"{path.name}:{row.row}:{column}: {v[column]} is neither the customs "
                    "territory nor the subdivision of any site; the rule applies to no leg"
                )
        if v["from_territory"] == v["to_territory"]:
            issues.add(
                path.name,
                row.row,
                "to_territory",
                "a territory other than from_territory",
                v["to_territory"],
            )
            continue
        if v["clearance_p90_h"] < v["clearance_median_h"]:
            issues.add(
                path.name,
                row.row,
                "clearance_p90_h",
                "a number >= clearance_median_h",
                row.raw["clearance_p90_h"],
            )
            continue
        rules.append(
            CustomsRule(
                from_territory=v["from_territory"],
                to_territory=v["to_territory"],
                mode=v["mode"],
                material=v["material"],
                clearance_median_h=v["clearance_median_h"],
                clearance_p90_h=v["clearance_p90_h"],
                office_hours=v["office_hours"],
                import_release_h=v["import_release_h"],
            )
        )
    return tuple(rules)


def _build_lanes(
    rows: list[Row], sites: dict[str, Site], issues: Issues, broken: Container[str]
) -> tuple[Lane, ...]:
    lanes: list[Lane] = []
    for row in rows:
        v = row.values
        for end in ("from_site", "to_site"):
            if row.ok(end) and v[end] not in sites:
                if v[end] not in broken:
                    issues.add("lanes.csv", row.row, end, "a site_id from sites.csv", v[end])
                row.bad.add(end)
        if row.ok("from_site", "to_site") and v["from_site"] == v["to_site"]:
            issues.add("lanes.csv", row.row, "to_site", "a site other than from_site", v["to_site"])
            row.bad.add("to_site")
        if (
            row.ok("duration_h", "duration_p90_h")
            and v["duration_p90_h"] is not None
            and v["duration_p90_h"] < v["duration_h"]
        ):
            issues.add(
                "lanes.csv",
                row.row,
                "duration_p90_h",
                "a number >= duration_h",
                row.raw["duration_p90_h"],
            )
            row.bad.add("duration_p90_h")
        if (
            row.ok("valid_from", "valid_to")
            and v["valid_from"]
            and v["valid_to"]
            and v["valid_to"] < v["valid_from"]
        ):
            issues.add(
                "lanes.csv",
                row.row,
                "valid_to",
                "a date on or after valid_from",
                row.raw["valid_to"],
            )
            row.bad.add("valid_to")
        if row.bad:
            continue
        lane = Lane(
            lane_id=v["lane_id"],
            carrier=v["carrier"],
            mode=v["mode"],
            from_site=v["from_site"],
            to_site=v["to_site"],
            duration_h=v["duration_h"],
            duration_p90_h=v["duration_p90_h"] or v["duration_h"] * 1.15,
            departures=v["departures"],
            days=v["days"],
            lead_time_h=(
                v["lead_time_h"]
                if v["lead_time_h"] is not None
                else _DEFAULT_LEAD_H.get(v["mode"], 0.5)
            ),
            temperatures=v["temperatures"],
            capacity=v["capacity"],
            cost_eur=v["cost_eur"],
            valid_from=v["valid_from"],
            valid_to=v["valid_to"],
        )
        lanes.append(lane)
    return tuple(lanes)


def _check_road_zones(network: Network, issues: Issues) -> None:
    """Sites named in ``[roads.site_zones]`` exist; links join zones that exist."""
    roads = network.roads
    for site in roads.site_zones:
        if site not in network.sites:
            issues.add(
                "network.toml", None, f"roads.site_zones.{site}", "a site_id from sites.csv", site
            )
    zones = (
        {roads.site_zone(s.site_id, s.country, s.subdivision) for s in network.sites.values()}
        | set(roads.zones.values())
        | set(roads.site_zones.values())
    )
    for link in roads.links:
        for zone in link.zones:
            if zone not in zones:
                issues.add(
                    "network.toml",
                    None,
                    f"roads.links.{link.name}.zones",
                    f"a zone of [roads.zones] or [roads.site_zones] ({', '.join(sorted(zones))})",
                    zone,
                )


def _report_sea_crossings(found: list[SeaCrossing], network: Network, issues: Issues) -> None:
    """One issue per pair of zones and countries whose generated legs cross the sea,
    naming the worst leg (the longest water) and how many more there are."""
    groups: dict[tuple, list[SeaCrossing]] = {}
    for c in found:
        a, b = network.sites[c.from_site].country, network.sites[c.to_site].country
        key = (*sorted(c.zones), *sorted((a, b)))
        groups.setdefault(key, []).append(c)
    for (zone_a, zone_b, country_a, country_b), group in sorted(groups.items()):
        worst = max(group, key=lambda c: (c.water_km, c.lane_id))
        zones = f"zone {zone_a}" if zone_a == zone_b else f"zones {zone_a} and {zone_b}"
        by_land = (
            "no way round by land"
            if worst.by_land_km is None
            else f"{worst.by_land_km:.0f} km round by land"
        )
        more = (
            f"; {len(group) - 1} more legs between {country_a} and {country_b}"
            if len(group) > 1
            else ""
        )
        issues.add(
            "network.toml",
            None,
            "roads.zones",
            f"generated road legs that stay on land (water of at most {MAX_WATER_KM:g} km, "
            f"or a way round by land at most {MAX_DETOUR:g} x the straight line): "
            "split the zones or join them by [roads.links]",
            f"{worst.lane_id} ({zones}) crosses {worst.water_km:.0f} km of sea, {by_land}{more}",
        )


def _check_customs(
    file: str, row: int | None, column: str, lane: Lane, network: Network, issues: Issues
) -> None:
    a = network.sites[lane.from_site].territory
    b = network.sites[lane.to_site].territory
    if a == b:
        return
    for material in MATERIALS:
        if network.customs_rule(lane.from_site, lane.to_site, lane.mode, material) is None:
            issues.add(
                file,
                row,
                column,
                f"a customs.csv rule for {a}->{b} (mode {lane.mode} or all modes, "
                f"{material} material or both)",
                f"lane {lane.lane_id}",
            )
            return


def _check_therapies(
    therapies, lines, sites, territories: TerritoryMap, issues: Issues, broken: Container[str]
) -> None:
    known = territories.market_names.union(*(s.markets for s in sites.values()))
    for tid, therapy in therapies.items():
        for site_id in therapy.sites:
            site = sites.get(site_id)
            if site is None and site_id in broken:
                continue
            if site is None:
                issues.add(
                    "therapies.toml",
                    lines.get(tid),
                    f"therapy.{tid}.sites",
                    "a site_id from sites.csv",
                    site_id,
                )
            elif site.kind != "manufacturing_site":
                issues.add(
                    "therapies.toml",
                    lines.get(tid),
                    f"therapy.{tid}.sites",
                    "a site of kind manufacturing_site",
                    f"{site_id} ({site.kind})",
                )
        for market in therapy.markets:
            if market not in known:
                issues.add(
                    "therapies.toml",
                    lines.get(tid),
                    f"therapy.{tid}.markets",
                    f"a market ({', '.join(sorted(known))})",
                    market,
                )
        for country in therapy.countries:
            if not _territories_of(country, sites, territories) & set(therapy.markets):
                issues.add(
                    "therapies.toml",
                    lines.get(tid),
                    f"therapy.{tid}.countries",
                    f"a country inside the therapy's markets ({', '.join(therapy.markets)})",
                    country,
                )


def _territories_of(country: str, sites: dict[str, Site], territories: TerritoryMap) -> set[str]:
    """The customs territories a place in ``country`` can lie in (its own, those of its
    listed subdivisions and of its sites)."""
    out = {territories.territory(country)}
    out |= {t for (c, _sub), t in territories.by_subdivision.items() if c == country}
    return out | {s.territory for s in sites.values() if s.country == country}


def _build_capacity(
    rows: list[Row], sites: dict[str, Site], issues: Issues, broken: Container[str]
) -> Capacity:
    weekly: dict[tuple[str, str], list[int]] = {}
    dated: dict = {}
    seen: dict[tuple, int] = {}
    kind_for = {"apheresis": "treatment_centre", "manufacturing": "manufacturing_site"}
    for row in rows:
        v = row.values
        if row.ok("site_id", "resource"):
            site = sites.get(v["site_id"])
            if site is None:
                if v["site_id"] not in broken:
                    issues.add(
                        "capacity.csv", row.row, "site_id", "a site_id from sites.csv", v["site_id"]
                    )
                continue
            if site.kind != kind_for[v["resource"]]:
                issues.add(
                    "capacity.csv",
                    row.row,
                    "site_id",
                    f"a {kind_for[v['resource']]} for {v['resource']} slots",
                    f"{v['site_id']} ({site.kind})",
                )
                continue
        if row.ok("weekday", "date") and (v.get("weekday") is None) == (v.get("date") is None):
            issues.add(
                "capacity.csv",
                row.row,
                "weekday",
                "a weekday (Mo..Su) or a date, exactly one",
                row.raw.get("weekday", ""),
            )
            continue
        if row.bad:
            continue
        days = [v["date"]] if v["date"] else sorted(v["weekday"])
        for day in days:
            key = (v["site_id"], v["resource"], day)
            if key in seen:
                issues.add(
                    "capacity.csv",
                    row.row,
                    "date" if v["date"] else "weekday",
                    f"one row per site, resource and day (already on row {seen[key]})",
                    row.raw["date" if v["date"] else "weekday"],
                )
                continue
            seen[key] = row.row
            if v["date"]:
                dated[key] = v["slots"]
            else:
                weekly.setdefault((v["site_id"], v["resource"]), [0] * 7)[day] = v["slots"]
    return Capacity(weekly={k: tuple(w) for k, w in weekly.items()}, dated=dated)
