"""A customs office whose hours end with 'PH off' is closed on the arrival site's public
holidays: the itinerary engine, the independent checker and the Monte Carlo agree.

The deterministic tiny copy (p90 = median) gets a test holiday on Tuesday 2026-11-10 at
Schiphol only (holidays.csv, site APT-AMS; the airport itself stays open, ph_open), and
GB -> EU air clearance (2 h, no import release) with office hours 06:00-22:00 every
day. Clocks in November: London UTC, Amsterdam UTC+1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from risk_helpers import bundle, deterministic_copy, edit_csv, plan_of

import logistics as lg
from logistics.check import check
from logistics.check.legs import check_legs
from logistics.network.router import Router
from logistics.risk import simulate

HOURS = "Mo-Su 06:00-22:00"


def _copy(tmp: Path, name: str, ph_off: bool) -> Path:
    folder = deterministic_copy(tmp, name)
    (folder / "holidays.csv").write_text(
        "date,name,country,subdivision,site_id\n2026-11-10,Test day,NL,,APT-AMS\n",
        encoding="utf-8",
    )

    def office(row: dict[str, str]) -> None:
        if (row["from_territory"], row["to_territory"], row["mode"]) == ("GB", "EU", "air"):
            row["office_hours"] = f"{HOURS}; PH off" if ph_off else HOURS

    edit_csv(folder / "customs.csv", office)
    # one order, its only apheresis day Monday 2026-11-09 in London
    (folder / "orders.csv").write_text(
        "order_id,therapy,treatment_centre,apheresis_earliest,apheresis_latest\n"
        "NOV-1,cart-auto,TC-LON,2026-11-09,2026-11-09\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def nets(tmp_path_factory) -> dict[bool, tuple[lg.Network, lg.OrderBook]]:
    tmp = tmp_path_factory.mktemp("ph")
    return {ph_off: bundle(_copy(tmp, f"ph-{ph_off}", ph_off)) for ph_off in (False, True)}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("ph_off", "handover"),
    [
        # lands 10:10Z = 11:10 local on the holiday; the office clears at once: 12:10Z
        (False, "2026-11-10T12:10"),
        # closed all of the holiday: opens Wednesday 06:00 local = 05:00Z, + 2 h
        (True, "2026-11-11T07:00"),
    ],
)
def test_engine_waits_for_the_office_after_the_holiday(nets, ph_off, handover):
    """Heathrow -> Schiphol ready Tuesday 04:00Z takes the 07:10 flight (3 h); with
    'PH off' clearance waits for the next working day, otherwise it starts at landing."""
    net, _ = nets[ph_off]
    it = Router(net).earliest("APT-LHR", "APT-AMS", _utc("2026-11-10T04:00"), "2-8C")
    assert it is not None
    assert it.arrival == _utc(handover)
    assert (
        check_legs(
            net,
            it.legs,
            origin="APT-LHR",
            destination="APT-AMS",
            ready=_utc("2026-11-10T04:00"),
            temperature="2-8C",
        )
        == []
    )


def test_checker_refuses_clearance_on_the_holiday(nets):
    """The leg the engine plans without 'PH off' (handed over 12:10Z on the holiday) is
    too fast for the checker once the office closes on holidays, and its customs_h
    (2 h) is short of the wait plus clearance."""
    net_open, _ = nets[False]
    net_closed, _ = nets[True]
    ready = _utc("2026-11-10T04:00")
    it = Router(net_open).earliest("APT-LHR", "APT-AMS", ready, "2-8C")
    found = check_legs(
        net_closed,
        it.legs,
        origin="APT-LHR",
        destination="APT-AMS",
        ready=ready,
        temperature="2-8C",
    )
    assert sorted(v.kind for v in found) == ["customs_fields", "too_fast"]


def test_plan_and_monte_carlo_agree(nets):
    """The plan made with 'PH off' passes the checker and replays as planned; the plan
    made without it, replayed on the 'PH off' network, is delivered exactly when the
    'PH off' plan delivers (same site, same day: the one-day wait at customs moves
    everything after it the same way in the engine and in the simulation)."""
    net_open, book = nets[False]
    net_closed, _ = nets[True]
    plan_open = plan_of(net_open, book)
    plan_closed = plan_of(net_closed, book)
    assert check(plan_closed, net_closed, book) == []
    (p_open,) = plan_open.served
    (p_closed,) = plan_closed.served
    assert p_closed.manufacturing_start > p_open.manufacturing_start
    replay = simulate(plan_closed, net_closed, book, samples=20, seed=1).by_id()["NOV-1"]
    assert replay.v2v_median_h == pytest.approx(p_closed.v2v_h)
    moved = simulate(plan_open, net_closed, book, samples=20, seed=1).by_id()["NOV-1"]
    assert moved.v2v_median_h == pytest.approx(p_closed.v2v_h)
    still = simulate(plan_open, net_open, book, samples=20, seed=1).by_id()["NOV-1"]
    assert still.v2v_median_h == pytest.approx(p_open.v2v_h)
