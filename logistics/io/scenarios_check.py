"""Checking a scenario against a network: everything it names must exist there."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from logistics.errors import Issue
from logistics.model.network import Network
from logistics.model.scenario import Disruption, DisruptionKind, Scenario

__all__ = ["cross_check", "road_zones", "validate_against"]


def _unknown(
    file: str,
    line: int | None,
    key: str,
    values: Iterable[str],
    known: Iterable[str],
    what: str,
) -> list[Issue]:
    known = sorted(set(known))
    out = []
    for value in values:
        if value in known:
            continue
        close = difflib.get_close_matches(value, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(Issue(file, line, key, f"{what}{hint}", value))
    return out


def road_zones(network: Network) -> set[str]:
    """The road zones (network.toml) of the network's sites."""
    cfg = network.roads
    return {cfg.site_zone(s.site_id, s.country, s.subdivision) for s in network.sites.values()}


def cross_check(
    file: str, items: Iterable[tuple[int, Disruption]], network: Network
) -> list[Issue]:
    """Issues of the numbered disruptions ``items`` (``(index, disruption)``, from 1)
    of ``file``
    naming what ``network`` does not have, with a close match as a hint; a
    site_capacity site without slots of its resource; a customs_delay without a
    customs rule for its pair of territories."""
    lanes = network.lane_by_id.keys()
    sites = network.sites.keys()
    carriers = {lane.carrier for lane in network.lanes}
    modes = {lane.mode for lane in network.lanes}
    countries = {s.country for s in network.sites.values()}
    territories = set(network.territories.territories) | {
        s.territory for s in network.sites.values()
    }
    known: dict[str, tuple[Iterable[str], str]] = {
        "lanes": (lanes, "a lane_id of the network (lanes.csv, or road:FROM>TO when generated)"),
        "carriers": (carriers, "a carrier of the network's lanes"),
        "modes": (modes, "a mode used by a lane of the network"),
        "from_sites": (sites, "a site_id of sites.csv"),
        "to_sites": (sites, "a site_id of sites.csv"),
        "sites": (sites, "a site_id of sites.csv"),
        "countries": (countries, "the country of a site of the network"),
        "touching_sites": (sites, "a site_id of sites.csv"),
        "road_zones": (road_zones(network), "a road zone of the network's generated legs"),
        "from_territory": (territories, "a customs territory of the network"),
        "to_territory": (territories, "a customs territory of the network"),
    }
    issues: list[Issue] = []
    for index, d in items:
        prefix = f"disruption[{index}]"
        for key, (names, what) in known.items():
            value = getattr(d, key)
            if not value:
                continue
            values = (value,) if isinstance(value, str) else value
            line = d.lines.get(key) or d.lines.get("") or None
            issues += _unknown(file, line, f"{prefix}.{key}", values, names, what)
        if d.kind == DisruptionKind.SITE_CAPACITY and d.resource is not None:
            having = network.capacity.sites_with(d.resource)
            line = d.lines.get("sites") or d.lines.get("") or None
            for site in d.sites:
                if site in sites and site not in having:
                    issues.append(
                        Issue(
                            file,
                            line,
                            f"{prefix}.sites",
                            f"a site with {d.resource} slots in capacity.csv",
                            site,
                        )
                    )
        if (
            d.kind == DisruptionKind.CUSTOMS_DELAY
            and d.from_territory in territories
            and (d.to_territory in territories)
        ):
            rules = [
                r
                for r in network.customs
                if r.from_territory == d.from_territory and r.to_territory == d.to_territory
            ]
            if not rules:
                issues.append(
                    Issue(
                        file,
                        d.lines.get("to_territory") or d.lines.get("") or None,
                        f"{prefix}.to_territory",
                        f"a pair of territories with a rule in customs.csv (none from "
                        f"{d.from_territory})",
                        d.to_territory,
                    )
                )
    return issues


def validate_against(scenario: Scenario, network: Network) -> list[Issue]:
    """Issues for every lane, site, carrier, territory, mode or country the scenario
    names that the network does not have (an empty list when all are known)."""
    return cross_check(scenario.file, enumerate(scenario.disruptions, start=1), network)
