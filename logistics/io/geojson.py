"""A plan for GIS tools: its legs as GeoJSON LineStrings (routes.geojson) and the
sites it uses as points (sites.geojson), in WGS84 longitude/latitude."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from logistics.io.legs import utc_text
from logistics.model.network import Network
from logistics.model.plan import Plan

ROUTE_PROPERTIES = (
    "order_id",
    "direction",
    "seq",
    "lane_id",
    "carrier",
    "mode",
    "from_site",
    "to_site",
    "depart",
    "arrive",
    "temperature",
    # for GIS users: labels, status and what the leg costs and waits
    "status",
    "from_name",
    "to_name",
    "cost_eur",
    "customs_from",
    "customs_to",
    "customs_h",
    "wait_h",
    "p_breach",
)
_NUMBERS = {
    "seq": "int64",
    "cost_eur": "float64",
    "customs_h": "float64",
    "wait_h": "float64",
    "p_breach": "float64",
}

SITES_FILE = "sites.geojson"
SITE_PROPERTIES = (
    "site_id",
    "name",
    "kind",
    "country",
    "subdivision",
    "timezone",
    "iata",
    "orders",
    "unserved",
)

CRS = "EPSG:4326"


def routes_frame(plan: Plan, network: Network) -> gpd.GeoDataFrame:
    """One LineString per leg, from ``from_site`` to ``to_site`` (lon, lat in WGS84),
    straight or, for a generated road leg between two road zones, through the points
    of the fixed links it drives along; inbound then outbound legs of each order in
    plan order.

    Times are UTC text with a ``Z`` as in legs.csv; ``status`` and ``p_breach`` are
    the order's; euros are rounded to cents and hours to 0.01. Raises ValueError when
    a leg names a site that is not in ``network``.
    """
    records: dict[str, list] = {column: [] for column in ROUTE_PROPERTIES}
    lines: list[LineString] = []
    for order in plan.orders:
        for direction, itinerary in (("inbound", order.inbound), ("outbound", order.outbound)):
            if itinerary is None:
                continue
            for seq, leg in enumerate(itinerary.legs, start=1):
                ends = []
                for site_id in (leg.from_site, leg.to_site):
                    site = network.sites.get(site_id)
                    if site is None:
                        raise ValueError(
                            f"order {order.order_id} {direction} leg {seq} ({leg.lane_id}): "
                            f"site {site_id!r} is not in the network"
                        )
                    ends.append((site.lon, site.lat))
                lane = network.lane_by_id.get(leg.lane_id)
                course = [(lon, lat) for lat, lon in lane.via] if lane is not None else []
                lines.append(LineString([ends[0], *course, ends[1]]))
                values = (
                    order.order_id,
                    direction,
                    seq,
                    leg.lane_id,
                    leg.carrier,
                    leg.mode,
                    leg.from_site,
                    leg.to_site,
                    utc_text(leg.depart),
                    utc_text(leg.arrive),
                    leg.temperature,
                    str(order.status),
                    network.sites[leg.from_site].name,
                    network.sites[leg.to_site].name,
                    round(leg.cost_eur, 2),
                    leg.customs_from,
                    leg.customs_to,
                    round(leg.customs_h, 2),
                    round(leg.wait_open_h, 2),
                    order.p_breach,
                )
                for column, value in zip(ROUTE_PROPERTIES, values, strict=True):
                    records[column].append(value)
    data = {
        column: pd.Series(values, dtype=_NUMBERS.get(column, object))
        for column, values in records.items()
    }
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(lines, crs=CRS), crs=CRS)


def write_routes(plan: Plan, network: Network, path: str | Path) -> Path:
    """Write the plan's legs to ``path`` as a GeoJSON FeatureCollection (an empty
    collection when the plan has no legs); an existing file is replaced."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = routes_frame(plan, network)
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def plan_sites(plan: Plan) -> dict[str, tuple[int, int]]:
    """The sites a plan uses (every order's centre, the plants and every leg's ends),
    in first-use order, each with (orders touching it, unserved orders of its centre)."""
    touched: dict[str, set[str]] = {}
    unserved: dict[str, int] = {}
    for o in plan.orders:
        ids = [o.treatment_centre]
        if o.manufacturing_site:
            ids.append(o.manufacturing_site)
        for it in (o.inbound, o.outbound):
            for leg in it.legs if it is not None else ():
                ids += (leg.from_site, leg.to_site)
        for site_id in ids:
            touched.setdefault(site_id, set()).add(o.order_id)
        if not o.served:
            unserved[o.treatment_centre] = unserved.get(o.treatment_centre, 0) + 1
    return {k: (len(v), unserved.get(k, 0)) for k, v in touched.items()}


def sites_frame(plan: Plan, network: Network) -> gpd.GeoDataFrame:
    """One Point per site the plan uses (see :func:`plan_sites`) with its name, kind,
    country, subdivision, time zone, IATA code, the number of orders that touch it and
    the number of unserved orders of its patients (a centre)."""
    records: dict[str, list] = {column: [] for column in SITE_PROPERTIES}
    points: list[Point] = []
    for site_id, (orders, unserved) in plan_sites(plan).items():
        site = network.sites.get(site_id)
        if site is None:
            raise ValueError(f"site {site_id!r} of the plan is not in the network")
        points.append(Point(site.lon, site.lat))
        values = (
            site_id,
            site.name,
            str(site.kind),
            site.country,
            site.subdivision,
            site.timezone,
            site.iata,
            orders,
            unserved,
        )
        for column, value in zip(SITE_PROPERTIES, values, strict=True):
            records[column].append(value)
    data = {
        column: pd.Series(values, dtype="int64" if column in ("orders", "unserved") else object)
        for column, values in records.items()
    }
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(points, crs=CRS), crs=CRS)


def write_sites(plan: Plan, network: Network, path: str | Path) -> Path:
    """Write the sites ``plan`` uses to ``path`` as a GeoJSON FeatureCollection of
    Points (replaced when there)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    sites_frame(plan, network).to_file(path, driver="GeoJSON", engine="pyogrio")
    return path
