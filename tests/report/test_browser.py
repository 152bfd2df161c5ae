"""The reports in a real headless Chromium: what a person sees.

The page loads offline with no console error, every chart has drawn marks, the map
has one marker per site of the plan, the unserved patients' ids and reasons are
visible text, and a screenshot is not blank. Skipped only outside CI when no Chromium
is installed; with LOGISTICS_CI=1 a missing Chromium fails.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from chromium_driver import open_drawn

from logistics.io.plan import read_plan
from logistics.report import REPORT_FILE

SITE_MARKERS = """
const gd = document.getElementById('map');
const scatters = gd._fullData.filter(t => t.type === 'scatter');
const groups = gd.querySelectorAll('.scatterlayer .trace');
let n = 0;
scatters.forEach((t, i) => {
  if (t.name.startsWith('sites: ')) n += groups[i].querySelectorAll('path.point').length;
});
return [n, scatters.length, groups.length];
"""


def _errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def _sites_of(plan) -> set[str]:
    """The sites the map must mark, derived here from the plan (not by the report's
    code): every order's centre, and the plant and every leg end of the served."""
    sites = {p.treatment_centre for p in plan.orders}
    for p in plan.served:
        sites.add(p.manufacturing_site)
        for it in (p.inbound, p.outbound):
            for leg in it.legs if it else ():
                sites |= {leg.from_site, leg.to_site}
    return sites


def _not_blank(browser) -> None:
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("L")
    stat = ImageStat.Stat(image)
    assert stat.stddev[0] > 10, "the screenshot is (nearly) one colour"
    assert len(image.getcolors(maxcolors=1 << 16) or ()) > 20


def test_plan_report_in_chromium(browser, swept) -> None:
    """The plan report: no console error, the map, the Gantt and the timelines all draw
    marks, the map shows one site marker per site of the plan, the unserved ids and
    reasons are visible, and the screenshot is not blank."""
    plan, _ = read_plan(swept.plan_dir)
    charts = open_drawn(browser, swept.plan_dir / REPORT_FILE)
    assert [c[0] for c in charts] == ["map", "gantt", "timeline"]
    for name, svg, marks in charts:
        assert svg > 0 and marks > 0, f"chart {name} drew nothing"
    assert _errors(browser) == []
    sites = _sites_of(plan)
    markers, scatters, groups = browser.execute_script(SITE_MARKERS)
    assert scatters == groups  # one drawn trace group per scatter trace
    assert markers == len(sites)
    visible = browser.execute_script("return document.body.innerText")
    assert plan.unserved
    for p in plan.unserved:
        assert p.order_id in visible
        assert p.reason in visible
    _not_blank(browser)


def test_sweep_report_in_chromium(browser, swept) -> None:
    """The sweep report: no console error, one chart per KPI and each draws marks, every
    scenario's name and the reason an unchanged scenario changes nothing are visible,
    and the screenshot is not blank."""
    charts = open_drawn(browser, swept.folder / REPORT_FILE)
    assert len(charts) >= 8
    for name, svg, marks in charts:
        assert svg > 0 and marks > 0, f"chart {name} drew nothing"
    assert _errors(browser) == []
    visible = browser.execute_script("return document.body.innerText")
    for name in ("baseline", "neutral delay", "air closed", "road slower"):
        assert name in visible
    assert "no planned shipment crosses the disrupted lanes" in visible
    _not_blank(browser)


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory: pytest.TempPathFactory):
    """A plan folder of the example data: data/europe and 30 orders of the example book,
    the two it cannot serve (Christmas at UCLH and The Christie) among them."""
    import csv

    import logistics as lg
    from logistics.solve import SolveParams

    examples = Path(__file__).resolve().parents[2] / "examples" / "orders.csv"
    with examples.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = {"ORD-23-00040", "ORD-23-00206"}
    picked = [r for r in rows if r["order_id"] in keep] + [
        r for r in rows[:40] if r["order_id"] not in keep and r["status"] == "new"
    ][:28]
    folder = tmp_path_factory.mktemp("example-plan")
    book_path = folder / "orders.csv"
    with book_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(picked)
    net = lg.read_network()
    book = lg.read_orders(book_path, net)
    nightly = lg.plan(net, book, SolveParams(workers=1, time_limit_s=15, seed=0), samples=50)
    return lg.write_plan(nightly, folder / "plan", net)


def test_example_plan_report_in_chromium(browser, example_plan) -> None:
    """The report of a plan of the example data (the European network): every chart
    draws marks with no console error, the map has one marker per site of the plan,
    and the unserved patients' ids and reasons are visible."""
    plan, _ = read_plan(example_plan)
    charts = open_drawn(browser, example_plan / REPORT_FILE)
    for name, svg, marks in charts:
        assert svg > 0 and marks > 0, f"chart {name} drew nothing"
    assert _errors(browser) == []
    sites = _sites_of(plan)
    markers, _, _ = browser.execute_script(SITE_MARKERS)
    assert markers == len(sites)
    visible = browser.execute_script("return document.body.innerText")
    assert {p.order_id for p in plan.unserved} == {"ORD-23-00040", "ORD-23-00206"}
    for p in plan.unserved:
        assert p.order_id in visible and p.reason in visible
    _not_blank(browser)
