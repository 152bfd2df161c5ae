"""Scenario sweep benchmark: `python bench/sweep.py [--orders 1000] [--workers 2]
[--samples 500] [--time-limit 60]`.

The six example scenarios of config/scenarios/ on a generated book
(``generate_orders(net, 1000, date(2026, 12, 7), 28, seed=1)``) of the default bundle:
the baseline solve and simulation, then each scenario's impact (tonight's plan under
the disruption) and re-plan (solve + simulation), first on a local process pool of
``--workers`` processes, then on a Dask ``LocalCluster`` of as many worker processes.
Every solve uses one CP-SAT worker with ``--time-limit`` seconds as both the wall and
the deterministic limit, as ``logistics scenarios run`` does.

Prints one markdown table: per scenario the rows' outcome (served, unserved, orders of
tonight's plan breaking under the disruption) and the seconds its tasks took in the
workers on each backend; then the end-to-end wall time of each sweep (worker start-up
and the Dask cluster included) and the ratio dask / pool. Targets: a sweep under 10
minutes, Dask within 1.5x of the pool. Also says whether both backends gave the same
comparison rows (they should: the sweep is deterministic).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date

import logistics as lg
from logistics.scenarios import example_scenarios, read_scenario
from logistics.scenarios.sweep import run_sweep
from logistics.solve import load_params
from logistics.synth import generate_orders

START = date(2026, 12, 7)
DAYS = 28
TARGET_S = 600.0
TARGET_RATIO = 1.5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--time-limit", type=float, default=60.0, help="per solve, s")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    import distributed  # noqa: F401  (sets up its logging when imported: quieten it after)

    logging.getLogger("distributed").setLevel(logging.ERROR)

    net = lg.read_network()
    book = generate_orders(net, args.orders, START, DAYS, seed=1)
    scenarios = [read_scenario(path, net) for path in example_scenarios()]
    params = load_params(
        None,
        time_limit_s=args.time_limit,
        deterministic_time_s=args.time_limit,
        seed=args.seed,
        workers=1,
    )
    sweeps = {}
    walls = {}
    backends = (("pool", {"workers": args.workers}), ("dask", {"dask_local": args.workers}))
    for name, where in backends:
        print(f"sweep on the {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        sweeps[name] = run_sweep(
            scenarios, net, book, params, samples=args.samples, seed=args.seed, **where
        )
        walls[name] = time.perf_counter() - t0
        print(f"sweep on the {name}: {walls[name]:.0f} s", file=sys.stderr, flush=True)
    print_table(sweeps, walls, args)


def print_table(sweeps, walls, args) -> None:
    pool, dask = sweeps["pool"], sweeps["dask"]
    differ = [
        f"{p['scenario']}: {k} {p[k]!r} (pool) != {d[k]!r} (dask)"
        for p, d in zip(pool.rows(), dask.rows(), strict=True)
        for k in p
        if k != "wall_s" and p[k] != d[k]
    ]
    same = not differ
    print(
        f"\n{args.orders} orders, {len(pool.scenarios)} scenarios, {args.workers} workers, "
        f"{args.samples} samples, solver limit {args.time_limit:g} s (1 CP-SAT worker); "
        "per scenario: seconds of its tasks in the workers (re-plan + impact)\n"
    )
    print(
        "| scenario | served | unserved | impact breaking | impact displaced | status "
        "| pool s | dask s | dask/pool |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for p, d in zip(pool.rows(), dask.rows(), strict=True):
        print(
            f"| {p['scenario']} | {p['served']} | {p['unserved']} | "
            f"{p['impact_orders_breaking']} | {p['impact_orders_displaced']} | {p['status']} | "
            f"{p['wall_s']:.1f} | {d['wall_s']:.1f} | {d['wall_s'] / p['wall_s']:.2f} |"
        )
    ratio = walls["dask"] / walls["pool"]
    print(
        f"| **sweep, end to end** | | | | | | **{walls['pool']:.1f}** | "
        f"**{walls['dask']:.1f}** | **{ratio:.2f}** |"
    )
    slowest = max(walls.values())
    print(
        f"\nsweep < {TARGET_S / 60:.0f} min: {'yes' if slowest < TARGET_S else 'NO'} "
        f"(slowest {slowest:.0f} s); Dask within {TARGET_RATIO}x of the pool: "
        f"{'yes' if ratio <= TARGET_RATIO else 'NO'} ({ratio:.2f}x); "
        f"same comparison rows on both: {'yes' if same else 'NO'}"
    )
    for line in differ:
        print(f"- {line}")


if __name__ == "__main__":
    main()
