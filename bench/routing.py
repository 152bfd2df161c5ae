"""Earliest-arrival throughput on a bundle: `python bench/routing.py [--network DIR]`.

Prints one table: the one-to-all batch for every (treatment centre, day of a 28-day
horizon, inbound temperature class) and single scalar queries (one-to-one towards a
manufacturing site, one-to-all), with wall time, queries per second and peak memory.
Timings run without tracemalloc (it slows Python several-fold); peak traced memory is
measured in a second pass of the batch, and the process's max RSS closes the table.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

import logistics as lg
from logistics.model.constants import TEMPERATURES
from logistics.network.batch import BatchEngine
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import search


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--network", default=None)
    ap.add_argument("--start", default="2026-12-07")
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--single", type=int, default=1000, help="one-to-one queries to time")
    args = ap.parse_args()
    rows: list[tuple[str, int, float, str]] = []

    t = time.perf_counter()
    net = lg.read_network(args.network)
    rows.append(("read and validate bundle", 1, time.perf_counter() - t, ""))

    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    horizon = (start - timedelta(days=2), start + timedelta(days=args.days + 30))
    t = time.perf_counter()
    cn = CompiledNetwork(net, *horizon)
    engine = BatchEngine(cn)
    cn.adjacency()
    rows.append(("compile horizon", 1, time.perf_counter() - t, ""))

    centres = [s for s in net.sites.values() if s.kind == "treatment_centre"]
    temps = list(TEMPERATURES)  # every class, not only those the therapies use
    origins, ready = [], []
    for site in centres:
        for d in range(args.days):
            day = (start + timedelta(days=d)).date()
            local = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=site.apheresis_ready_min
            )
            origins.append(cn.index[site.site_id])
            ready.append(local.replace(tzinfo=ZoneInfo(site.timezone)).timestamp())
    origins_a, ready_a = np.array(origins), np.array(ready)

    def batch() -> None:
        for temp in temps:
            engine.run(origins_a, ready_a, temp, max_h=240)

    t = time.perf_counter()
    batch()
    rows.append(
        (
            f"one-to-all batch ({', '.join(temps)})",
            len(origins) * len(temps),
            time.perf_counter() - t,
            "target < 10 s",
        )
    )

    rng = random.Random(0)
    mfg = [s.site_id for s in net.sites.values() if s.kind == "manufacturing_site"]
    queries = [
        (
            cn.index[rng.choice(centres).site_id],
            cn.index[rng.choice(mfg)],
            start.timestamp() + rng.randrange(args.days * 86400),
        )
        for _ in range(args.single)
    ]
    t = time.perf_counter()
    for o, dest, r in queries:
        search(cn, o, r, "2-8C", targets=(dest,))
    rows.append(
        ("one-to-one (scalar)", len(queries), time.perf_counter() - t, "target < 5 ms each")
    )
    t = time.perf_counter()
    for o, _, r in queries[: args.single // 5]:
        search(cn, o, r, "2-8C")
    rows.append(("one-to-all (scalar)", args.single // 5, time.perf_counter() - t, ""))

    tracemalloc.start()
    batch()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"bundle: {net.source}  sites: {len(net.sites)}  lanes: {len(net.lanes)} "
        f"({sum(la.generated for la in net.lanes)} generated)"
    )
    print(f"{'step':<38}{'queries':>9}{'wall s':>9}{'q/s':>10}{'ms/query':>10}  note")
    for name, n, secs, note in rows:
        print(f"{name:<38}{n:>9}{secs:>9.3f}{n / secs:>10.0f}{1000 * secs / n:>10.3f}  {note}")
    print(
        f"peak traced Python memory of the batch {peak / 2**20:.1f} MiB, max RSS {rss_mb:.0f} MiB"
    )


if __name__ == "__main__":
    main()
