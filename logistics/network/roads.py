"""Road legs generated from coordinates: geodesic distance, circuity, speed, zones."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

from logistics.model.constants import Mode, Temperature
from logistics.model.lanes import Lane
from logistics.model.network import Network

_GEOD = Geod(ellps="WGS84")


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distances on the WGS84 ellipsoid, in km (vectorised)."""
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def road_lane_id(from_site: str, to_site: str) -> str:
    """The id a generated road leg carries in plans: ``road:A>B``."""
    return f"road:{from_site}>{to_site}"


def generate_road_lanes(network: Network) -> list[Lane]:
    """On-demand road legs between every pair of sites the settings allow.

    A pair qualifies when both sites lie in the same road zone (roads never cross the
    sea), the geodesic distance is at most ``max_km``, and, if the sites are in
    different customs territories, one of them is a crossing and the leg is at most
    ``border_max_km`` long (so borders are crossed at border points). Treatment
    centres and manufacturing sites are end points, never transit points, so no leg
    joins two centres or two manufacturing sites.
    """
    cfg = network.roads
    sites = sorted(network.sites.values(), key=lambda s: s.site_id)
    if not cfg.generate or len(sites) < 2:
        return []
    lat = np.array([s.lat for s in sites])
    lon = np.array([s.lon for s in sites])
    n = len(sites)
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    km = geodesic_km(lat[i], lon[i], lat[j], lon[j])
    zone = np.array([cfg.zone(s.country, s.subdivision) for s in sites])
    territory = np.array([s.territory for s in sites])
    crossing = np.array([s.kind == "crossing" for s in sites])
    same_territory = territory[i] == territory[j]
    at_border = (crossing[i] | crossing[j]) & (km <= cfg.border_max_km)
    kind = np.array([s.kind for s in sites])
    endpoint = (kind == "treatment_centre") | (kind == "manufacturing_site")
    no_transit = ~(endpoint[i] & endpoint[j] & (kind[i] == kind[j]))
    airport = kind == "airport"
    feeder = cfg.max_km if cfg.feeder_max_km is None else cfg.feeder_max_km
    short_feed = ~(airport[i] | airport[j]) | (km <= feeder)
    keep = (zone[i] == zone[j]) & (km <= cfg.max_km) & (same_territory | at_border)
    keep &= no_transit & short_feed
    lanes = []
    for a, b, dist in zip(i[keep], j[keep], km[keep], strict=True):
        road_km = float(dist) * cfg.circuity
        duration = cfg.handling_h + road_km / cfg.speed_kmh
        lanes.append(
            Lane(
                lane_id=road_lane_id(sites[a].site_id, sites[b].site_id),
                carrier=cfg.carrier,
                mode=Mode.ROAD,
                from_site=sites[a].site_id,
                to_site=sites[b].site_id,
                duration_h=round(duration, 3),
                duration_p90_h=round(duration * cfg.p90_factor, 3),
                lead_time_h=cfg.lead_time_h,
                temperatures=frozenset(map(Temperature, cfg.temperatures)),
                cost_eur=round(cfg.cost_base_eur + cfg.cost_per_km_eur * road_km, 2),
                generated=True,
            )
        )
    return lanes
