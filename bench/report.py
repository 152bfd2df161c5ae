"""Report benchmark: `python bench/report.py [--orders 1000] [--time-limit 60]`.

Plans ``generate_orders(net, N, 2026-12-07, 28 days, seed=1)`` on the default bundle
(the nightly job: solve, 200-sample Monte Carlo, Plan B), writes the plan folder, then
times what this issue adds to it, read back from the folder as ``logistics report``
does: reading the folder, timeline.csv, sites.geojson and report.html, with the size
of each file. The bundle's capacity serves only part of such a book, so a second row
repeats the served orders under new ids until N are served (every one with legs on
the map, the Gantt and the timeline chart): the report's worst case at that size.

Target (issue 12): a 1,000-order report written in under 10 s and under 15 MB.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import logistics as lg
from logistics.io.geojson import SITES_FILE, write_sites
from logistics.io.nightly import write_plan
from logistics.io.timeline import TIMELINE_FILE, write_timeline
from logistics.model.plan import Plan
from logistics.report import REPORT_FILE, plan_report
from logistics.report.folder import read_plan_folder
from logistics.synth import generate_orders

TARGET_S = 10.0
TARGET_MB = 15.0


def padded(plan: Plan, size: int) -> Plan:
    """``plan``'s orders with its served orders repeated under new ids until ``size``
    are served (unserved ones dropped when over ``size``)."""
    served = list(plan.served)
    orders = list(served)
    copy = 0
    while len(orders) < size and served:
        copy += 1
        for p in served[: size - len(orders)]:
            orders.append(dataclasses.replace(p, order_id=f"{p.order_id}-R{copy}"))
    return Plan(orders=tuple(orders))


def measure(name: str, folder: Path, net: lg.Network) -> dict:
    """Seconds for each step of the report on ``folder``, and the files' sizes."""
    t0 = time.perf_counter()
    data = read_plan_folder(folder, net)
    t1 = time.perf_counter()
    write_timeline(data.plan, net, folder / TIMELINE_FILE)
    t2 = time.perf_counter()
    write_sites(data.plan, net, folder / SITES_FILE)
    t3 = time.perf_counter()
    (folder / REPORT_FILE).write_text(plan_report(data), encoding="utf-8")
    t4 = time.perf_counter()
    return {
        "plan": name,
        "orders": len(data.plan.orders),
        "served": len(data.plan.served),
        "read_s": t1 - t0,
        "timeline_s": t2 - t1,
        "sites_s": t3 - t2,
        "report_s": t4 - t3,
        "total_s": t4 - t0,
        "report_mb": (folder / REPORT_FILE).stat().st_size / 1e6,
        "timeline_mb": (folder / TIMELINE_FILE).stat().st_size / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    net = lg.read_network()
    book = generate_orders(net, args.orders, date(2026, 12, 7), 28, seed=1)
    t = time.perf_counter()
    nightly = lg.plan(net, book, lg.SolveParams(time_limit_s=args.time_limit, seed=0), samples=200)
    print(f"planned {args.orders} orders in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_plan(nightly, Path(tmp) / "plan", net)
        rows.append(measure(f"synth-{args.orders}", folder, net))
        assert nightly.result.plan is not None
        full = dataclasses.replace(
            nightly,
            result=dataclasses.replace(
                nightly.result, plan=padded(nightly.result.plan, args.orders)
            ),
        )
        folder = write_plan(full, Path(tmp) / "padded", net)
        rows.append(measure(f"synth-{args.orders} x", folder, net))
    head = (
        "plan",
        "orders",
        "served",
        "read_s",
        "timeline_s",
        "sites_s",
        "report_s",
        "total_s",
        "report_mb",
        "timeline_mb",
    )
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for r in rows:
        print(" | ".join(f"{r[h]:.2f}" if isinstance(r[h], float) else str(r[h]) for h in head))
    ok = all(r["total_s"] < TARGET_S and r["report_mb"] < TARGET_MB for r in rows)
    print(f"\ntarget: under {TARGET_S:g} s and {TARGET_MB:g} MB: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
