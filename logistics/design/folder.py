"""What a design folder carries beside its tables, so that the design can be audited
and operated on its own:

- ``network/``: the bundle with the design's capacity
  (:func:`logistics.io.design.designed_bundle`): the input bundle's files, with
  capacity.csv giving each design site its lines (its own closures and reduced days
  scaled to them; 0 when closed, but for the slots its bookings wind down in) and
  therapies.toml licensing the point-of-care units opened. ``logistics plan --network
  DESIGN_DIR/network`` plans nightly on the chosen design.
- ``plan/``: the design's schedules as a plan folder (orders.csv, legs.csv,
  summary.json, routes.geojson, its own manifest.json), its ``p_breach`` from the
  Monte Carlo of the nightly run. ``logistics check DESIGN_DIR`` audits it against
  ``network/``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from pathlib import Path

from logistics.check import check
from logistics.io.bundle import read_network
from logistics.io.design import NETWORK_DIR, PLAN_DIR, designed_bundle
from logistics.io.manifest import write_manifest
from logistics.io.plan.writer import write_plan_files
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.risk.simulate import simulate
from logistics.solve import (
    Limit,
    ObjectiveBounds,
    SolveParams,
    SolveResult,
    SolveStats,
    Termination,
    TerminationReason,
    input_hashes,
    package_versions,
    recorded_source,
)

__all__ = ["write_design_plan"]

log = logging.getLogger("logistics")

_REASON = {
    "OPTIMAL": TerminationReason.OPTIMAL,
    "FEASIBLE": TerminationReason.FEASIBLE,
    "INFEASIBLE": TerminationReason.INFEASIBLE,
}


def write_design_plan(
    result,
    source: Path,
    base: Network,
    book: OrderBook,
    params: SolveParams,
    folder: Path,
    final: Path,
    *,
    samples: int = 500,
) -> int:
    """Write ``network/`` and ``plan/`` of design ``result`` (a
    :class:`~logistics.design.solve.DesignResult` of ``book`` on ``base``, read from
    the bundle folder ``source``) into the staged design ``folder``, whose place is
    ``final`` once written; returns the checker's violations of the plan against the
    bundle written (0 expected). ``samples``: Monte Carlo draws of each order's
    ``p_breach`` (seed ``params.seed``), as the nightly run draws."""
    net_dir = folder / NETWORK_DIR
    net_dir.mkdir()
    for name, data in designed_bundle(source, base, result.network).items():
        (net_dir / name).write_bytes(data)
    network = read_network(net_dir)  # what was written, read back as a user would
    plan = result.plan
    risk = None
    if plan is not None and samples:
        risk = simulate(plan, network, book, samples=samples, seed=params.seed)
        plan = risk.apply(plan)
    violations = [] if plan is None else check(plan, network, book, params.quantile)
    for v in violations:
        log.error("checker: %s", v)
    detail = (
        "network design: objective and bound include the open sites' fixed and line "
        "costs; the bound holds over every schedule within the cap and every design"
    )
    if plan is None:
        reason, limit = TerminationReason.NO_SOLUTION_FOUND, Limit.TIME
    else:
        reason = _REASON[result.status]
        limit = Limit.NONE if result.status == "OPTIMAL" else Limit.TIME
    termination = Termination(reason=reason, limit=limit, detail=detail)
    stats = result.stats
    solved = SolveResult(
        termination=termination,
        engine="design",
        plan=plan,
        bounds=ObjectiveBounds(primal=result.objective, dual=result.bound),
        wall_s=result.wall_s,
        params={
            **replace(params, weights=result.weights).to_dict(),
            "network": str((final / NETWORK_DIR).resolve()),
            "orders": recorded_source(book.source),
            "design_objective": result.objective_kind,
            "samples": samples,
        },
        input_hashes=input_hashes(network, book),
        stats=SolveStats(
            engine="design",
            orders=len(book),
            candidates=int(stats.get("candidates", 0)),
            capacity_rows=int(stats.get("capacity_rows", 0)),
            greedy_objective=math.nan,
            pricing=stats.get("pricing"),
            candidate_bound=result.candidate_bound,
            risk=None if risk is None else risk.kpis(),
            checker_violations=len(violations),
        ),
        versions=package_versions(),
    )
    plan_dir = folder / PLAN_DIR
    plan_dir.mkdir()
    write_plan_files(solved, plan_dir, network)
    write_manifest(plan_dir)
    return len(violations)
