"""timeline.csv: one row per order and step, in each site's local time and UTC, with
the slack left against the viability windows; and the Gantt's slot rows."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.io.plan import read_plan
from logistics.io.timeline import TIMELINE_COLUMNS, TIMELINE_FILE
from logistics.model.plan import PlannedOrder, PlanStatus
from logistics.report.charts import _slots


def _rows(folder) -> list[dict[str, str]]:
    with (folder / TIMELINE_FILE).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == TIMELINE_COLUMNS
        return list(reader)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_steps_follow_the_plan(swept) -> None:
    """Each served order has its steps in chain order, derived from its legs (a depart
    and a handover per leg, customs where the leg crosses a border), at the plan's UTC
    times; an unserved order has one row carrying its reason."""
    plan, _ = read_plan(swept.plan_dir)
    rows = _rows(swept.plan_dir)
    by_order: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_order.setdefault(r["order_id"], []).append(r)
    assert list(by_order) == [p.order_id for p in plan.orders]
    assert plan.unserved and plan.served  # the fixture has both
    for p in plan.orders:
        got = by_order[p.order_id]
        assert [int(r["step_no"]) for r in got] == list(range(1, len(got) + 1))
        if not p.served:
            assert [(r["step"], r["note"], r["utc_time"]) for r in got] == [
                ("unserved", p.reason, "")
            ]
            continue
        expected = [("apheresis", p.apheresis_time)]
        for it in (p.inbound, p.outbound):
            if it is p.outbound:
                expected += [
                    ("manufacturing_start", p.manufacturing_start),
                    ("manufacturing_end", p.manufacturing_end),
                    ("release", p.release_time),
                ]
            for leg in it.legs if it is not None else ():
                expected.append(("depart", leg.depart))
                if leg.customs_from:
                    cleared = leg.arrive - timedelta(hours=leg.wait_open_h + leg.customs_h)
                    expected.append(("customs", cleared))
                expected.append(("handover", leg.arrive))
        expected += [
            ("delivery", p.delivery_time),
            ("lymphodepletion", p.lymphodepletion_start),
            ("infusion", p.infusion_time),
        ]
        assert [r["step"] for r in got] == [s for s, _ in expected]
        for r, (_, t) in zip(got, expected, strict=True):
            assert abs((_utc(r["utc_time"]) - t).total_seconds()) < 1


def test_local_time_zone_and_slack(swept) -> None:
    """Every timed row's local time is its UTC time on the site's clock, with the zone's
    abbreviation; the slack is the window's end (inbound: apheresis + inbound_max_h,
    outbound: release + outbound_max_h) minus the step's time, to 0.01 h, and never
    negative on a plan the checker accepts."""
    net = swept.network
    plan, _ = read_plan(swept.plan_dir)
    orders = plan.by_id()
    windows = 0
    for r in _rows(swept.plan_dir):
        if not r["utc_time"]:
            continue
        site = net.sites[r["site_id"]]
        assert (r["site_name"], r["country"], r["timezone"]) == (
            site.name,
            site.country,
            site.timezone,
        )
        local = _utc(r["utc_time"]).astimezone(ZoneInfo(site.timezone))
        assert r["local_time"] == local.strftime("%Y-%m-%d %H:%M")
        assert r["zone"] == local.tzname()
        p = orders[r["order_id"]]
        therapy = net.therapies[p.therapy]
        if r["window"] == "inbound":
            end = p.apheresis_time + timedelta(hours=therapy.inbound_max_h)
        elif r["window"] == "outbound":
            end = p.release_time + timedelta(hours=therapy.outbound_max_h)
        else:
            assert r["slack_h"] == r["window_end_utc"] == ""
            continue
        windows += 1
        assert _utc(r["window_end_utc"]) == end
        slack = (end - _utc(r["utc_time"])).total_seconds() / 3600
        assert float(r["slack_h"]) == round(slack, 2)
        assert float(r["slack_h"]) >= 0
        assert len(r["slack_h"].partition(".")[2]) <= 2
    assert windows > 0


_START = datetime(2026, 12, 1, tzinfo=UTC)


def _batch(i: int, start_h: int, length_h: int) -> PlannedOrder:
    t = _START + timedelta(hours=start_h)
    end = t + timedelta(hours=length_h)
    return PlannedOrder(
        order_id=f"P-{i}", therapy="x", treatment_centre="TC", status=PlanStatus.SCHEDULED,
        apheresis_time=t, manufacturing_site="MFG", manufacturing_start=t,
        manufacturing_end=end, release_time=end, delivery_time=end,
        lymphodepletion_start=end, infusion_time=end,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 240)), min_size=1, max_size=30))
def test_gantt_slot_rows_never_overlap_and_are_as_few_as_possible(spans) -> None:
    """The Gantt puts every batch on a slot row where it overlaps no other batch, and
    uses as many rows as batches run at once at the busiest instant (no more)."""
    batches = [_batch(i, s, n) for i, (s, n) in enumerate(spans)]
    placed = _slots(batches)
    assert sorted(p.order_id for p, _ in placed) == sorted(b.order_id for b in batches)
    rows: dict[int, list[PlannedOrder]] = {}
    for p, k in placed:
        rows.setdefault(k, []).append(p)
    for members in rows.values():
        members.sort(key=lambda p: p.manufacturing_start)
        for a, b in itertools.pairwise(members):
            assert a.manufacturing_end <= b.manufacturing_start
    busiest = max(
        sum(b.manufacturing_start <= t < b.manufacturing_end for b in batches)
        for t in (b.manufacturing_start for b in batches)
    )
    assert len(rows) == busiest
