"""Critical elements benchmark: `python bench/critical.py [--workers 2] [--samples 500]
[--time-limit S] [--replan 2] [--reproduce]`.

``logistics critical`` on the embedded bundle (data/europe) and the example order book
(examples/orders.csv), as the command runs it without ``--plan``: the baseline solve
(one CP-SAT worker, the time limit as wall and deterministic limit, as ``logistics
scenarios run``), the structure of the lane graph, the impact of each candidate's
closure for 7 days, and the re-plan of the ``--replan`` first. Prints one markdown
table: seconds, elements confirmed, and the 10 first rows. Target: under 5 minutes
with two workers. With ``--reproduce`` it then runs the first row's scenario file
through the sweep (``logistics scenarios run FILE``) and says whether the figures agree.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import logistics as lg
from logistics.analysis.critical import find_critical, sweep_figures
from logistics.io.critical import CRITICAL_FILE, write_critical
from logistics.scenarios import read_scenario
from logistics.scenarios.sweep import run_sweep
from logistics.solve import load_params

TARGET_S = 300.0


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--time-limit", type=float, default=None, help="per solve, s")
    ap.add_argument("--replan", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reproduce", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    net = lg.read_network()
    book = lg.read_orders(None, net)
    params = load_params(None, time_limit_s=args.time_limit, seed=args.seed, workers=1)
    params = replace(params, deterministic_time_s=params.time_limit_s)
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    cpu0 = _cpu()
    result = find_critical(
        net,
        book,
        params,
        samples=args.samples,
        seed=args.seed,
        replan=args.replan,
        workers=args.workers,
        progress=lambda message, _f: stages.append((message, time.perf_counter() - t0)),
    )
    wall = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    out = Path(tempfile.mkdtemp(prefix="critical-bench-"))
    write_critical(result, net, out, 20)
    print("| what | value |\n|---|---|")
    print(f"| wall time, {args.workers} workers | {wall:.1f} s (target < {TARGET_S:.0f} s) |")
    print(f"| CPU seconds (this process and its workers) | {cpu:.1f} s |")
    load = os.getloadavg()[0]
    print(f"| load average at the end (1 min), cores | {load:.1f}, {os.cpu_count()} |")
    for message, at in stages:
        print(f"| stage started at {at:.1f} s | {message} |")
    print(f"| elements confirmed | {len(result.rows)} |")
    print(
        f"| single points (bridges / articulation points) | "
        f"{len(result.structure.bridges())} / {len(result.structure.articulation_points())} |"
    )
    print(f"| written | {out / CRITICAL_FILE} |")
    print("\n| # | element | kind | cut off | exposed | breaking | displaced | unserved | v2v h |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, r in enumerate(result.rows[:10], start=1):
        print(
            f"| {k} | {r.element.element_id} | {r.element.kind} | {len(r.centres_cut_off)} | "
            f"{r.orders_exposed} | {r.orders_breaking} | {r.orders_displaced} | "
            f"{'-' if r.unserved_after_replan is None else r.unserved_after_replan} | "
            f"{r.delta_v2v_h:.1f} |"
        )
    print(f"\n{'within' if wall < TARGET_S else 'OVER'} the {TARGET_S:.0f} s target")
    if args.reproduce:
        first = result.rows[0]
        with (out / CRITICAL_FILE).open(encoding="utf-8") as fh:
            path = out / next(csv.DictReader(fh))["scenario_file"]
        scenario = read_scenario(path, net)
        t1 = time.perf_counter()
        sweep = run_sweep(
            [scenario],
            net,
            book,
            params,
            samples=args.samples,
            seed=args.seed,
            workers=args.workers,
            fallbacks=0,
        )
        got = sweep_figures(sweep.rows(), sweep.impact_rows())[scenario.name]
        mine = (
            first.orders_breaking,
            first.orders_displaced,
            first.delta_v2v_h,
            first.unserved_after_replan,
        )
        print(
            f"\nreproduction of {path.name} by the sweep ({time.perf_counter() - t1:.0f} s): "
            f"critical {mine}, sweep {got}: {'same' if got == mine else 'DIFFERENT'}"
        )


if __name__ == "__main__":
    main()
