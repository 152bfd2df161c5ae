"""Network design benchmark: `python bench/design.py [--sizes 50,125,250,500,750]
[--europe 5000] [--objective cost]`.

i-SHIPMENT-shaped instances (``logistics.design.ishipment``: 4 collection sites that
are also the hospitals, 6 candidate plants with 4/31/10/4/31/10 lines, a fast mode of
one day and a cheaper one of two, 1 + 7 + 7 days, an 18-day cap, at most 2 plants
open; a seventh plant of 62 lines in the largest), each size solved end to end in
its own process (bundle and book read, design solved, outputs written: the tables,
network/ and plan/ with its Monte Carlo and check, not the report page), under the
cost objective (every patient within the cap at least cost) by default.

Reported per size: plants opened, cost per therapy, mean vein to vein (days), the
proven gap (against the bound over every schedule within the cap and every design),
wall time end to end, max RSS and the checker's violations of the plan written.
``--europe N`` adds the default bundle with an N-order generated book over 365 days
(``logistics.synth``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from logistics.io.bundle import read_network, default_bundle
from logistics.io.orders import read_orders
from logistics.io.design import read_design, write_design_outputs
from logistics.design.solve import solve_design, mean_v2v_days
from logistics.design.folder import write_design_plan
from logistics.solve.params import SolveParams
bundle, orders, out, objective, limit = sys.argv[1:6]
bundle = Path(bundle) if bundle != "-" else default_bundle()
net = read_network(bundle)
book = read_orders(orders, net)
design = read_design(bundle, net)
params = SolveParams(time_limit_s=float(limit), workers=2)
r = solve_design(net, book, design, params, objective=objective)
Path(out).mkdir(exist_ok=True)
write_design_outputs(r, out)
broken = write_design_plan(r, bundle, net, book, params, Path(out), Path(out))
served = len(r.plan.served) if r.plan else 0
print(json.dumps({
    "status": r.status, "open": ";".join(f"{s}:{n}" for s, n in r.lines.items()),
    "orders": len(book), "served": served,
    "per_therapy": r.costs_eur.get("total", 0) / served if served else None,
    "v2v_days": mean_v2v_days(r.plan), "gap": r.gap, "solve_s": r.wall_s,
    "wall_s": time.perf_counter() - t0, "stats": r.stats, "violations": broken,
}))
"""


def run(bundle: str, orders: str, out: str, objective: str, limit: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RUN, bundle, orders, out, objective, str(limit)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"status": f"failed: {proc.stderr.strip().splitlines()[-1:]}", "wall_s": wall}
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row["process_s"] = wall
    row["rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="50,125,250,500,750")
    ap.add_argument("--objective", default="cost", choices=("cost", "weighted"))
    ap.add_argument("--europe", type=int, default=0, help="orders of the Europe run (0: none)")
    ap.add_argument("--time-limit", type=float, default=120.0)
    args = ap.parse_args()
    from logistics.design.ishipment import write_instance

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        for n in sizes:
            bundle, orders = write_instance(
                Path(tmp) / str(n), n, big_plant=n == max(sizes) and n >= 750
            )
            row = run(
                str(bundle),
                str(orders),
                str(Path(tmp) / f"out{n}"),
                args.objective,
                args.time_limit,
            )
            rows.append((f"i-SHIPMENT {n}", row))
            print(f"{n}: {row}", file=sys.stderr)
        if args.europe:
            from datetime import date

            from logistics.io.bundle import read_network
            from logistics.io.write_orders import write_orders
            from logistics.synth import generate_orders

            net = read_network()
            path = Path(tmp) / "europe.csv"
            book = generate_orders(
                net, args.europe, date(2027, 1, 4), days=365, committed_share=0.0
            )
            write_orders(book, net, path)
            row = run("-", str(path), str(Path(tmp) / "out-eu"), args.objective, args.time_limit)
            rows.append((f"Europe {args.europe}/365 d", row))
            print(f"europe: {row}", file=sys.stderr)
    print(
        f"{'instance':<22} {'status':<9} {'open':<28} {'served':>9} {'EUR/therapy':>12} "
        f"{'v2v d':>6} {'gap %':>8} {'wall s':>7} {'MB':>6} {'checker':>7}"
    )
    for name, r in rows:
        gap = r.get("gap")
        print(
            f"{name:<22} {r.get('status', ''):<9} {r.get('open', ''):<28} "
            f"{str(r.get('served', '')) + '/' + str(r.get('orders', '')):>9} "
            f"{r['per_therapy'] if r.get('per_therapy') is None else round(r['per_therapy']):>12} "
            f"{'' if r.get('v2v_days') is None else round(r['v2v_days'], 2):>6} "
            f"{'' if gap is None else f'{100 * gap:.4f}':>8} "
            f"{r.get('process_s', r.get('wall_s', 0)):>7.1f} "
            f"{r.get('rss_mb', 0):>6.0f} {r.get('violations', ''):>7}"
        )


if __name__ == "__main__":
    main()
