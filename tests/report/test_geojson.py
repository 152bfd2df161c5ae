"""routes.geojson and sites.geojson read by a real GIS reader (GDAL through pyogrio)."""

from __future__ import annotations

import csv

import geopandas as gpd
import pyogrio

from logistics.io.geojson import SITES_FILE
from logistics.io.plan import LEGS_FILE, ROUTES_FILE, read_plan


def test_sites_layer_has_one_point_per_site_of_the_plan(swept) -> None:
    """sites.geojson is a WGS84 Point layer GDAL opens, one feature per site the plan
    uses (each order's centre, plant and leg ends), with the network's name, kind and
    country, and the counts of orders and of unserved orders there."""
    net = swept.network
    plan, _ = read_plan(swept.plan_dir)
    path = swept.plan_dir / SITES_FILE
    info = pyogrio.read_info(path)
    assert info["geometry_type"] == "Point" and info["driver"] == "GeoJSON"
    frame = gpd.read_file(path, engine="pyogrio")
    assert frame.crs.to_epsg() == 4326
    used: set[str] = set()
    for p in plan.orders:
        used.add(p.treatment_centre)
        used.update({p.manufacturing_site} - {None})
        for it in (p.inbound, p.outbound):
            for leg in it.legs if it else ():
                used.update((leg.from_site, leg.to_site))
    assert sorted(frame["site_id"]) == sorted(used)
    for row in frame.itertuples():
        site = net.sites[row.site_id]
        assert (row.name, row.kind, row.country) == (site.name, site.kind, site.country)
        assert (row.geometry.x, row.geometry.y) == (site.lon, site.lat)
        unserved = sum(p.treatment_centre == row.site_id and not p.served for p in plan.orders)
        assert row.unserved == unserved
    assert frame["unserved"].sum() == len(plan.unserved) > 0


def test_route_lines_carry_order_status_mode_cost_customs_and_wait(swept) -> None:
    """routes.geojson is a LineString layer with one feature per legs.csv row, in its
    order, whose order, mode, cost, customs and wait agree with legs.csv and whose
    status and site names come from the plan and the network."""
    net = swept.network
    plan, _ = read_plan(swept.plan_dir)
    path = swept.plan_dir / ROUTES_FILE
    assert pyogrio.read_info(path)["geometry_type"] == "LineString"
    frame = gpd.read_file(path, engine="pyogrio")
    with (swept.plan_dir / LEGS_FILE).open(encoding="utf-8", newline="") as fh:
        legs = list(csv.DictReader(fh))
    assert len(frame) == len(legs) > 0
    status = {p.order_id: str(p.status) for p in plan.orders}
    for feature, leg in zip(frame.itertuples(), legs, strict=True):
        assert (feature.order_id, feature.seq, feature.mode) == (
            leg["order_id"], int(leg["seq"]), leg["mode"]
        )  # fmt: skip
        assert feature.status == status[leg["order_id"]]
        assert feature.from_name == net.sites[leg["from_site"]].name
        assert feature.to_name == net.sites[leg["to_site"]].name
        assert round(feature.cost_eur, 2) == float(leg["cost_eur"])
        assert abs(feature.wait_h - float(leg["wait_h"])) <= 0.005
        assert abs(feature.customs_h - float(leg["customs_h"])) <= 0.01
