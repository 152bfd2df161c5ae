"""The nightly run: commitments kept to the leg, events, changes, refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from store_helpers import NOW, ORDERS, TINY, dump, run, tiny, write_events

from logistics.check import check
from logistics.errors import InputError
from logistics.io import read_network, read_orders
from logistics.io.scenarios import read_scenario
from logistics.scenarios.transforms import apply


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_same_inputs_twice_says_no_changes(store_url: str, tmp_path: Path) -> None:
    """The first night lists every order as new; the same inputs again change nothing
    ("no changes", an empty changes.csv), the store holds both runs and the plan
    folder passes the independent checker."""
    first = run(store_url, tmp_path / "n1")
    assert {c.order_id for c in first.changes} == {"P-0001", "P-0002", "P-0003"}
    assert first.counts["new"] == 3
    second = run(store_url, tmp_path / "n2")
    assert second.summary() == "no changes"
    assert rows(tmp_path / "n2" / "changes.csv") == []
    assert second.run_id == 2 and len(dump(store_url)["runs"]) == 2
    plan = second.result.plan
    assert plan is not None and check(plan, tiny(), second.book) == []
    states = {o.order_id: o.status for o in second.book.orders}
    # both open orders' apheresis (11 December) lies within 48 h of NOW: committed
    assert states == {"P-0001": "committed", "P-0002": "committed", "P-0003": "committed"}


def test_disruption_breaks_a_commitment_and_the_change_says_why(tmp_path: Path) -> None:
    """A closure of the flight a committed order is booked on re-plans that order
    (a reason naming the lane in changes.csv), keeps the other committed orders to the
    leg, and the re-plan passes the checker (booked orders are not left impossible)."""
    store = f"sqlite:///{tmp_path / 'plans.db'}"
    first = run(store, tmp_path / "n1")
    before = first.result.plan.by_id()
    flight = next(leg for leg in before["P-0001"].inbound.legs if leg.mode == "air")
    scenario = tmp_path / "closed.toml"
    scenario.write_text(
        f'start = "{flight.depart:%Y-%m-%dT%H:%M:%SZ}"\n'
        f'end = "{flight.arrive:%Y-%m-%dT%H:%M:%SZ}"\n'
        f'[[disruption]]\nkind = "close_lanes"\nlanes = ["{flight.lane_id}"]\n'
    )
    network, _ = apply(read_scenario(scenario, tiny()), tiny(), first.book)
    second = run(store, tmp_path / "n2", network=network)
    changed = {c.order_id for c in second.changes}
    assert changed == {"P-0001"}
    for c in second.changes:
        assert "commitment not kept" in c.why and flight.lane_id in c.why
    after = second.result.plan.by_id()
    assert flight.lane_id + "@" not in ";".join(
        f"{leg.lane_id}@{leg.depart}" for leg in after["P-0001"].inbound.legs
    ) or all(leg.depart != flight.depart for leg in after["P-0001"].inbound.legs)
    for oid in ("P-0002", "P-0003"):
        assert after[oid].inbound == before[oid].inbound
        assert after[oid].outbound == before[oid].outbound
    assert second.result.violations == ()


def test_events_cancel_and_collect(tmp_path: Path) -> None:
    """A cancelled patient is dropped with the event as the reason; a collection an
    hour late is taken in as the apheresis time (actual replaces planned) and the
    order is kept at its site, re-routed only if its booked legs no longer fit."""
    store = f"sqlite:///{tmp_path / 'plans.db'}"
    first = run(store, tmp_path / "n1", now=NOW)
    plan = first.result.plan.by_id()
    late = plan["P-0001"].apheresis_time.replace(minute=0)
    late = late.replace(hour=late.hour + 1)
    events = write_events(
        tmp_path / "events.csv",
        [
            f"P-0002,cancelled,{NOW:%Y-%m-%dT%H:%M:%SZ},,,patient withdrew",
            f"P-0001,collected,{late:%Y-%m-%dT%H:%M:%SZ},TC-LON,,",
        ],
    )
    later = late.replace(hour=late.hour + 1)
    second = run(store, tmp_path / "n2", now=later, events=events)
    by_order = {}
    for c in second.changes:
        by_order.setdefault(c.order_id, []).append(c)
    assert [c.change for c in by_order["P-0002"]] == ["dropped"]
    assert "event: cancelled" in by_order["P-0002"][0].why
    p1 = second.result.plan.by_id()["P-0001"]
    assert p1.apheresis_time == late and p1.manufacturing_site == plan["P-0001"].manufacturing_site
    assert all("event: collected" in c.why for c in by_order["P-0001"])
    assert second.result.violations == ()
    # the same events again are not taken twice: nothing changes
    third = run(store, tmp_path / "n3", now=later, events=events)
    assert third.summary() == "no changes"
    assert len(dump(store)["events"]) == 2


def test_edited_previous_folder_is_refused(tmp_path: Path) -> None:
    """A previous plan folder whose orders.csv was truncated is refused with the file
    named, the store keeps only the earlier run and nothing is written."""
    store = f"sqlite:///{tmp_path / 'plans.db'}"
    run(store, tmp_path / "n1")
    target = tmp_path / "n1" / "orders.csv"
    target.write_bytes(target.read_bytes()[:40])
    with pytest.raises(InputError) as caught:
        run(store, tmp_path / "n2")
    assert "orders.csv" in str(caught.value) and "truncated or edited" in str(caught.value)
    assert len(dump(store)["runs"]) == 1 and not (tmp_path / "n2").exists()


def test_recorded_folder_is_not_overwritten(tmp_path: Path) -> None:
    """--out naming the folder of a recorded run is refused (exit-2 input error)."""
    store = f"sqlite:///{tmp_path / 'plans.db'}"
    run(store, tmp_path / "n1")
    with pytest.raises(InputError, match="--out"):
        run(store, tmp_path / "n1")


def test_cancellation_frees_capacity_for_another_patient(tmp_path: Path) -> None:
    """On the tight bundle (one manufacturing slot a day) T-02's batch keeps others
    unserved; once T-02 is cancelled it is dropped with the event as its reason and
    the freed slot serves a patient who was unserved, reported as new with a reason."""
    tight = TINY.parents[0] / "plan" / "tight"
    net = read_network(tight)
    store = f"sqlite:///{tmp_path / 'plans.db'}"
    first = run(store, tmp_path / "n1", network=net, orders=tight / "orders.csv")
    served_before = {p.order_id for p in first.result.plan.served}
    assert "T-02" in served_before and "T-01" not in served_before
    events = write_events(
        tmp_path / "events.csv", ["T-02,cancelled,2026-12-10T13:00:00Z,,,patient withdrew"]
    )
    second = run(
        store,
        tmp_path / "n2",
        network=net,
        orders=tight / "orders.csv",
        now=NOW.replace(hour=14),
        events=events,
    )
    kinds = {c.order_id: (c.change, c.why) for c in second.changes}
    assert kinds["T-02"] == (
        "dropped",
        "event: cancelled at 2026-12-10T13:00:00Z (patient withdrew)",
    )
    newly = {oid for oid, (kind, _) in kinds.items() if kind == "new"}
    assert newly and newly <= {"T-01", "T-03", "T-04"}
    assert {p.order_id for p in second.result.plan.served} == served_before - {"T-02"} | newly
    assert second.result.violations == ()


def test_cli_nightly_and_history(tmp_path: Path) -> None:
    """The commands print the counts line, "no changes" on the same inputs, one line
    per run in `history`, an order's nights in `history ORDER_ID`; a bad --store URL
    is an input error (exit 2) naming the option."""
    from typer.testing import CliRunner

    from logistics.cli import app

    store = f"sqlite:///{tmp_path / 'plans.db'}"
    base = ["--network", str(TINY), "--orders", str(TINY / "orders.csv"), "--store", store,
            "--now", "2026-12-10T12:00:00Z", "--time-limit", "2", "--samples", "5"]  # fmt: skip
    cli = CliRunner()
    first = cli.invoke(app, ["nightly", *base, "--out", str(tmp_path / "n1")])
    assert first.exit_code == 0, first.output
    assert "0 patients unchanged, 0 moved, 3 new, 0 dropped" in first.output
    second = cli.invoke(app, ["nightly", *base, "--out", str(tmp_path / "n2")])
    assert second.exit_code == 0 and "no changes" in second.output
    runs = cli.invoke(app, ["history", "--store", store])
    assert runs.exit_code == 0 and runs.output.count("2026-12-10T12:00:00Z") == 2
    one = cli.invoke(app, ["history", "P-0003", "--store", store])
    assert one.exit_code == 0 and one.output.count("MFG-LEI") == 2
    bad = cli.invoke(
        app, ["nightly", *base[:-8], "--store", "ftp://x", "--out", str(tmp_path / "x")]
    )
    assert bad.exit_code == 2 and "--store" in bad.output


def test_sqlite_lock_refuses_a_second_run_but_not_readers(tmp_path: Path) -> None:
    """While a run holds a SQLite store's lock, another run is refused (StoreBusy,
    nothing written) and a reader still reads the recorded runs."""
    from logistics.store import StoreBusy, locked, make_engine
    from logistics.store.runs import list_runs

    store = f"sqlite:///{tmp_path / 'plans.db'}"
    run(store, tmp_path / "n1")
    db = make_engine(store)
    with locked(db):
        with pytest.raises(StoreBusy):
            run(store, tmp_path / "n2")
        with make_engine(store).connect() as reader:
            assert [r["run_id"] for r in list_runs(reader)] == [1]
    assert not (tmp_path / "n2").exists()
    assert run(store, tmp_path / "n2").run_id == 2
    db.dispose()


def test_booked_order_without_legs_is_replanned_when_a_disruption_breaks_it(
    tmp_path: Path,
) -> None:
    """A committed order of orders.csv (no booked legs yet) whose only road to the
    plant is closed for two days after its booked apheresis is planned again instead
    of kept frozen past its 48 h window: the change says why, the checker finds
    nothing."""
    scenario = tmp_path / "closed.toml"
    scenario.write_text(
        'start = "2026-11-30T00:00:00Z"\nend = "2026-12-03T00:00:00Z"\n'
        '[[disruption]]\nkind = "close_lanes"\nlanes = ["RD-MUC-LEI"]\n'
    )
    book = read_orders(ORDERS, tiny())
    network, _ = apply(read_scenario(scenario, tiny()), tiny(), book)
    night = run(f"sqlite:///{tmp_path / 'plans.db'}", tmp_path / "n1", network=network)
    (p3,) = [c for c in night.changes if c.order_id == "P-0003"]
    assert "commitment not kept" in p3.why and "over the 48 h window" in p3.why
    assert night.result.violations == ()
