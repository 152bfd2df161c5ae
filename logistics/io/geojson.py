"""A plan's legs as GeoJSON LineStrings (routes.geojson), for GIS tools."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

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
)

CRS = "EPSG:4326"


def routes_frame(plan: Plan, network: Network) -> gpd.GeoDataFrame:
    """One LineString per leg, from ``from_site`` to ``to_site`` (lon, lat in WGS84),
    straight or, for a generated road leg between two road zones, through the points
    of the fixed links it drives along; inbound then outbound legs of each order in
    plan order.

    Times are UTC text with a ``Z`` as in legs.csv. Raises ValueError when a leg names
    a site that is not in ``network``.
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
                )
                for column, value in zip(ROUTE_PROPERTIES, values, strict=True):
                    records[column].append(value)
    data = {
        column: pd.Series(values, dtype="int64" if column == "seq" else object)
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
