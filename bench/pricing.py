"""Pricing benchmark: `python bench/pricing.py [--sizes 1000,5000] [--tight-size 5000]`.

For each book, the nightly solve (``logistics.solve``, engine ``auto``) twice, each in
its own process (max RSS per run): on the fixed candidate set (earliest itineraries,
``pricing_rounds=0``) and with column generation (the default). Books are those of
``bench/solve.py``: generated 28-day books on the default bundle (far over its
manufacturing capacity) and a capacity-tight book (every capacity scaled so the book
asks for 100 % of the manufacturing slot-days).

Reported per run: candidates, pricing rounds and columns added, whether pricing
closed, served orders, mean vein-to-vein of the scheduled orders, objective, dual
bound and what it holds over (every schedule, or the candidates only), gap, wall
time and max RSS. Objectives are in weight units (lower is better); a fixed run's
bound holds over its candidates only, so its gap says nothing about the schedules
it never generated. Prints one table: one column per (book, run).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

from solve import DAYS, START, manufacturing_load, scaled_to_load

import logistics as lg
from logistics.solve import SolveParams, solve
from logistics.synth import generate_orders

TARGETS = {1000: (30.0, None), 5000: (120.0, 4096.0)}  # orders: (wall s, RSS MiB), priced


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000", help="order counts, comma separated")
    ap.add_argument("--tight-size", type=int, default=5000, help="0: no tight book")
    ap.add_argument("--time-limit", type=float, default=120.0, help="solve limit, s")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: one run
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args, **json.loads(args.one))))
        return
    books = [(f"{n}", int(n), False) for n in args.sizes.split(",") if n]
    if args.tight_size:
        books.append((f"{args.tight_size} tight", args.tight_size, True))
    results = []
    for name, n, tight in books:
        for priced in (False, True):
            run = {"name": name, "n": n, "tight": tight, "priced": priced}
            print(f"{name} {'priced' if priced else 'fixed'} ...", file=sys.stderr, flush=True)
            out = subprocess.run(
                [sys.executable, __file__, *sys.argv[1:], "--one", json.dumps(run)],
                stdout=subprocess.PIPE,
                text=True,
                check=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print_table(results)


def measure(
    args: argparse.Namespace, name: str, n: int, tight: bool, priced: bool
) -> dict[str, Any]:
    """The figures of one run (in a child process)."""
    net = lg.read_network()
    book = generate_orders(net, n, start=START, days=DAYS, seed=args.seed)
    if tight:
        net, _factor = scaled_to_load(net, book, 1.0)
    params = SolveParams(
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        pricing_rounds=SolveParams().pricing_rounds if priced else 0,
    )
    t0 = time.perf_counter()
    result = solve(net, book, params, engine="auto")
    wall = time.perf_counter() - t0
    plan = result.plan
    scheduled = [] if plan is None else [o for o in plan.orders if o.status == "scheduled"]
    pricing = result.stats.pricing or {}
    return {
        "run": f"{name} {'priced' if priced else 'fixed'}",
        "orders": n,
        "priced": priced,
        "load": manufacturing_load(net, book),
        "candidates": result.stats.candidates,
        "rounds": pricing.get("rounds"),
        "added": pricing.get("added"),
        "closed": pricing.get("closed"),
        "status": f"{result.status} ({result.termination})",
        "served": None if plan is None else len(plan.served),
        "v2v": statistics.fmean(o.v2v_h for o in scheduled) if scheduled else None,
        "objective": result.bounds.primal,
        "bound": result.bounds.dual,
        "bound_over": pricing.get("bound_over", "the candidates"),
        "gap": result.gap,
        "wall": wall,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    """A row per figure, a column per run."""

    def f(fmt: str):
        return lambda v: "-" if v is None else format(v, fmt)

    def pct(v):
        return "-" if v is None else f"{100 * v:.3g} %"

    def target(r):
        wall, rss = TARGETS.get(r["orders"], (None, None))
        if wall is None or not r["priced"]:
            return "-"
        ok = r["wall"] <= wall and (r["gap"] if r["gap"] is not None else 1) < 0.01
        ok = ok and (rss is None or r["rss"] <= rss)
        limits = f"<={wall:.0f}s" + (f" <={rss / 1024:.0f}GB" if rss else "") + " gap<1%"
        return f"{'met' if ok else 'MISSED'} ({limits})"

    rows = [
        ("manufacturing load", pct, "load"),
        ("candidates", f("d"), "candidates"),
        ("pricing rounds", f("d"), "rounds"),
        ("columns added", f("d"), "added"),
        ("pricing closed", str, "closed"),
        ("status", str, "status"),
        ("served", f("d"), "served"),
        ("mean v2v h", f(".1f"), "v2v"),
        ("objective", f(",.1f"), "objective"),
        ("dual bound", f(",.1f"), "bound"),
        ("bound holds over", str, "bound_over"),
        ("gap", pct, "gap"),
        ("wall s", f(".1f"), "wall"),
        ("max RSS MiB", f(".0f"), "rss"),
    ]
    table = [["", *(r["run"] for r in results)]]
    table += [[label, *(fmt(r[key]) for r in results)] for label, fmt, key in rows]
    table.append(["target", *(target(r) for r in results)])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
