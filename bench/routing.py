"""Earliest-arrival throughput on a bundle: `python bench/routing.py [--network DIR]`.

Prints one table. Its main workload is inbound candidate routing: from every
(treatment centre, day of a 28-day horizon) at the centre's apheresis ready time, for
every temperature class, :func:`~logistics.network.earliest.earliest_chains` to the
licensed plants (every site a therapy is made at), A* on their time bounds as in
``phases.route_inbound``, labels later than ``--max-h`` after ready dropped; then
single scalar queries (one-to-one towards a manufacturing site, one-to-all), with
wall time, queries per second and peak memory. Timings run without tracemalloc (it
slows Python several-fold); peak traced memory is measured in a second pass of the
main workload, and the process's max RSS closes the table.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import logistics as lg
from logistics.model.constants import TEMPERATURES
from logistics.network import jit
from logistics.network.compiled import CompiledNetwork
from logistics.network.earliest import earliest_chains, search
from logistics.network.pareto import lower_bounds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--network", default=None)
    ap.add_argument("--start", default="2026-12-07")
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--max-h", type=float, default=240.0, help="hours after ready searched")
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
    jit.flat(cn)  # the search's arrays, and its compiled loop loaded by a first query
    search(cn, 0, float(start.timestamp()), "2-8C", targets=(0,))
    rows.append(("compile horizon", 1, time.perf_counter() - t, "and load the search loop"))

    n = len(cn.site_ids)
    centres = [s for s in net.sites.values() if s.kind == "treatment_centre"]
    plants = sorted({cn.index[site] for t in net.therapies.values() for site in t.sites})
    temps = list(TEMPERATURES)  # every class, not only those the therapies use
    queries: list[tuple[int, float]] = []  # (centre, ready)
    for site in centres:
        for d in range(args.days):
            day = (start + timedelta(days=d)).date()
            local = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=site.apheresis_ready_min
            )
            ready = local.replace(tzinfo=ZoneInfo(site.timezone)).timestamp()
            queries.append((cn.index[site.site_id], ready))

    def inbound() -> None:
        for temp in temps:
            for o, ready in queries:
                lower = lower_bounds(cn, tuple(plants), temp)  # cached per network
                earliest_chains(
                    cn,
                    o,
                    ready,
                    temp,
                    plants,
                    deadline=ready + args.max_h * 3600,
                    ahead=jit.ahead(lower, 2 * n),
                )

    t = time.perf_counter()
    inbound()
    rows.append(
        (
            f"to {len(plants)} plants, A* ({', '.join(temps)})",
            len(queries) * len(temps),
            time.perf_counter() - t,
            "target < 10 s",
        )
    )

    rng = random.Random(0)
    mfg = [s.site_id for s in net.sites.values() if s.kind == "manufacturing_site"]
    singles = [
        (
            cn.index[rng.choice(centres).site_id],
            cn.index[rng.choice(mfg)],
            start.timestamp() + rng.randrange(args.days * 86400),
        )
        for _ in range(args.single)
    ]
    t = time.perf_counter()
    for o, dest, r in singles:
        search(cn, o, r, "2-8C", targets=(dest,))
    rows.append(
        ("one-to-one (scalar)", len(singles), time.perf_counter() - t, "target < 5 ms each")
    )
    t = time.perf_counter()
    for o, _, r in singles[: args.single // 5]:
        search(cn, o, r, "2-8C")
    rows.append(("one-to-all (scalar)", args.single // 5, time.perf_counter() - t, ""))

    tracemalloc.start()
    inbound()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"bundle: {net.source}  sites: {len(net.sites)}  lanes: {len(net.lanes)} "
        f"({sum(la.generated for la in net.lanes)} generated)"
    )
    print(f"{'step':<38}{'queries':>9}{'wall s':>9}{'q/s':>10}{'ms/query':>10}  note")
    for name, count, secs, note in rows:
        print(
            f"{name:<38}{count:>9}{secs:>9.3f}{count / secs:>10.0f}"
            f"{1000 * secs / count:>10.3f}  {note}"
        )
    print(
        f"peak traced Python memory of the inbound routing {peak / 2**10:.0f} KiB, "
        f"max RSS {rss_mb:.0f} MiB"
    )


if __name__ == "__main__":
    main()
