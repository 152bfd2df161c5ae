"""Schedule solve benchmark: `python bench/solve.py [--sizes 100,1000,5000] [--time-limit 60]`.

Order books come from ``logistics.synth.generate_orders`` (28 days from 2026-12-07)
on the default bundle. The 5,000-order book is far over the bundle's manufacturing
capacity (about 34 CAR-T starts a day, some 950 orders in 28 days, fit), and the
smaller ones under it, so a ``tight`` book is added: the
``--tight-size`` book (same seed) on the network with every capacity (manufacturing
and apheresis slots, lane capacities) scaled so the manufacturing slot-days the
book asks for are ``--tight-load`` (default 100 %) of those in the 28 days.

Each book runs in its own process (so max RSS is per book):

1. ``logistics.solve.solve`` with CP-SAT, end to end, untraced: candidate build,
   integer problem, greedy hint, CP-SAT to ``--gap``, plan assembly;
2. the candidates and problem again under tracemalloc (the Python heap peak of the
   model; the native memory of the engines shows only in max RSS), the greedy
   first-come plan and the capacity-free bound;
3. HiGHS on the same problem, same relative gap and time limit (capped by
   ``--highs-time-limit``).

Mean v2v and its excess over the capacity-free bound (each order's fastest
candidate) are over the orders the plan schedules (committed, frozen orders are the
same in every plan and left out); "served" counts frozen orders too. Objectives
are in weight units (lower is better). Prints one table: one column per book.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from typing import Any

import logistics as lg
from logistics.model.capacity import Capacity
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.solve import SolveParams, solve
from logistics.solve.bounds import capacity_free_bound, v2v_excess
from logistics.solve.candidates import build_candidates
from logistics.solve.greedy import greedy
from logistics.solve.problem import SCALE, build_problem
from logistics.synth import generate_orders

START = date(2026, 12, 7)
DAYS = 28
TARGETS = {1000: (60.0, None), 5000: (300.0, 4096.0)}  # orders: (wall s, RSS MiB)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="order counts, comma separated")
    ap.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT limit, s")
    ap.add_argument("--highs-time-limit", type=float, default=None, help="default: --time-limit")
    ap.add_argument("--gap", type=float, default=0.01, help="relative gap of both engines")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tight-size", type=int, default=5000, help="0: no tight book")
    ap.add_argument("--tight-load", type=float, default=1.0)
    ap.add_argument("--network", default=None)
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: one book
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args, **json.loads(args.one))))
        return

    books = [{"name": f"{n}", "n": int(n), "tight": False} for n in args.sizes.split(",")]
    if args.tight_size:
        books.append({"name": f"{args.tight_size} tight", "n": args.tight_size, "tight": True})
    results = []
    for book in books:
        print(f"book {book['name']} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--one", json.dumps(book)],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"book {book['name']} done in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print_table(results, args)


def measure(args: argparse.Namespace, name: str, n: int, tight: bool) -> dict[str, Any]:
    """Every figure of one book (runs in a child process)."""
    net = lg.read_network(args.network)
    book = generate_orders(net, n, start=START, days=DAYS, seed=args.seed)
    row: dict[str, Any] = {"book": name, "orders": len(book)}
    if tight:
        net, factor = scaled_to_load(net, book, args.tight_load)
        row["capacity_x"] = factor
    row["mfg_load"] = manufacturing_load(net, book)
    params = SolveParams(
        time_limit_s=args.time_limit,
        relative_gap=args.gap,
        workers=args.workers,
        seed=args.seed,
    )

    # 1. end to end with CP-SAT, untraced; candidate and problem times from progress
    marks: list[tuple[float, str, float]] = []
    t0 = time.perf_counter()
    res = solve(net, book, params, progress=lambda m, f: marks.append((time.perf_counter(), m, f)))
    row["e2e_s"] = time.perf_counter() - t0
    built = next((t for t, _m, f in marks if f >= 1.0), None)  # "candidates ready"
    ready = next((t for t, m, _f in marks if "capacity rows" in m), None)
    row["cand_s"] = None if built is None else built - t0
    row["problem_s"] = None if built is None or ready is None else ready - built
    row["cpsat_solve_s"] = res.stats.solve_s
    row["rss_e2e_mib"] = _rss_mib()
    row["candidates"] = res.stats.candidates
    row["rows"] = res.stats.capacity_rows
    row["cpsat_status"] = f"{res.status} ({res.termination})"
    row["cpsat_gap"] = res.gap
    row["cpsat_obj"] = res.bounds.primal
    row["cpsat_bound"] = res.bounds.dual
    row["greedy_obj"] = res.stats.greedy_objective

    # 2. the model again under tracemalloc; greedy; capacity-free bound
    tracemalloc.start()
    cs = build_candidates(net, book, params.quantile)
    problem = build_problem(cs, params)
    start = greedy(problem)
    bound = capacity_free_bound(problem)
    row["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    row["servable"] = bound["servable"] + len(cs.frozen)
    row["bound_obj"] = bound["objective"] / SCALE
    row["bound_v2v"] = bound["mean_v2v_h"]
    index = {o.order_id: k for k, o in enumerate(book.orders)}
    if res.plan is not None:
        scheduled = [p for p in res.plan.orders if p.status == "scheduled"]
        v2v = [p.v2v_h for p in scheduled if p.v2v_h is not None]
        excess = [
            p.v2v_h - bound["v2v_h"][index[p.order_id]]
            for p in scheduled
            if p.v2v_h is not None and bound["v2v_h"][index[p.order_id]] is not None
        ]
        row["cpsat_served"] = len(res.plan.served)
        row["cpsat_v2v"] = statistics.fmean(v2v) if v2v else None
        row["cpsat_excess"] = statistics.fmean(excess) if excess else None
    row["greedy_served"] = len(start) + len(cs.frozen)
    row["greedy_v2v"] = _mean_v2v(problem, start)
    row["greedy_excess"] = v2v_excess(problem, start, bound)

    # 3. HiGHS on the same problem
    from logistics.solve.milp import solve_highs

    hparams = dataclasses.replace(params, time_limit_s=args.highs_time_limit or args.time_limit)
    t = time.perf_counter()
    sol = solve_highs(problem, hparams)
    row["highs_s"] = time.perf_counter() - t
    row["highs_status"] = f"{sol.status} ({sol.termination})"
    row["highs_feasible"] = problem.feasible(sol.chosen)
    row["highs_nodes"] = getattr(sol.stats, "nodes", None)
    if sol.objective is not None:
        row["highs_obj"] = sol.objective / SCALE
        row["highs_gap"] = (
            abs(sol.objective - sol.bound) / max(1.0, abs(sol.objective))
            if sol.bound is not None
            else None
        )
        row["highs_served"] = len(sol.chosen) + len(cs.frozen)
        row["highs_v2v"] = _mean_v2v(problem, sol.chosen)
        row["highs_excess"] = v2v_excess(problem, sol.chosen, bound)
    row["rss_max_mib"] = _rss_mib()
    return row


def manufacturing_load(net: Network, book: OrderBook) -> float:
    """Manufacturing slot-days the book asks for over those in the 28 days."""
    demand = sum(
        net.therapies[o.therapy].manufacturing_days for o in book.orders if o.status != "cancelled"
    )
    cap = net.capacity
    available = sum(
        cap.slots(site, "manufacturing", START + timedelta(days=d))
        for site in cap.sites_with("manufacturing")
        for d in range(DAYS)
    )
    return demand / max(1, available)


def scaled_to_load(net: Network, book: OrderBook, load: float) -> tuple[Network, float]:
    """``net`` with every capacity scaled by one factor so that the book's
    manufacturing load is ``load``; returns the network and the factor."""
    factor = manufacturing_load(net, book) / load

    def scale(slots: int) -> int:
        return 0 if slots <= 0 else max(1, round(slots * factor))

    cap = net.capacity
    capacity = Capacity(
        weekly={key: tuple(scale(s) for s in week) for key, week in cap.weekly.items()},
        dated={key: scale(s) for key, s in cap.dated.items()},
    )
    lanes = tuple(
        lane
        if lane.capacity is None
        else dataclasses.replace(lane, capacity=max(1, math.ceil(lane.capacity * factor)))
        for lane in net.lanes
    )
    return dataclasses.replace(net, capacity=capacity, lanes=lanes), factor


def _mean_v2v(problem, chosen: list[int]) -> float | None:
    cands = problem.cs.candidates
    return statistics.fmean(cands[c].v2v_h for c in chosen) if chosen else None


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def print_table(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """One table: a row per figure, a column per book."""

    def f(fmt: str):
        return lambda v: "-" if v is None else format(v, fmt)

    def pct(v):
        return "-" if v is None else f"{100 * v:.3g} %"

    def target(r):
        wall, rss = TARGETS.get(r["orders"], (None, None))
        if wall is None:
            return "-"
        ok = r["e2e_s"] < wall and (r.get("cpsat_gap") or 0) < 0.01
        if rss is not None:
            ok = ok and r["rss_e2e_mib"] < rss
        limits = f"<{wall:.0f}s" + (f" <{rss / 1024:.0f}GB" if rss else "") + " gap<1%"
        return f"{'met' if ok else 'MISSED'} ({limits})"

    lines = [
        ("orders", f("d"), "orders"),
        ("capacity scale", f(".2f"), "capacity_x"),
        ("manufacturing load", pct, "mfg_load"),
        ("candidates", f("d"), "candidates"),
        ("capacity rows", f("d"), "rows"),
        ("candidate build s", f(".1f"), "cand_s"),
        ("integer problem s", f(".1f"), "problem_s"),
        ("CP-SAT solve s", f(".1f"), "cpsat_solve_s"),
        ("CP-SAT end to end s", f(".1f"), "e2e_s"),
        ("CP-SAT status", str, "cpsat_status"),
        ("CP-SAT gap", pct, "cpsat_gap"),
        ("CP-SAT objective", f(".6g"), "cpsat_obj"),
        ("CP-SAT served", f("d"), "cpsat_served"),
        ("CP-SAT mean v2v h", f(".1f"), "cpsat_v2v"),
        ("CP-SAT v2v excess h", f(".2f"), "cpsat_excess"),
        ("greedy objective", f(".6g"), "greedy_obj"),
        ("greedy served", f("d"), "greedy_served"),
        ("greedy mean v2v h", f(".1f"), "greedy_v2v"),
        ("greedy v2v excess h", f(".2f"), "greedy_excess"),
        ("HiGHS s (same gap)", f(".1f"), "highs_s"),
        ("HiGHS status", str, "highs_status"),
        ("HiGHS gap", pct, "highs_gap"),
        ("HiGHS B&B nodes", f("d"), "highs_nodes"),
        ("HiGHS objective", f(".6g"), "highs_obj"),
        ("HiGHS served", f("d"), "highs_served"),
        ("HiGHS mean v2v h", f(".1f"), "highs_v2v"),
        ("HiGHS v2v excess h", f(".2f"), "highs_excess"),
        ("servable (cap-free)", f("d"), "servable"),
        ("cap-free objective", f(".6g"), "bound_obj"),
        ("cap-free mean v2v h", f(".1f"), "bound_v2v"),
        ("tracemalloc peak MiB", f(".0f"), "traced_peak_mib"),
        ("max RSS e2e MiB", f(".0f"), "rss_e2e_mib"),
        ("max RSS +HiGHS MiB", f(".0f"), "rss_max_mib"),
    ]
    width = max(22, *(len(r["book"]) + 2 for r in results))
    first = max(len(label) for label, _, _ in lines) + 2
    cells = [
        [fmt(r.get(key)) if r.get(key) is not None else "-" for r in results]
        for _, fmt, key in lines
    ]
    cells.append([target(r) for r in results])
    width = max(width, *(len(c) + 2 for row in cells for c in row))
    print(
        f"solve benchmark: start {START}, {DAYS} days, seed {args.seed}, gap {args.gap:g}, "
        f"CP-SAT limit {args.time_limit:g} s, {args.workers} workers"
    )
    print(f"{'book':<{first}}" + "".join(f"{r['book']:>{width}}" for r in results))
    for (label, _, _), row in zip([*lines, ("target", None, None)], cells, strict=True):
        print(f"{label:<{first}}" + "".join(f"{c:>{width}}" for c in row))


if __name__ == "__main__":
    main()
