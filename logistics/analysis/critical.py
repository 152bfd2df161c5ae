"""Which single failures matter tonight: each element closed for a window, ranked.

The structural candidates (:mod:`logistics.analysis.structure`: single points and the
elements of small cuts) and every plant, airport, crossing and hub are each closed for
a window (default: the plan's first 7 days) as a scenario
(:func:`element_scenario`), and tonight's plan is run through the sweep's impact
simulation under it (:func:`logistics.scenarios.impact.impact_task`: the plan kept as
it is, recourse to later departures of the same lanes). The elements with the most
patients breaking are then re-planned (:func:`logistics.scenarios.replan.replan_task`,
exactly as ``logistics scenarios run`` re-plans), so every figure of a row is the one
``logistics scenarios run`` gives for the row's scenario file with the same seed,
samples and time limit.

Figures of an element (differences from tonight's plan, so 0 means "no effect"):

- ``orders_exposed``: served orders with a planned leg on a lane it closes departing in
  the window, or (a plant) a manufacturing slot at it overlapping the window;
- ``orders_breaking``: served orders whose breach probability under the closure is
  above 0.5 and was not tonight (impact.csv rows with ``breaks`` true and
  ``p_breach_baseline`` <= 0.5);
- ``orders_displaced``: orders whose slot the closure removes (a plant);
- ``delta_v2v_h``: the sum over orders of the change of the simulated median
  vein-to-vein hours (impact.csv ``delta_v2v_h``, finite values; stranded shipments
  break and are left out of the sum);
- ``unserved_after_replan``: orders the re-plan of the disrupted inputs leaves unserved
  beyond tonight's unserved (comparison.csv ``unserved`` minus the baseline's); only
  for the ``replan`` elements ranked first by impact, empty for the others.

Rows are ranked by :func:`rank`.

An element that no leg of tonight's plan uses, and that is not a plant, cannot change
the simulation (recourse keeps the planned lanes): its figures are 0 without one.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from logistics.analysis.elements import Element, ElementKind
from logistics.analysis.structure import Structure, analyse
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan
from logistics.model.scenario import Disruption, DisruptionKind, Scenario
from logistics.scenarios.executor import RETRIES, Phase, Task, open_backend, run_tasks
from logistics.scenarios.impact import impact_task
from logistics.scenarios.replan import replan_task
from logistics.scenarios.tables import BREAKS_ABOVE

if TYPE_CHECKING:
    from logistics.scenarios.outcomes import Replanned
    from logistics.solve.params import SolveParams

__all__ = [
    "Critical",
    "CriticalResult",
    "element_scenario",
    "find_critical",
    "plan_window",
]

log = logging.getLogger("logistics")

Progress = Callable[[str, float], None]
ENGINE = "cp-sat"  # the engine of a sweep's solves (``logistics scenarios run``)
CONFIRM_KINDS = (ElementKind.PLANT, ElementKind.AIRPORT, ElementKind.CROSSING, ElementKind.HUB)


@dataclass(frozen=True, slots=True, kw_only=True)
class Critical:
    """One element closed for the window, with its figures (see the module)."""

    element: Element
    scenario: Scenario
    centres_cut_off: tuple[str, ...]
    orders_exposed: int
    orders_breaking: int = 0
    orders_displaced: int = 0
    delta_v2v_h: float = 0.0
    unserved_after_replan: int | None = None

    @property
    def broken(self) -> int:
        """Patients who break: breaking plus displaced."""
        return self.orders_breaking + self.orders_displaced


@dataclass(frozen=True, slots=True, kw_only=True)
class CriticalResult:
    """Every element confirmed, ranked (``rows``); the structure it started from; the
    window; tonight's plan and, when it was planned here, its nightly run
    (``baseline``); the settings and seconds taken."""

    rows: tuple[Critical, ...]
    structure: Structure
    start: datetime
    end: datetime
    plan: Plan
    baseline: Replanned | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0


def plan_window(plan: Plan, book: OrderBook, days: float) -> tuple[datetime, datetime]:
    """The window a closure lasts: from UTC midnight of the first apheresis tonight's
    plan schedules (else of the book's first ``apheresis_earliest``) for ``days``."""
    times = [p.apheresis_time for p in plan.orders if p.status == "scheduled"]
    first = min(t for t in times if t is not None) if any(times) else None
    if first is None:
        first = min(o.apheresis_earliest for o in book.orders)
    start = datetime.combine(first.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=days)


def element_scenario(element: Element, start: datetime, end: datetime) -> Scenario:
    """The scenario that closes ``element`` in [start, end): its lane (``lanes``), its
    road zone pair (``road_zones``), every lane from or to its site
    (``touching_sites``), or a plant's manufacturing slots (``site_capacity`` 0)."""
    kind = element.kind
    if kind == ElementKind.PLANT:
        d = Disruption(
            kind=DisruptionKind.SITE_CAPACITY,
            sites=element.sites,
            resource="manufacturing",
            factor=0.0,
        )
    elif kind == ElementKind.LANE:
        d = Disruption(kind=DisruptionKind.CLOSE_LANES, lanes=element.lanes)
    elif kind == ElementKind.ROAD_ZONE_PAIR:
        d = Disruption(kind=DisruptionKind.CLOSE_LANES, road_zones=element.zones)
    else:
        d = Disruption(kind=DisruptionKind.CLOSE_LANES, touching_sites=element.sites)
    what = str(kind).replace("_", " ")
    return Scenario(
        name=f"close {element.element_id}",
        description=f"{what} {element.element_id} fails (logistics critical)",
        start=start,
        end=end,
        disruptions=(d,),
    )


def _exposed(plan: Plan, element: Element, start: datetime, end: datetime) -> int:
    """Served orders with a planned leg on the element's lanes departing in the window,
    or (a plant) a manufacturing slot there overlapping it."""
    lanes = set(element.lanes)
    n = 0
    for p in plan.served:
        if element.kind == ElementKind.PLANT:
            n += (
                p.manufacturing_site in element.sites
                and p.manufacturing_start is not None
                and p.manufacturing_end is not None
                and p.manufacturing_start < end
                and start < p.manufacturing_end
            )
            continue
        legs = [leg for it in (p.inbound, p.outbound) if it is not None for leg in it.legs]
        n += any(leg.lane_id in lanes and start <= leg.depart < end for leg in legs)
    return n


def _tonight(network: Network, book: OrderBook, plan: Plan, samples: int, seed: int):
    """Tonight's simulation by order id: (p_breach, v2v median h)."""
    risk = impact_task(Scenario.baseline(), network, book, plan, samples, seed).risk
    if risk is None:
        return {}
    return {k: (r.p_breach, r.v2v_median_h) for k, r in risk.by_id().items()}


def _subset(
    network: Network, book: OrderBook, plan: Plan, ids: Sequence[str]
) -> tuple[Network, OrderBook, Plan]:
    """The orders ``ids`` alone: their book, their plan rows, and the network with only
    the lanes their legs take."""
    keep = set(ids)
    rows = tuple(p for p in plan.orders if p.order_id in keep)
    lanes = {leg.lane_id for p in rows for it in (p.inbound, p.outbound) if it for leg in it.legs}
    return (
        replace(network, lanes=tuple(x for x in network.lanes if x.lane_id in lanes)),
        replace(book, orders=tuple(o for o in book.orders if o.order_id in keep)),
        Plan(orders=rows),
    )


def impact_figures(
    items: Sequence[tuple[int, Scenario, tuple[str, ...]]],
    network: Network,
    book: OrderBook,
    plan: Plan,
    samples: int,
    seed: int,
    tonight: Mapping[str, tuple[float, float]],
) -> list[tuple[int, int, int, float]]:
    """(index, breaking, displaced, delta v2v h) of each scenario's impact on ``plan``
    (a worker's task; see the module for the figures).

    Each item names the orders the closure can touch (those taking one of its lanes):
    only they are simulated, on the lanes they take (an order's simulation does not
    depend on the others, and the recourse keeps the planned lanes); an empty tuple
    runs the whole plan (a plant: its capacity cut may displace any of them)."""
    from logistics.io.rows import hours, rounded

    out = []
    for index, scenario, ids in items:
        inputs = _subset(network, book, plan, ids) if ids else (network, book, plan)
        imp = impact_task(scenario, *inputs, samples, seed)
        after = imp.risk.by_id() if imp.risk is not None else {}
        breaking = 0
        delta = 0.0
        for order_id, risk in after.items():
            before = tonight.get(order_id)
            if before is None:
                continue
            breaking += risk.p_breach > BREAKS_ABOVE and not before[0] > BREAKS_ABOVE
            v_before, v_after = hours(before[1]), hours(risk.v2v_median_h)
            if v_before is not None and v_after is not None and math.isfinite(v_after):
                delta += rounded(v_after - v_before, 3) or 0.0
        out.append((index, breaking, len(imp.displaced), round(delta, 3)))
    return out


def _rank_key(row: Critical) -> tuple:
    return (
        -row.broken,
        -(row.unserved_after_replan or 0),
        -row.delta_v2v_h,
        -len(row.centres_cut_off),
        -row.orders_exposed,
        row.element.element_id,
    )


def _contains(a: Critical, b: Critical) -> bool:
    """True when closing ``a`` closes every lane ``b`` closes and more (a terminal and
    its tunnel), breaking no more patients and leaving no more unserved."""
    small, large = set(b.element.lanes), set(a.element.lanes)
    return (
        bool(small)
        and small < large
        and a.broken == b.broken
        and (a.unserved_after_replan or 0) <= (b.unserved_after_replan or 0)
    )


def rank(rows: Sequence[Critical]) -> list[Critical]:
    """``rows`` by patients breaking (breaking and displaced), unserved after re-plan,
    vein-to-vein hours added, centres cut off, orders exposed, element id; then an
    element whose closure contains another's without breaking more (see
    :func:`_contains`) goes right after it: the smaller element names the cause."""
    ranked = sorted(rows, key=_rank_key)
    moved = True
    while moved:
        moved = False
        for j, b in enumerate(ranked):
            i = next((i for i, a in enumerate(ranked[:j]) if _contains(a, b)), None)
            if i is not None:
                ranked.insert(i, ranked.pop(j))
                moved = True
                break
    return ranked


def _collect(store: Callable[[Task, Any], None]) -> Callable[[Task, Any], list[Task]]:
    """A ``finished`` callback of :func:`run_tasks` that stores a value, no follow-up."""

    def finished(task: Task, value: Any) -> list[Task]:
        store(task, value)
        return []

    return finished


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, math.ceil(len(items) / max(1, n)))
    return [items[k : k + size] for k in range(0, len(items), size)]


def find_critical(
    network: Network,
    book: OrderBook,
    params: SolveParams,
    plan: Plan | None = None,
    *,
    window_days: float = 7.0,
    samples: int = 500,
    seed: int = 0,
    replan: int = 2,
    workers: int = 2,
    dask_address: str | None = None,
    dask_local: int | None = None,
    structure: Structure | None = None,
    progress: Progress | None = None,
) -> CriticalResult:
    """Rank the elements of ``network`` by what their failure does to tonight's plan.

    Args:
        network, book: the inputs.
        params: the solver's settings for the baseline (when ``plan`` is None) and the
            re-plans, as ``logistics scenarios run`` sets them (one worker and a
            deterministic time limit keep the figures reproducible).
        plan: tonight's plan; None plans it first as a sweep's baseline does.
        window_days: how long each element is closed, from :func:`plan_window`.
        samples, seed: the Monte Carlo of every impact (common random numbers).
        replan: how many elements, the first by impact among those that touch the
            plan, are re-planned.
        workers, dask_address, dask_local: where the tasks run (as a sweep's).
        structure: the structural analysis, when already done.
        progress: ``progress(message, fraction)`` as stages finish.

    Returns:
        The :class:`CriticalResult`, rows ranked by patients breaking (breaking and
        displaced), unserved after re-plan, vein-to-vein hours added, centres cut off.
    """
    t0 = time.perf_counter()

    def say(message: str, fraction: float) -> None:
        if progress is not None:
            progress(message, fraction)

    found: list[Structure] = [structure] if structure is not None else []
    failed: list[BaseException] = []

    def structural() -> None:  # here, while a worker plans tonight
        try:
            found.append(analyse(network))
        except BaseException as exc:  # raised again in this thread below
            failed.append(exc)

    thread = threading.Thread(target=structural, daemon=True)
    if not found:
        thread.start()
    baseline: Replanned | None = None
    with open_backend(workers, dask_address, dask_local, RETRIES, None) as backend:
        net, bk = backend.share(network), backend.share(book)
        if plan is None:
            say("planning tonight (the baseline) and the structure of the lane graph", 0.05)
            done: dict[int, Any] = {}
            args = (Scenario.baseline(), net, bk, params, None, ENGINE, samples, 0, seed)
            task = Task(0, Phase.REPLAN, "baseline", replan_task, args)
            run_tasks(backend, [task], _collect(lambda t, v: done.update({t.index: v})), RETRIES)
            baseline = done[0]
            if baseline.result.plan is None:
                raise RuntimeError("the baseline solve found no plan: nothing to confirm")
            plan = baseline.result.plan
        assert plan is not None
        if thread.is_alive():
            say("structure of the lane graph", 0.1)
            thread.join()
        if failed:
            raise failed[0]
        structure = found[0]
        catalogue = structure.elements
        chosen = sorted(
            set(structure.candidates())
            | {e for e, el in catalogue.items() if el.kind in CONFIRM_KINDS}
        )
        start, end = plan_window(plan, book, window_days)
        used = {
            leg.lane_id
            for p in plan.served
            for it in (p.inbound, p.outbound)
            if it is not None
            for leg in it.legs
        }
        rows = {
            e: Critical(
                element=catalogue[e],
                scenario=element_scenario(catalogue[e], start, end),
                centres_cut_off=structure.cut_off(e),
                orders_exposed=_exposed(plan, catalogue[e], start, end),
            )
            for e in chosen
        }
        users: dict[str, set[str]] = {}  # lane id -> orders taking it
        for p in plan.served:
            for it in (p.inbound, p.outbound):
                for leg in it.legs if it is not None else ():
                    users.setdefault(leg.lane_id, set()).add(p.order_id)
        touching: list[tuple[int, Scenario, tuple[str, ...]]] = []
        for k, e in enumerate(chosen):
            ids = sorted(set().union(*(users.get(x, set()) for x in catalogue[e].lanes)))
            if catalogue[e].kind == ElementKind.PLANT or ids:
                plant = catalogue[e].kind == ElementKind.PLANT
                touching.append((k, rows[e].scenario, () if plant else tuple(ids)))
        say(f"impact of {len(touching)} closures on tonight's plan", 0.3)
        # the simulation follows the planned lanes only: the others need not be compiled
        planned = replace(network, lanes=tuple(x for x in network.lanes if x.lane_id in used))
        tonight = _tonight(planned, book, plan, samples, seed)
        small = backend.share(planned)
        shared_plan, shared_tonight = backend.share(plan), backend.share(tonight)
        figures: list[tuple[int, int, int, float]] = []
        tasks = [
            Task(
                k + 1,
                Phase.IMPACT,
                f"elements {chunk[0][1].name}..",
                impact_figures,
                (chunk, small, bk, shared_plan, samples, seed, shared_tonight),
            )
            for k, chunk in enumerate(_chunks(touching, 4 * workers))
        ]
        run_tasks(backend, tasks, _collect(lambda t, v: figures.extend(v)), RETRIES)
        for index, breaking, lost, delta in figures:
            e = chosen[index]
            rows[e] = replace(
                rows[e], orders_breaking=breaking, orders_displaced=lost, delta_v2v_h=delta
            )
        ranked = rank(list(rows.values()))
        top = [r for r in ranked if r.broken or r.orders_exposed][:replan]
        if top:
            say(f"re-planning the {len(top)} first elements", 0.6)
            previous = backend.share(plan)
            replanned: dict[int, Replanned] = {}
            tasks = [
                Task(
                    k + 1,
                    Phase.REPLAN,
                    r.scenario.name,
                    replan_task,
                    (r.scenario, net, bk, params, previous, ENGINE, samples, 0, seed),
                )
                for k, r in enumerate(top)
            ]
            keep = _collect(lambda t, v: replanned.update({t.index: v}))
            run_tasks(backend, tasks, keep, RETRIES)
            unserved_tonight = len(plan.unserved)
            for k, r in enumerate(top):
                kpis = replanned[k + 1].result.kpis
                if kpis is None:
                    continue
                rows[r.element.element_id] = replace(
                    r, unserved_after_replan=kpis.unserved - unserved_tonight
                )
    ranked = rank(list(rows.values()))
    return CriticalResult(
        rows=tuple(ranked),
        structure=structure,
        start=start,
        end=end,
        plan=plan,
        baseline=baseline,
        settings={
            "window_days": window_days,
            "samples": samples,
            "seed": seed,
            "replan": replan,
            "time_limit_s": params.time_limit_s,
            "deterministic_time_s": params.deterministic_time_s,
            "engine": ENGINE,
        },
        wall_s=time.perf_counter() - t0,
    )


def sweep_figures(comparison: Sequence[Mapping[str, Any]], impact: Sequence[Mapping[str, Any]]):
    """A critical row's figures read back from a sweep's tables (comparison.csv and
    impact.csv rows, the baseline first): scenario name -> (orders_breaking,
    orders_displaced, delta_v2v_h, unserved_after_replan). What ``logistics scenarios
    run`` gives for a row's scenario file, to compare with the row."""
    base_unserved = comparison[0]["unserved"]
    out = {}
    for row in comparison[1:]:
        name = row["scenario"]
        mine = [r for r in impact if r["scenario"] == name]
        breaking = sum(
            bool(r["breaks"]) and not (r["p_breach_baseline"] or 0.0) > BREAKS_ABOVE
            for r in mine
            if r["p_breach_baseline"] is not None
        )
        delta = sum(
            r["delta_v2v_h"]
            for r in mine
            if r["delta_v2v_h"] is not None and math.isfinite(r["delta_v2v_h"])
        )
        unserved = None
        if row["unserved"] is not None and base_unserved is not None:
            unserved = row["unserved"] - base_unserved
        out[name] = (breaking, row["impact_orders_displaced"], round(delta, 3), unserved)
    return out
