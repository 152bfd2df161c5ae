"""Earliest-arrival throughput on a bundle: `python bench/routing.py [--network DIR]`.

Prints one table: the one-to-all batch for every (treatment centre, day of a 28-day
horizon, temperature class) and single one-to-one queries, with wall time, queries per
second and peak memory (tracemalloc of the Python heap, plus the process's max RSS).
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
from logistics.network.batch import BatchEngine
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import search


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--network", default=None)
    ap.add_argument("--start", default="2026-12-07")
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--single", type=int, default=500, help="one-to-one queries to time")
    args = ap.parse_args()
    rows = []

    t = time.perf_counter()
    net = lg.read_network(args.network)
    rows.append(("read bundle", 1, time.perf_counter() - t, None))

    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    tracemalloc.start()
    t = time.perf_counter()
    cn = CompiledNetwork(net, start - timedelta(days=2), start + timedelta(days=args.days + 30))
    engine = BatchEngine(cn)
    rows.append(("compile horizon", 1, time.perf_counter() - t, None))

    centres = [s for s in net.sites.values() if s.kind == "treatment_centre"]
    temps = sorted({th.inbound_temperature for th in net.therapies.values()})
    origins, ready = [], []
    for site in centres:
        for d in range(args.days):
            day = (start + timedelta(days=d)).date()
            local = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=site.apheresis_ready_min
            )
            origins.append(cn.index[site.site_id])
            ready.append(local.replace(tzinfo=ZoneInfo(site.timezone)).timestamp())
    t = time.perf_counter()
    for temp in temps:
        engine.run(np.array(origins), np.array(ready), temp, max_h=240)
    elapsed = time.perf_counter() - t
    rows.append(
        (f"one-to-all batch ({len(temps)} temps)", len(origins) * len(temps), elapsed, None)
    )

    rng = random.Random(0)
    mfg = [s.site_id for s in net.sites.values() if s.kind == "manufacturing_site"]
    t = time.perf_counter()
    for _ in range(args.single):
        o = rng.choice(centres).site_id
        dest = cn.index[rng.choice(mfg)]
        r = start.timestamp() + rng.randrange(args.days * 86400)
        search(cn, cn.index[o], r, "2-8C", targets=(dest,))
    rows.append(("one-to-one (scalar)", args.single, time.perf_counter() - t, None))
    t = time.perf_counter()
    for _ in range(args.single // 5):
        o = rng.choice(centres).site_id
        r = start.timestamp() + rng.randrange(args.days * 86400)
        search(cn, cn.index[o], r, "2-8C")
    rows.append(("one-to-all (scalar)", args.single // 5, time.perf_counter() - t, None))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"bundle: {net.source}  sites: {len(net.sites)}  lanes: {len(net.lanes)} "
        f"({sum(la.generated for la in net.lanes)} generated)"
    )
    print(f"{'step':<34}{'queries':>9}{'wall s':>10}{'q/s':>12}{'ms/query':>10}")
    for name, n, secs, _ in rows:
        print(f"{name:<34}{n:>9}{secs:>10.3f}{n / secs:>12.0f}{1000 * secs / n:>10.3f}")
    print(f"peak traced Python memory {peak / 2**20:.1f} MiB, max RSS {rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
