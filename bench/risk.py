"""Monte Carlo risk benchmark: `python bench/risk.py [--samples 10000] [--time-limit 30]`.

Plans on the default bundle, each solved with CP-SAT (``--time-limit`` seconds):

- ``example``: the packaged example order book;
- ``synth-1000``: ``generate_orders(net, 1000, 2026-12-07, 28 days, seed=1)``; the
  bundle's capacity serves only part of it;
- ``synth-1000 x``: the served orders of ``synth-1000`` repeated under new ids (and
  added to the book) until 1,000 orders are served, to time the simulation at the
  target size (10,000 samples x 1,000 orders in under 10 s).

Each plan is simulated with ``--samples`` samples, seed 0: once untraced for the wall
time (the network compilation included), once under tracemalloc for the peak of the
simulation's Python and numpy allocations. "orders" counts the served (simulated)
orders. Prints one table.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import tracemalloc
from datetime import date

import logistics as lg
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan
from logistics.risk import simulate
from logistics.solve import SolveParams, solve
from logistics.synth import generate_orders

TARGET_S = 10.0  # 10,000 samples x 1,000 orders


def padded(plan: Plan, book: OrderBook, size: int) -> tuple[Plan, OrderBook]:
    """The served orders of ``plan`` repeated under new ids until ``size`` are served."""
    served = plan.served
    by_id = {o.order_id: o for o in book.orders}
    orders, extra = list(served), []
    copy = 0
    while len(orders) < size:
        copy += 1
        for po in served[: size - len(orders)]:
            new_id = f"{po.order_id}-R{copy}"
            orders.append(dataclasses.replace(po, order_id=new_id))
            extra.append(dataclasses.replace(by_id[po.order_id], order_id=new_id))
    return Plan(orders=tuple(orders)), dataclasses.replace(book, orders=(*book.orders, *extra))


def measure(name: str, plan: Plan, net: Network, book: OrderBook, samples: int) -> dict:
    """Wall time (untraced) and traced peak of one simulation."""
    t = time.perf_counter()
    res = simulate(plan, net, book, samples=samples, seed=0)
    wall = time.perf_counter() - t
    tracemalloc.start()
    simulate(plan, net, book, samples=samples, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(res.orders)
    return {
        "plan": name,
        "book": len(book.orders) if not name.endswith("x") else "-",
        "orders": n,
        "samples": samples,
        "wall": wall,
        "rate": samples * n / wall,
        "peak": peak / 2**20,
        "breaches": f"{res.expected_breaches:.2f} ± {res.expected_breaches_se:.3f}",
        "late": f"{res.expected_late:.2f} ± {res.expected_late_se:.3f}",
        "v2v": f"{res.v2v_median_h:.1f} / {res.v2v_p90_h:.1f}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--time-limit", type=float, default=30.0, help="CP-SAT limit per solve, s")
    args = ap.parse_args()
    params = SolveParams(time_limit_s=args.time_limit)
    net = lg.read_network()

    rows = []
    example = lg.read_orders(None, net)
    print("solving the example book ...", file=sys.stderr, flush=True)
    plan = solve(net, example, params).plan
    assert plan is not None
    rows.append(measure("example", plan, net, example, args.samples))

    synth = generate_orders(net, 1000, date(2026, 12, 7), 28, seed=1)
    print("solving the 1,000-order book ...", file=sys.stderr, flush=True)
    plan = solve(net, synth, params).plan
    assert plan is not None
    rows.append(measure("synth-1000", plan, net, synth, args.samples))
    big_plan, big_book = padded(plan, synth, 1000)
    rows.append(measure("synth-1000 x", big_plan, net, big_book, args.samples))

    header = (
        "| plan | book | orders | samples | wall s | samples x orders / s | peak MiB "
        "| expected breaches ± s.e. | expected late ± s.e. | v2v median / p90 h |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in rows:
        print(
            f"| {r['plan']} | {r['book']} | {r['orders']} | {r['samples']} | {r['wall']:.2f} "
            f"| {r['rate']:,.0f} | {r['peak']:.0f} | {r['breaches']} | {r['late']} | {r['v2v']} |"
        )
    scaled = 1000 * 10_000 / rows[-1]["rate"]  # seconds at the target size
    verdict = "met" if scaled < TARGET_S else "missed"
    print(f"\n10,000 samples x 1,000 orders: {scaled:.1f} s (target < {TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
