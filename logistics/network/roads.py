"""Road legs generated from coordinates: geodesic distance, circuity, speed, zones.

A road zone is a land mass a van drives across (``[roads.zones]``, by country or
subdivision, and ``[roads.site_zones]`` for single sites such as those on an island).
Two sites in one zone are joined by a leg along the great circle; two sites in
different zones only through the fixed links of ``[roads.links]`` (bridges, tunnels,
land corridors), in one leg that drives to the link, along it and on to the other
site. Seas are crossed by the ferries of lanes.csv, never by a generated leg.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from logistics.model.constants import Mode, Temperature
from logistics.model.lanes import Lane
from logistics.model.network import Network, RoadSettings
from logistics.model.sites import Site

_GEOD = Geod(ellps="WGS84")

#: kinds of site that a generated leg may reach only within ``feeder_max_km``: a courier
#: flies from a nearby airport and hands over at a nearby hub, it does not drive to one
#: 900 km away
FEEDER_KINDS = ("airport", "hub")


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distances on the WGS84 ellipsoid, in km (vectorised)."""
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def road_lane_id(from_site: str, to_site: str) -> str:
    """The id a generated road leg carries in plans: ``road:A>B``."""
    return f"road:{from_site}>{to_site}"


@dataclass(frozen=True, slots=True)
class RoadLeg:
    """A generated leg with the course it was measured along.

    ``path`` is the (lat, lon) course from the origin to the destination: the two
    sites, with the points of the fixed links driven between them; ``over_link[k]``
    says whether the stretch from ``path[k]`` to ``path[k + 1]`` runs along a link
    (declared by the bundle, so not checked against the coastline).
    """

    lane: Lane
    zones: tuple[str, str]
    path: tuple[tuple[float, float], ...]
    over_link: tuple[bool, ...]
    links: tuple[str, ...]


def driving(road_km: float, cfg: RoadSettings) -> tuple[float, float, float]:
    """(duration h, p90 h, extra cost EUR) of a generated leg of ``road_km``.

    Driving time is ``road_km / speed_kmh`` (short breaks are in the average speed);
    the leg adds ``handling_h``. When the driving time exceeds ``max_driving_h`` a van
    either carries a second driver, paid ``second_driver_eur_per_h`` for every hour of
    the leg (``over_limit = "two_drivers"``), or stops for a daily rest of ``rest_h``
    after each full ``max_driving_h`` of driving (``over_limit = "rest"``; the rest
    does not vary, so the p90 adds it unscaled).
    """
    drive = road_km / cfg.speed_kmh
    duration = cfg.handling_h + drive
    p90 = duration * cfg.p90_factor
    extra = 0.0
    limit = cfg.max_driving_h
    if limit is not None and drive > limit:
        if cfg.over_limit == "rest":
            rests = math.ceil(drive / limit) - 1
            duration += rests * cfg.rest_h
            p90 += rests * cfg.rest_h
        else:
            extra = cfg.second_driver_eur_per_h * duration
    return duration, p90, extra


def _zone_paths(cfg: RoadSettings, zones: list[str]):
    """Between the link ends: shortest distances (km) and next hops.

    Nodes are the two ends of every link whose zones both occur; a node may reach the
    other end of its link along the link, and any end in its own zone by road.
    """
    links = [lk for lk in cfg.links if lk.zones[0] in zones and lk.zones[1] in zones]
    ends: list[tuple[float, float]] = []
    end_zone: list[str] = []
    for lk in links:
        ends += [lk.via[0], lk.via[-1]]
        end_zone += [lk.zones[0], lk.zones[1]]
    m = len(ends)
    dist = np.full((m, m), np.inf)
    nxt = np.full((m, m), -1, dtype=int)
    if m:
        lat = np.array([e[0] for e in ends])
        lon = np.array([e[1] for e in ends])
        a, b = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
        km = geodesic_km(lat[a], lon[a], lat[b], lon[b]).reshape(m, m)
        same = np.array(end_zone)[:, None] == np.array(end_zone)[None, :]
        dist[same] = km[same] * cfg.circuity
        for k, lk in enumerate(links):
            pts = np.array(lk.via)
            along = float(np.sum(geodesic_km(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])))
            dist[2 * k, 2 * k + 1] = dist[2 * k + 1, 2 * k] = along * cfg.circuity
        nxt[np.isfinite(dist)] = np.broadcast_to(np.arange(m), (m, m))[np.isfinite(dist)]
        for k in range(m):  # Floyd-Warshall on a handful of nodes
            via_k = dist[:, k : k + 1] + dist[k : k + 1, :]
            better = via_k < dist
            dist = np.where(better, via_k, dist)
            nxt = np.where(better, np.broadcast_to(nxt[:, k : k + 1], (m, m)), nxt)
    return links, ends, end_zone, dist, nxt


def road_legs(network: Network) -> list[RoadLeg]:
    """Every generated road leg with its course (see :func:`generate_road_lanes`)."""
    cfg = network.roads
    sites = sorted(network.sites.values(), key=lambda s: s.site_id)
    if not cfg.generate or len(sites) < 2:
        return []
    n = len(sites)
    lat = np.array([s.lat for s in sites])
    lon = np.array([s.lon for s in sites])
    zone = np.array([cfg.site_zone(s.site_id, s.country, s.subdivision) for s in sites])
    zones = sorted(set(zone))
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    # road km of the course of each pair: along the great circle inside a zone, through
    # the links between zones (inf where no link joins them)
    road = geodesic_km(lat[i], lon[i], lat[j], lon[j]) * cfg.circuity
    road[zone[i] != zone[j]] = np.inf
    links, ends, end_zone, dist, nxt = _zone_paths(cfg, zones)
    entry = np.full(len(i), -1)
    leave = np.full(len(i), -1)
    if ends:
        e_lat = np.array([e[0] for e in ends])
        e_lon = np.array([e[1] for e in ends])
        s_idx, e_idx = np.meshgrid(np.arange(n), np.arange(len(ends)), indexing="ij")
        to_end = (
            geodesic_km(lat[s_idx], lon[s_idx], e_lat[e_idx], e_lon[e_idx]).reshape(n, len(ends))
            * cfg.circuity
        )
        to_end[zone[:, None] != np.array(end_zone)[None, :]] = np.inf
        # pairs in two zones that some chain of links joins, in chunks (pairs x ends^2)
        code = {z: n for n, z in enumerate(zones)}
        zi = np.array([code[z] for z in zone])
        ezi = np.array([code[z] for z in end_zone])
        reach = np.zeros((len(zones), len(zones)), dtype=bool)
        e, f = np.nonzero(np.isfinite(dist))
        reach[ezi[e], ezi[f]] = True
        cross = np.nonzero((zi[i] != zi[j]) & reach[zi[i], zi[j]])[0]
        step = max(1, 2_000_000 // max(1, len(ends) ** 2))
        for lo in range(0, len(cross), step):
            part = cross[lo : lo + step]
            # best (entry end e, exit end f): to_end[a, e] + dist[e, f] + to_end[b, f]
            total = to_end[i[part]][:, :, None] + dist[None, :, :] + to_end[j[part]][:, None, :]
            flat = total.reshape(len(part), -1).argmin(axis=1)
            road[part] = total.reshape(len(part), -1)[np.arange(len(part)), flat]
            entry[part], leave[part] = np.divmod(flat, len(ends))
    km = road / cfg.circuity
    territory = np.array([s.territory for s in sites])
    crossing = np.array([s.kind == "crossing" for s in sites])
    same_territory = territory[i] == territory[j]
    at_border = (crossing[i] | crossing[j]) & (km <= cfg.border_max_km)
    kind = np.array([s.kind for s in sites])
    endpoint = (kind == "treatment_centre") | (kind == "manufacturing_site")
    no_transit = ~(endpoint[i] & endpoint[j] & (kind[i] == kind[j]))
    feeder_site = np.isin(kind, FEEDER_KINDS)
    feeder = cfg.max_km if cfg.feeder_max_km is None else cfg.feeder_max_km
    short_feed = ~(feeder_site[i] | feeder_site[j]) | (km <= feeder)
    keep = np.isfinite(km) & (km <= cfg.max_km) & (same_territory | at_border)
    keep &= no_transit & short_feed
    temperatures = frozenset(map(Temperature, cfg.temperatures))
    legs = []
    for k in np.nonzero(keep)[0]:
        a, b = sites[i[k]], sites[j[k]]
        road_km = float(road[k])
        duration, p90, extra = driving(road_km, cfg)
        path, over_link, used = _course(a, b, int(entry[k]), int(leave[k]), links, ends, nxt)
        lane = Lane(
            lane_id=road_lane_id(a.site_id, b.site_id),
            carrier=cfg.carrier,
            mode=Mode.ROAD,
            from_site=a.site_id,
            to_site=b.site_id,
            duration_h=round(duration, 3),
            duration_p90_h=round(p90, 3),
            lead_time_h=cfg.lead_time_h,
            temperatures=temperatures,
            cost_eur=round(cfg.cost_base_eur + cfg.cost_per_km_eur * road_km + extra, 2),
            generated=True,
            via=path[1:-1],
        )
        legs.append(RoadLeg(lane, (str(zone[i[k]]), str(zone[j[k]])), path, over_link, used))
    return legs


def _course(a: Site, b: Site, entry: int, leave: int, links, ends, nxt):
    """The (lat, lon) course of a leg from ``a`` to ``b``, through link ends ``entry``
    .. ``leave`` (-1: straight), with the stretches that run along a link."""
    path = [(a.lat, a.lon)]
    over: list[bool] = []
    used: list[str] = []
    if entry >= 0:
        hops = [entry]
        while hops[-1] != leave:
            hops.append(int(nxt[hops[-1], leave]))
        path.append(ends[entry])
        over.append(False)
        for u, v in itertools.pairwise(hops):
            if u // 2 == v // 2:  # the two ends of one link: drive along it
                lk = links[u // 2]
                course = list(lk.via) if u % 2 == 0 else list(reversed(lk.via))
                path += course[1:]
                over += [True] * (len(course) - 1)
                used.append(lk.name)
            else:
                path.append(ends[v])
                over.append(False)
    path.append((b.lat, b.lon))
    over.append(False)
    return tuple(path), tuple(over), tuple(used)


def generate_road_lanes(network: Network) -> list[Lane]:
    """On-demand road legs between every pair of sites the settings allow.

    A pair qualifies when the course between the sites stays on land (both sites in
    the same road zone, or zones joined through ``[roads.links]``; roads never cross
    the sea), its geodesic length is at most ``max_km``, and, if the sites are in
    different customs territories, one of them is a crossing and the leg is at most
    ``border_max_km`` long (so borders are crossed at border points). Legs to or from
    an airport or a courier hub are at most ``feeder_max_km`` long. Treatment centres
    and manufacturing sites are end points, never transit points, so no leg joins two
    centres or two manufacturing sites. A leg whose driving time exceeds
    ``max_driving_h`` costs a second driver or takes a daily rest (:func:`driving`).
    """
    return [leg.lane for leg in road_legs(network)]
