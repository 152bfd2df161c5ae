"""Nightly-run benchmark on capacity-tight books: `python bench/solve.py
[--books 1000,5000,10000] [--time-limit 60] [--profile DIR]`.

Each book is planned on a network sized for it (``logistics make-network``: the
capacity is set so that the book asks for ``--load``, default 97.5 %, of the
manufacturing slot-days of its 28 days, not for 1,000 % as a book on a fixed network
does):

| book | network |
|---|---|
| 1,000 | data/europe's 98 centres and 13 plants, capacity re-sized for the book |
| 5,000 | 250 centres, 20 plants |
| 10,000 | 500 centres, 40 plants |

(another size N gets N / 20 centres and N / 250 plants, at least 4). The book is
``make-orders --network NET --n N --start 2026-12-07 --days 28 --seed S``. Networks
and books are written once to ``--cache`` by a child process; then each book is
planned in a fresh process (so max RSS is that of the nightly run alone) as
``logistics plan`` does it (``logistics.plan``: solve with pricing, Monte Carlo,
Plan B, the independent check; engine ``auto``) and its plan folder written.

Stages are timed from the pipeline's progress messages: candidate building (routing
and candidate assembly), pricing (column generation rounds, LP solves included), the
integer problem and its solve (greedy start, HiGHS / CP-SAT, plan assembly), Monte
Carlo, Plan B (fallbacks), the checker and writing the plan folder. ``--profile DIR``
also writes a cProfile of each run (``DIR/<book>.prof``). Prints one table, a column
per book.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import logistics as lg
from logistics.model.capacity import Capacity
from logistics.model.network import Network
from logistics.model.orders import OrderBook

START = date(2026, 12, 7)
DAYS = 28
#: orders: (centres, plants, end-to-end s, gap, RSS MiB) of the issue's targets
TARGETS = {
    1000: (98, 13, 15.0, 0.005, 1536.0),
    5000: (250, 20, 45.0, 0.01, 4096.0),
    10000: (500, 40, 60.0, 0.01, 8192.0),
}
# progress messages that open a stage (first match wins), in pipeline order
STAGES = (
    ("candidates", "compiling the network"),
    ("pricing", "pricing schedules"),
    ("integer", "capacity rows"),
    ("monte_carlo", "Monte Carlo"),
    ("fallbacks", "Plan B"),
    ("checker", "checking the plan"),
)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the forked
    pricing and Plan B workers end within their stage)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def sizes(n: int) -> tuple[int, int]:
    """(centres, plants) of the network for an n-order book."""
    if n in TARGETS:
        return TARGETS[n][:2]
    return max(1, n // 20), max(4, min(40, n // 250))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", default="1000,5000,10000", help="order counts, comma separated")
    ap.add_argument("--time-limit", type=float, default=60.0, help="solver limit, s")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--gap", type=float, default=None, help="relative gap asked (default: the solver's)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--load", type=float, default=0.975, help="manufacturing load of the book")
    ap.add_argument("--samples", type=int, default=500, help="Monte Carlo draws")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "logistics-bench"))
    ap.add_argument("--profile", default=None, help="folder for a cProfile of each run")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: one book
    ap.add_argument("--prepare", default=None, help=argparse.SUPPRESS)  # internal
    args = ap.parse_args()
    if args.prepare is not None:
        prepare(args, int(args.prepare))
        return
    if args.one is not None:
        print(json.dumps(measure(args, int(args.one))))
        return
    results = []
    for n in (int(x) for x in args.books.split(",") if x):
        t = time.perf_counter()
        child = [sys.executable, __file__, *sys.argv[1:]]
        subprocess.run([*child, "--prepare", str(n)], check=True)
        print(f"book {n}: inputs ready in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        t = time.perf_counter()
        out = subprocess.run([*child, "--one", str(n)], stdout=subprocess.PIPE, text=True)
        if out.returncode != 0:
            print(f"book {n}: failed (exit {out.returncode})", file=sys.stderr)
            continue
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"book {n}: planned in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        if args.json:  # after each book, so a long run keeps what it measured
            Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_table(results, args)


def _folder(args: argparse.Namespace, n: int) -> Path:
    centres, plants = sizes(n)
    return Path(args.cache) / f"n{n}-c{centres}-p{plants}-s{args.seed}-l{args.load:g}"


def prepare(args: argparse.Namespace, n: int) -> None:
    """Write the network and the book of an n-order run to the cache (once)."""
    from logistics.io.write_orders import write_orders
    from logistics.synth import generate_orders
    from logistics.synth.network import NetworkSpec, generate_network, write_network

    folder = _folder(args, n)
    if (folder / "orders.csv").is_file():
        return
    centres, plants = sizes(n)
    spec = NetworkSpec(
        centres=centres, plants=plants, orders=n, start=START, days=DAYS, load=args.load
    )
    write_network(generate_network(spec), folder / "network")
    net = lg.read_network(folder / "network")
    book = generate_orders(net, n, START, DAYS, args.seed)
    write_orders(book, net, folder / "orders.tmp")
    (folder / "orders.tmp").rename(folder / "orders.csv")


def measure(args: argparse.Namespace, n: int) -> dict[str, Any]:
    """Every figure of one book (in a child process of its own)."""
    folder = _folder(args, n)
    t0 = time.perf_counter()
    net = lg.read_network(folder / "network")
    book = lg.read_orders(folder / "orders.csv", net)
    centres, plants = sizes(n)
    row: dict[str, Any] = {
        "orders": len(book),
        "centres": centres,
        "plants": plants,
        "read_s": time.perf_counter() - t0,
        "mfg_load": manufacturing_load(net, book),
    }
    params = lg.SolveParams(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    if args.gap is not None:
        params = dataclasses.replace(params, relative_gap=args.gap)
    marks: list[tuple[float, float, str]] = []

    def progress(message: str, _fraction: float) -> None:
        marks.append((time.perf_counter(), _cpu(), message))

    profiler = cProfile.Profile() if args.profile else None
    t0, c0 = time.perf_counter(), _cpu()
    if profiler:
        profiler.enable()
    nightly = lg.plan(net, book, params, samples=args.samples, progress=progress)
    t_plan, c_plan = time.perf_counter(), _cpu()
    lg.write_plan(nightly, folder / "plan", net)
    t_end, c_end = time.perf_counter(), _cpu()
    if profiler:
        profiler.disable()
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(Path(args.profile) / f"{n}.prof"))
    row.update(_stages(marks, (t0, c0), (t_plan, c_plan)))
    row["write_s"], row["write_cpu"] = t_end - t_plan, c_end - c_plan
    row["e2e_s"], row["e2e_cpu"] = t_end - t0, c_end - c0
    row["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = nightly.result
    row["candidates"] = res.stats.candidates
    pricing = res.stats.pricing or {}
    row["rounds"] = pricing.get("rounds")
    row["added"] = pricing.get("added")
    row["bound_over"] = pricing.get("bound_over", "the candidates")
    row["pricing_loop_s"] = pricing.get("seconds")
    row["engine"] = res.engine
    row["lp_int_build_s"] = res.stats.build_s
    row["lp_int_solve_s"] = res.stats.solve_s
    row["status"] = f"{res.status} ({res.termination})"
    row["objective"] = res.bounds.primal
    row["bound"] = res.bounds.dual
    row["gap"] = res.gap
    row["violations"] = len(nightly.violations)
    plan = res.plan
    if plan is not None:
        scheduled = [p.v2v_h for p in plan.orders if p.status == "scheduled" and p.v2v_h]
        row["served"] = len(plan.served)
        row["v2v"] = statistics.fmean(scheduled) if scheduled else None
    return row


def _stages(
    marks: list[tuple[float, float, str]],
    first: tuple[float, float],
    last: tuple[float, float],
) -> dict[str, float]:
    """Wall and CPU seconds per stage (``<stage>_s``, ``<stage>_cpu``) from the
    progress marks: a stage ends where the next begins."""
    starts: dict[str, tuple[float, float]] = {}
    for wall, cpu, message in marks:
        for name, key in STAGES:
            if key in message and name not in starts:
                starts[name] = (wall, cpu)
                break
    starts["candidates"] = first  # validating the book is part of it
    order = [name for name, _ in STAGES if name in starts]
    out = {}
    for k, name in enumerate(order):
        end = starts[order[k + 1]] if k + 1 < len(order) else last
        out[f"{name}_s"] = end[0] - starts[name][0]
        out[f"{name}_cpu"] = end[1] - starts[name][1]
    return out


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
    manufacturing load is ``load``; returns the network and the factor (used by
    ``bench/pricing.py``)."""
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


def _pair(wall: float | None, cpu: float | None) -> str:
    return "-" if wall is None else f"{wall:.1f} / {cpu:.1f}"


def print_table(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """One table: a row per figure, a column per book."""

    def f(fmt: str):
        return lambda v: "-" if v is None else format(v, fmt)

    def pct(v):
        return "-" if v is None else f"{100 * v:.3g} %"

    def target(r):
        if r["orders"] not in TARGETS:
            return "-"
        _c, _p, wall, gap, rss = TARGETS[r["orders"]]
        ok = r["e2e_s"] <= wall and r.get("gap") is not None and r["gap"] <= gap
        ok = ok and r["rss_mib"] <= rss and r.get("violations") == 0
        return f"{'met' if ok else 'MISSED'} (<={wall:.0f}s gap<={100 * gap:g}% <={rss:.0f}MiB)"

    lines = [
        ("orders", f("d"), "orders"),
        ("centres / plants", None, "sizes"),
        ("manufacturing load", pct, "mfg_load"),
        ("read network + book s", f(".1f"), "read_s"),
        ("candidate building s", None, "candidates_pair"),
        ("pricing s", None, "pricing_pair"),
        ("  rounds / columns", None, "rounds_added"),
        ("integer problem + solve s", None, "integer_pair"),
        ("  engine", str, "engine"),
        ("  engine build / solve s", None, "engine_times"),
        ("Monte Carlo s", None, "monte_carlo_pair"),
        ("fallbacks (Plan B) s", None, "fallbacks_pair"),
        ("checker s", None, "checker_pair"),
        ("writing s", None, "write_pair"),
        ("end to end s", None, "e2e_pair"),
        ("peak memory (max RSS) MiB", f(".0f"), "rss_mib"),
        ("candidates", f("d"), "candidates"),
        ("status", str, "status"),
        ("served", f("d"), "served"),
        ("mean v2v h (scheduled)", f(".1f"), "v2v"),
        ("objective", f(".6g"), "objective"),
        ("dual bound", f(".6g"), "bound"),
        ("bound over", str, "bound_over"),
        ("gap", pct, "gap"),
        ("checker violations", f("d"), "violations"),
    ]
    for r in results:
        for key in ("candidates", "pricing", "integer", "monte_carlo", "fallbacks"):
            r.setdefault(f"{key}_s", None)
        for key in ("candidates", "pricing", "integer", "monte_carlo", "fallbacks", "checker"):
            r[f"{key}_pair"] = _pair(r.get(f"{key}_s"), r.get(f"{key}_cpu"))
        for key in ("write", "e2e"):
            r[f"{key}_pair"] = _pair(r.get(f"{key}_s"), r.get(f"{key}_cpu"))
        r["sizes"] = f"{r['centres']} / {r['plants']}"
        r["rounds_added"] = f"{r.get('rounds')} / {r.get('added')}"
        b, s = r.get("lp_int_build_s"), r.get("lp_int_solve_s")
        r["engine_times"] = "-" if b is None else f"{b:.1f} / {s:.1f}"
    cells = [
        [str(r.get(key)) if fmt is None else fmt(r.get(key)) for r in results]
        for _, fmt, key in lines
    ]
    labels = [label for label, _, _ in lines]
    cells.append([target(r) for r in results])
    labels.append("target")
    width = max(14, *(len(c) + 2 for row in cells for c in row))
    first = max(len(label) for label in labels) + 2
    print(
        f"nightly benchmark: start {START}, {DAYS} days, seed {args.seed}, load "
        f"{100 * args.load:g} %, limit {args.time_limit:g} s, gap asked "
        f"{args.gap if args.gap is not None else lg.SolveParams().relative_gap:g}, "
        f"{args.workers} workers, "
        f"{args.samples} Monte Carlo draws; stage times are wall / CPU seconds of the "
        "process (CPU counts every thread of the engines and the forked workers)"
    )
    print(f"{'book':<{first}}" + "".join(f"{r['orders']:>{width}}" for r in results))
    for label, row in zip(labels, cells, strict=True):
        print(f"{label:<{first}}" + "".join(f"{c:>{width}}" for c in row))


if __name__ == "__main__":
    main()
