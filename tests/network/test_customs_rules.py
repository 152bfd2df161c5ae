"""Customs by direction and material on the default European data, and the Windsor
Framework for Northern Ireland. Expected hours come from data/europe/customs.csv:
GB -> EU by air clears in 2 h, and the finished product then waits 24 h for EU QP
certification, starting material none; GB-NIR -> GB is free (0 h); GB -> GB-NIR is the
green lane (0.5 h) for the product; NI and the EU are one goods territory, but a
product leaving NI for the rest of the EU pays the EU import (the green lane is for
goods staying in NI)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logistics.io import read_network
from logistics.model.constants import Material
from logistics.network.router import Router

T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # Tue


@pytest.fixture(scope="module")
def europe():
    return read_network()


def _crossings(it):
    return [
        (leg.customs_from, leg.customs_to, round(leg.customs_h, 3))
        for leg in it.legs
        if leg.customs_from
    ]


def test_rule_choice(europe) -> None:
    rule = europe.customs_rule
    # a GB plant's product by air into the EU: the finished-product rule of the mode
    air = "AIR-WC-LHR-AMS-1"
    lane = europe.lane_by_id[air]
    finished = rule(lane.from_site, lane.to_site, "air", Material.FINISHED)
    starting = rule(lane.from_site, lane.to_site, "air", Material.STARTING)
    assert (finished.mode, finished.material, finished.import_release_h) == ("air", "finished", 24)
    assert (starting.mode, starting.material, starting.import_release_h) == ("air", None, 0)
    # Northern Ireland: to GB free, from GB the green lane, to the EU no border at all
    assert rule("TC-GB-BELFAST", "TC-GB-UCLH", "air", Material.FINISHED).clearance_median_h == 0
    green = rule("TC-GB-UCLH", "TC-GB-BELFAST", "air", Material.FINISHED)
    assert (green.from_territory, green.to_territory, green.clearance_median_h) == (
        "GB",
        "GB-NIR",
        0.5,
    )
    assert rule("TC-GB-BELFAST", "TC-NL-LUMC", "air", Material.STARTING) is None
    assert rule("TC-GB-BELFAST", "APT-BFS", "road", Material.FINISHED) is None
    # the green lane is for goods staying in NI: a product leaving NI for the rest of
    # the EU pays the EU import as from GB, so routing through Belfast gains nothing
    leaving = rule("APT-BFS", "APT-DUB", "road", Material.FINISHED)
    assert (leaving.from_territory, leaving.import_release_h) == ("GB-NIR", 24)


def test_gb_product_into_the_eu_pays_qp_release_and_apheresis_does_not(europe) -> None:
    router = Router(europe)
    product = router.with_material(Material.FINISHED).earliest(
        "MFG-GB-STEVENAGE", "TC-NL-LUMC", T0, "LN2"
    )
    bag = router.with_material(Material.STARTING).earliest(
        "TC-GB-UCLH", "MFG-NL-LEIDEN", T0, "2-8C"
    )
    assert product is not None and bag is not None
    ((prod_from, prod_to, prod_h),) = _crossings(product)
    ((bag_from, bag_to, bag_h),) = _crossings(bag)
    assert (prod_from, prod_to) == (bag_from, bag_to) == ("GB", "EU")
    mode_p = next(leg.mode for leg in product.legs if leg.customs_from)
    mode_b = next(leg.mode for leg in bag.legs if leg.customs_from)
    clearance = {"air": 2.0, "onboard_courier": 1.5, "ferry": 3.0, "tunnel": 3.0, "road": 3.0}
    assert bag_h == clearance[mode_b]  # customs offices open 24/7: clearance alone
    assert prod_h == clearance[mode_p] + 24


def test_northern_ireland_to_great_britain_pays_no_customs(europe) -> None:
    it = Router(europe, material=Material.FINISHED).earliest(
        "TC-GB-BELFAST", "TC-GB-UCLH", T0, "LN2"
    )
    assert it is not None
    crossings = _crossings(it)
    assert crossings and all(h == 0 for _, _, h in crossings)
    assert all((a, b) == ("GB-NIR", "GB") for a, b, _ in crossings)  # as the rule names them


def test_markets_uk_covers_northern_ireland_and_eu_only_does_not(europe) -> None:
    belfast, london, leiden = (
        europe.sites[s] for s in ("TC-GB-BELFAST", "TC-GB-UCLH", "TC-NL-LUMC")
    )
    assert belfast.territory == "EU" and belfast.markets == {"UK"}
    assert london.markets == {"GB", "UK"} and leiden.markets == {"EU"}
    eu_only = europe.therapies["cart-academic"]
    assert not belfast.markets & set(eu_only.markets)
    assert belfast.markets & set(europe.therapies["cart-auto"].markets)


def test_a_rule_naming_no_place_is_kept_with_a_warning(tmp_path) -> None:
    """A customs rule whose end is neither a territory nor a subdivision of any site
    (a typo, `GB-NIRL`) applies to no leg: the bundle is still valid, with a warning
    naming the file, row and column."""
    import shutil

    from logistics.io import read_network as read

    folder = tmp_path / "bundle"
    shutil.copytree(read().source or "data/europe", folder)
    with (folder / "customs.csv").open("a", encoding="utf-8") as fh:
        fh.write("GB,GB-NIRL,,finished,0.5,1.5,24/7,0\n")
    net = read(folder)
    rows = (folder / "customs.csv").read_text(encoding="utf-8").count("\n")
    assert any(
        w.startswith(f"customs.csv:{rows}:to_territory: GB-NIRL is neither") for w in net.warnings
    ), net.warnings
