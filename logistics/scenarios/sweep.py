"""Scenario sweeps: tonight's plan under each disruption, and a re-plan of each.

:func:`run_sweep` first solves and simulates the baseline (the inputs as they are:
tonight's plan), then for every scenario

- **impact**: tonight's plan kept as it is, simulated on the disrupted network. Orders
  a scenario adds (a demand surge) are not in tonight's plan and count as unserved;
  orders it removes are left out;
- **re-plan**: the disrupted inputs solved again, starting from tonight's plan (it is
  the solve's ``previous`` plan: hints and the stability term, so a re-plan moves only
  the patients it has to), and the new plan simulated.

Every task is a plain function of plain, picklable inputs (Network, OrderBook, Plan,
Scenario, SolveParams); the worker applies the scenario, solves and simulates, and
sends back plain results (no OR-Tools object ever crosses a process). Tasks run on a
local :class:`~concurrent.futures.ProcessPoolExecutor` (spawned processes) or on a Dask
cluster. A task whose worker dies is run again, up to ``retries`` times (on the
pool, tasks that were running next to it when the pool broke run again one at a time
first, so only the task that kills its worker uses attempts); any other failure, or a
task that keeps killing its worker, stops the sweep with a :class:`SweepError` naming
the scenario. A sweep result is complete or not returned.

Random numbers: the Monte Carlo of :mod:`logistics.risk` draws each order's delays
from streams keyed by the seed and the order id, so simulating with one seed under two
scenarios compares them on **common random numbers**: a scenario that changes nothing
reproduces the baseline exactly, and differences between rows are the disruption, not
sampling noise. That is the default (every simulation uses the sweep's ``seed``).
``common_random_numbers=False`` gives each scenario its own stream,
:func:`scenario_seed` of the sweep seed and the scenario name. Either way a sweep is
deterministic: results never depend on the backend, the number of workers or the
order tasks finish in (the solver is deterministic with ``workers=1`` and a
``deterministic_time_s`` limit, as the ``logistics scenarios run`` command sets it).
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import logging
import math
import multiprocessing
import re
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from logistics.errors import InputError, Issue
from logistics.model.disruptions import effect_at
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan, PlannedOrder
from logistics.scenarios.spec import Scenario, validate_against
from logistics.scenarios.transforms import apply

if TYPE_CHECKING:
    from logistics.risk import SimulationResult
    from logistics.solve.params import SolveParams
    from logistics.solve.result import SolveResult

__all__ = [
    "Impact",
    "Replanned",
    "ScenarioOutcome",
    "SweepError",
    "SweepResult",
    "displaced",
    "impact_task",
    "keep_plan",
    "replan_task",
    "run_sweep",
    "scenario_seed",
    "slug",
]

log = logging.getLogger("logistics")

BASELINE = "baseline"
RETRIES = 2  # extra attempts of a task whose worker died
IMPACT, REPLAN = "impact", "re-plan"
ADDED_REASON = "not in tonight's plan: added by the scenario"
NO_PLAN_REASON = "no plan tonight (the baseline solve found none)"
START_METHOD = "spawn"  # fresh worker processes: safe next to threads, same on every OS

Progress = Callable[[str, float], None]


class SweepError(RuntimeError):
    """A sweep that could not complete: ``scenario`` and ``phase`` (``re-plan`` or
    ``impact``) name the task that failed; the original exception is the cause."""

    def __init__(self, scenario: str, phase: str, message: str) -> None:
        self.scenario = scenario
        self.phase = phase
        super().__init__(f"scenario {scenario!r} ({phase}): {message}")


# ---------------------------------------------------------------------------------------
# Results (plain dataclasses: they travel back from the workers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Replanned:
    """A solve of one scenario's inputs: the SolveResult (its plan with ``p_breach``
    set by the simulation), the simulation, the size of the book, seconds taken."""

    result: SolveResult
    risk: SimulationResult | None
    orders: int
    wall_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Impact:
    """Tonight's plan kept as it is under one scenario: the plan over the scenario's
    order book (``p_breach`` set), its simulation, the order ids the scenario added
    (unserved here), removed (left out) and displaced (served tonight within tonight's
    capacities, but a capacity the scenario cuts no longer holds them: unserved here),
    seconds taken."""

    plan: Plan
    risk: SimulationResult | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    displaced: tuple[str, ...] = ()
    wall_s: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioOutcome:
    """Everything a sweep learnt about one scenario (the baseline's impact is tonight's
    plan itself)."""

    scenario: Scenario
    slug: str
    seed: int
    replanned: Replanned
    impact: Impact

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def wall_s(self) -> float:
        """Seconds of work on this scenario (re-plan and impact, summed over workers)."""
        return self.replanned.wall_s + self.impact.wall_s


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepResult:
    """The baseline and every scenario, in the order given."""

    baseline: ScenarioOutcome
    scenarios: tuple[ScenarioOutcome, ...]
    seed: int
    samples: int
    common_random_numbers: bool
    backend: str
    wall_s: float
    network: Network = field(repr=False, compare=False)

    @property
    def outcomes(self) -> tuple[ScenarioOutcome, ...]:
        """The baseline first, then the scenarios."""
        return (self.baseline, *self.scenarios)

    def rows(self) -> list[dict[str, Any]]:
        """The rows of comparison.csv (see :mod:`logistics.scenarios.compare`)."""
        from logistics.scenarios.compare import comparison_rows

        return comparison_rows(self)

    def impact_rows(self) -> list[dict[str, Any]]:
        """The rows of impact.csv: one per scenario and order."""
        from logistics.scenarios.compare import impact_rows

        return impact_rows(self)

    def write(self, out_dir: str | Path) -> Path:
        """Write comparison.csv, impact.csv, sweep.json and the plan folders."""
        from logistics.scenarios.compare import write_sweep

        return write_sweep(self, out_dir)


# ---------------------------------------------------------------------------------------
# Seeds and names


def scenario_seed(seed: int, name: str) -> int:
    """A seed for one scenario: the first 4 bytes of SHA-256 of ``"<seed>:<name>"``
    (stable across runs, machines and Python versions)."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def slug(name: str) -> str:
    """A folder name for a scenario: lower case letters, digits and dashes."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60].rstrip("-") or "scenario"


def _slugs(names: Sequence[str]) -> list[str]:
    """One distinct slug per name (``-2``, ``-3`` ... on collisions)."""
    taken: set[str] = set()
    out = []
    for name in names:
        base = slug(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out.append(candidate)
    return out


def _check_scenarios(scenarios: Sequence[Scenario], network: Network) -> None:
    """Names unique (and not ``baseline``), every named lane, site ... in the network."""
    issues: list[Issue] = []
    seen: dict[str, Scenario] = {}
    for s in scenarios:
        line = s.lines.get("name")
        if s.name == BASELINE:
            issues.append(
                Issue(s.file, line, "name", "a name other than 'baseline' (the undisrupted run)")
            )
        elif s.name in seen:
            issues.append(
                Issue(
                    s.file,
                    line,
                    "name",
                    f"a scenario name used once in a sweep (also in {seen[s.name].file})",
                    s.name,
                )
            )
        seen.setdefault(s.name, s)
        issues += validate_against(s, network)
    if issues:
        raise InputError(issues)


# ---------------------------------------------------------------------------------------
# The tasks (run in the workers)


def keep_plan(plan: Plan | None, book: OrderBook) -> tuple[Plan, tuple[str, ...], tuple[str, ...]]:
    """Tonight's ``plan`` over ``book``: its rows for the orders of the book (in the
    book's order), an unserved row for each order it does not have; with the ids added
    and the ids of the plan left out. Without a plan every order is unserved."""
    by_id = plan.by_id() if plan is not None else {}
    rows: list[PlannedOrder] = []
    added: list[str] = []
    for o in book.orders:
        p = by_id.get(o.order_id)
        if p is None:
            if plan is not None:
                added.append(o.order_id)
            p = PlannedOrder(
                order_id=o.order_id,
                therapy=o.therapy,
                treatment_centre=o.treatment_centre,
                status="unserved",
                reason=ADDED_REASON if plan is not None else NO_PLAN_REASON,
            )
        rows.append(p)
    ids = {o.order_id for o in book.orders}
    removed = tuple(p.order_id for p in plan.orders if p.order_id not in ids) if plan else ()
    return Plan(orders=tuple(rows)), tuple(added), removed


def displaced(plan: Plan, network: Network) -> dict[str, str]:
    """Served orders of ``plan`` that do not fit a capacity of ``network``, each with
    the first full resource: manufacturing slots (every local day of the batch),
    apheresis slots (the local day of collection) and shippers per lane departure
    (``floor(capacity x capacity_factor)`` of the windows at the departure).

    First fit, frozen orders first, then in plan order (as the checker counts): an order
    that does not fit takes no capacity, so it never pushes out another.
    """
    used: Counter[tuple] = Counter()
    out: dict[str, str] = {}
    for p in sorted(plan.served, key=lambda p: p.status != "frozen"):
        needs = _capacities(p, network)
        full = next((what for key, cap, what in needs if used[key] >= cap), None)
        if full is not None:
            out[p.order_id] = full
            continue
        for key, _, _ in needs:
            used[key] += 1
    return out


def _capacities(p: PlannedOrder, network: Network) -> list[tuple[tuple, int, str]]:
    """(resource key, capacity, description) of each capacity a served order holds."""
    needs: list[tuple[tuple, int, str]] = []
    therapy = network.therapies.get(p.therapy)
    site = network.sites.get(p.manufacturing_site or "")
    if therapy is not None and site is not None and p.manufacturing_start is not None:
        first = p.manufacturing_start.astimezone(ZoneInfo(site.timezone)).date()
        for k in range(therapy.manufacturing_days):
            day = first + timedelta(days=k)
            slots = network.capacity.slots(site.site_id, "manufacturing", day)
            what = f"manufacturing slots at {site.site_id} on {day.isoformat()}"
            needs.append((("manufacturing", site.site_id, day), slots, what))
    centre = network.sites.get(p.treatment_centre)
    if centre is not None and p.apheresis_time is not None:
        day = p.apheresis_time.astimezone(ZoneInfo(centre.timezone)).date()
        slots = network.capacity.slots(centre.site_id, "apheresis", day)
        what = f"apheresis slots at {centre.site_id} on {day.isoformat()}"
        needs.append((("apheresis", centre.site_id, day), slots, what))
    for itinerary in (p.inbound, p.outbound):
        for leg in itinerary.legs if itinerary is not None else ():
            lane = network.lane_by_id.get(leg.lane_id)
            if lane is None or lane.capacity is None:
                continue
            depart = leg.depart.astimezone(UTC)
            shippers = math.floor(lane.capacity * effect_at(lane.windows, depart).capacity_factor)
            what = f"shippers on {lane.lane_id} departing {depart:%Y-%m-%dT%H:%MZ}"
            needs.append((("lane", lane.lane_id, depart), shippers, what))
    return needs


def _simulate(plan: Plan, network: Network, book: OrderBook, samples: int, seed: int):
    from logistics.risk import simulate

    sim = simulate(plan, network, book, samples=samples, seed=seed)
    return sim.apply(plan), sim


def replan_task(
    scenario: Scenario,
    network: Network,
    book: OrderBook,
    params: SolveParams,
    previous: Plan | None,
    engine: str,
    samples: int,
    seed: int,
) -> Replanned:
    """Apply ``scenario``, solve (from ``previous``) and simulate the plan found."""
    from logistics.solve import solve

    t0 = time.perf_counter()
    net, disrupted = apply(scenario, network, book)
    result = solve(net, disrupted, params, previous=previous, engine=engine)
    risk = None
    if result.plan is not None:
        plan, risk = _simulate(result.plan, net, disrupted, samples, seed)
        result = replace(result, plan=plan)
    return Replanned(
        result=result, risk=risk, orders=len(disrupted), wall_s=time.perf_counter() - t0
    )


def impact_task(
    scenario: Scenario,
    network: Network,
    book: OrderBook,
    plan: Plan | None,
    samples: int,
    seed: int,
) -> Impact:
    """Apply ``scenario`` and simulate tonight's ``plan`` kept as it is."""
    t0 = time.perf_counter()
    net, disrupted = apply(scenario, network, book)
    kept, added, removed = keep_plan(plan, disrupted)
    # displaced by the scenario: fits tonight's capacities, not the scenario's (frozen
    # orders booked over capacity before tonight are the solver's report, not this one's)
    before = displaced(kept, network)
    lost = {k: v for k, v in displaced(kept, net).items() if k not in before}
    if lost:
        kept = Plan(
            orders=tuple(
                replace(
                    p,
                    status="unserved",
                    p_breach=None,
                    reason=f"tonight's plan no longer fits: {lost[p.order_id]} cut",
                )
                if p.order_id in lost
                else p
                for p in kept.orders
            )
        )
    risk = None
    if plan is not None:
        kept, risk = _simulate(kept, net, disrupted, samples, seed)
    return Impact(
        plan=kept,
        risk=risk,
        added=added,
        removed=removed,
        displaced=tuple(lost),
        wall_s=time.perf_counter() - t0,
    )


def _call(wrapper: Callable[..., Any] | None, fn: Callable[..., Any], args: tuple) -> Any:
    """Run ``fn(*args)`` in a worker, through ``wrapper(fn, *args)`` when given."""
    return fn(*args) if wrapper is None else wrapper(fn, *args)


# ---------------------------------------------------------------------------------------
# Backends: where tasks run


@dataclass(slots=True)
class _Task:
    index: int  # 0 = baseline, 1.. = the scenarios in the order given
    phase: str
    name: str
    fn: Callable[..., Any]
    args: tuple
    attempts: int = 0  # failed attempts (its worker died)
    suspect: bool = False  # was running when a worker died: runs alone until it succeeds

    @property
    def label(self) -> str:
        return f"{self.phase} {self.name}"


class _Pool:
    """A local process pool with at most ``workers`` tasks in flight, so a worker death
    concerns only the tasks that were running."""

    name = "process pool"

    def __init__(self, workers: int, wrapper: Callable[..., Any] | None) -> None:
        self.capacity: int | None = workers
        self.workers = workers
        self.wrapper = wrapper
        self.context = multiprocessing.get_context(START_METHOD)
        self.pool = self._new()

    def _new(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self.context)

    def share(self, value: Any) -> Any:
        return value

    def submit(self, task: _Task) -> Any:
        return self.pool.submit(_call, self.wrapper, task.fn, task.args)

    def wait(self, futures: Iterable[Any], everything: bool = False) -> set[Any]:
        how = cf.ALL_COMPLETED if everything else cf.FIRST_COMPLETED
        return set(cf.wait(list(futures), return_when=how).done)

    def died(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new()

    def close(self, failed: bool) -> None:
        if failed:  # do not wait for solves nobody will read: stop the workers we started
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Dask:
    """A Dask cluster: every ready task is submitted (the scheduler places them) with
    ``retries``; the scheduler itself re-runs a task whose worker died."""

    name = "dask"

    def __init__(self, client: Any, retries: int, wrapper: Callable[..., Any] | None) -> None:
        self.capacity: int | None = None
        self.client = client
        self.retries = retries
        self.wrapper = wrapper

    def share(self, value: Any) -> Any:
        # sent to the workers once, not with every task
        return self.client.scatter(value, broadcast=True, hash=False)

    def submit(self, task: _Task) -> Any:
        key = f"{slug(task.phase)}-{slug(task.name)}-{uuid.uuid4().hex[:12]}"
        return self.client.submit(
            _call,
            self.wrapper,
            task.fn,
            task.args,
            key=key,
            pure=False,
            retries=self.retries,
            priority=-task.index,
        )

    def wait(self, futures: Iterable[Any], everything: bool = False) -> set[Any]:
        from distributed import wait

        how = "ALL_COMPLETED" if everything else "FIRST_COMPLETED"
        return set(wait(list(futures), return_when=how).done)

    def died(self, exc: BaseException) -> bool:
        return False  # the scheduler already re-ran it (KilledWorker: it gave up)

    def restart(self) -> None:  # pragma: no cover - never called (died() is False)
        pass

    def close(self, failed: bool) -> None:
        pass


def _exception(future: Any) -> BaseException | None:
    try:
        return future.exception()
    except BaseException as exc:  # a cancelled future raises its CancelledError
        return exc


def _settle(
    backend: _Pool | _Dask,
    futures: Iterable[Any],
    running: dict[Any, _Task],
    finished: Callable[[_Task, Any], Iterable[_Task]],
    queue: deque[_Task],
) -> list[_Task]:
    """Take finished futures out of ``running``: queue what their results lead to and
    return the tasks whose worker died; raise SweepError for any other failure."""
    died = []
    for future in futures:
        task = running.pop(future)
        exc = _exception(future)
        if exc is None:
            task.suspect = False
            queue.extend(finished(task, future.result()))
        elif backend.died(exc):
            died.append(task)
        else:
            message = f"{type(exc).__name__}: {exc}"
            raise SweepError(task.name, task.phase, message) from exc
    return died


def _may_start(task: _Task, running: dict[Any, _Task], capacity: int | None) -> bool:
    """A suspect runs alone (so a worker death is its own); others up to capacity."""
    if any(t.suspect for t in running.values()):
        return False
    if task.suspect:
        return not running
    return capacity is None or len(running) < capacity


def _run_tasks(
    backend: _Pool | _Dask,
    tasks: Iterable[_Task],
    finished: Callable[[_Task, Any], Iterable[_Task]],
    retries: int,
) -> None:
    """Run ``tasks`` and those ``finished(task, value)`` returns, until none are left.

    A worker death breaks the whole pool, and every task running on it fails with it.
    When one task was running, that task used an attempt. When several were, the
    culprit is unknown: they become suspects and run again one at a time, so the
    innocent ones use no attempt and the next death names its task.
    """
    queue: deque[_Task] = deque(tasks)
    running: dict[Any, _Task] = {}
    while queue or running:
        while queue and _may_start(queue[0], running, backend.capacity):
            task = queue.popleft()
            running[backend.submit(task)] = task
        died = _settle(backend, backend.wait(running), running, finished, queue)
        if not died:
            continue
        died += _settle(backend, backend.wait(running, everything=True), running, finished, queue)
        died.sort(key=lambda t: (t.index, t.phase))
        if len(died) == 1:
            task = died[0]
            task.attempts += 1
            log.warning(f"{task.label}: worker died (attempt {task.attempts} of {retries + 1})")
            if task.attempts > retries:
                raise SweepError(
                    task.name,
                    task.phase,
                    f"its worker died {task.attempts} times (a crash or out of memory)",
                )
        else:
            log.warning(
                f"a worker died running {', '.join(t.label for t in died)}: running them "
                "again one at a time"
            )
            for task in died:
                task.suspect = True
        backend.restart()
        queue.extendleft(reversed(died))


# ---------------------------------------------------------------------------------------
# The sweep


def run_sweep(
    scenarios: Sequence[Scenario],
    network: Network,
    book: OrderBook,
    params: SolveParams | None = None,
    *,
    samples: int = 500,
    seed: int = 0,
    workers: int = 2,
    dask_address: str | None = None,
    dask_local: int | None = None,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    engine: str = "cp-sat",
    previous: Plan | None = None,
    common_random_numbers: bool = True,
    retries: int = RETRIES,
    task_wrapper: Callable[..., Any] | None = None,
) -> SweepResult:
    """Solve and simulate the baseline, then every scenario's impact and re-plan.

    ``params`` are the solver's for every solve (default ``SolveParams()``); ``engine``
    and ``previous`` (yesterday's plan, for the baseline solve only) as in
    :func:`logistics.solve.solve`. ``samples`` Monte Carlo samples per simulation.
    Tasks run on a process pool of ``workers`` processes, or on the Dask scheduler at
    ``dask_address``, or on a local Dask cluster of ``dask_local`` worker processes
    (both need the ``dask`` extra). With ``out_dir`` the files are written there (see
    :meth:`SweepResult.write`). ``progress(message, fraction)`` is called as tasks
    finish. ``task_wrapper``, a picklable ``wrapper(fn, *args)``, runs each task in
    the worker instead of ``fn(*args)`` (instrumentation, fault injection).

    Raises InputError for scenarios naming what the network does not have or sharing a
    name, and SweepError naming the scenario when a task fails.
    """
    from logistics.solve.params import SolveParams

    if samples < 1:
        raise ValueError("samples must be >= 1")
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if dask_address is not None and dask_local is not None:
        raise ValueError("give dask_address or dask_local, not both")
    params = params or SolveParams()
    scenarios = tuple(scenarios)
    _check_scenarios(scenarios, network)
    everything = (Scenario.baseline(), *scenarios)
    slugs = _slugs([s.name for s in everything])
    seeds = [seed if common_random_numbers else scenario_seed(seed, s.name) for s in everything]
    t0 = time.perf_counter()

    with _backend(workers, dask_address, dask_local, retries, task_wrapper) as backend:
        net, bk = backend.share(network), backend.share(book)
        replanned: dict[int, Replanned] = {}
        impacts: dict[int, Impact] = {}
        total = 1 + 2 * len(scenarios)

        def finished(task: _Task, value: Any) -> list[_Task]:
            (replanned if task.phase == REPLAN else impacts)[task.index] = value
            n = len(replanned) + len(impacts)
            if progress is not None:
                progress(f"{n}/{total} done: {task.label}", n / total)
            if task.index != 0:
                return []
            tonight = value.result.plan
            shared = backend.share(tonight) if tonight is not None else None
            follow = []
            for i, s in enumerate(scenarios, start=1):
                follow.append(
                    _Task(
                        i,
                        REPLAN,
                        s.name,
                        replan_task,
                        (s, net, bk, params, shared, engine, samples, seeds[i]),
                    )
                )
                follow.append(
                    _Task(i, IMPACT, s.name, impact_task, (s, net, bk, shared, samples, seeds[i]))
                )
            return follow

        first = _Task(
            0,
            REPLAN,
            BASELINE,
            replan_task,
            (everything[0], net, bk, params, previous, engine, samples, seeds[0]),
        )
        if progress is not None:
            progress(f"solving the baseline on the {backend.name}", 0.0)
        _run_tasks(backend, [first], finished, retries)
        name = backend.name

    base = replanned[0]  # tonight's plan is its own impact
    impacts[0] = Impact(plan=base.result.plan or keep_plan(None, book)[0], risk=base.risk)
    outcomes = [
        ScenarioOutcome(
            scenario=everything[i],
            slug=slugs[i],
            seed=seeds[i],
            replanned=replanned[i],
            impact=impacts[i],
        )
        for i in range(len(everything))
    ]
    sweep = SweepResult(
        baseline=outcomes[0],
        scenarios=tuple(outcomes[1:]),
        seed=seed,
        samples=samples,
        common_random_numbers=common_random_numbers,
        backend=name,
        wall_s=time.perf_counter() - t0,
        network=network,
    )
    if out_dir is not None:
        sweep.write(out_dir)
    return sweep


class _backend:
    """Context manager: the backend, closed (and a Dask cluster we started shut down)
    on the way out."""

    def __init__(
        self,
        workers: int,
        dask_address: str | None,
        dask_local: int | None,
        retries: int,
        wrapper: Callable[..., Any] | None,
    ) -> None:
        self.args = (workers, dask_address, dask_local, retries, wrapper)
        self.backend: _Pool | _Dask | None = None
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> _Pool | _Dask:
        workers, address, local, retries, wrapper = self.args
        if address is None and local is None:
            self.backend = _Pool(workers, wrapper)
            return self.backend
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise RuntimeError(
                "a Dask sweep needs the dask extra: pip install 'atmp-logistics[dask]'"
            ) from exc
        if address is not None:
            self.client = Client(address)
        else:
            if local is None or local < 1:
                raise ValueError("dask_local must be >= 1")
            # the scheduler runs here: a task may kill ``retries`` workers, no more
            with dask.config.set({"distributed.scheduler.allowed-failures": retries}):
                self.cluster = LocalCluster(
                    n_workers=local,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            self.client = Client(self.cluster)
        self.backend = _Dask(self.client, retries, wrapper)
        return self.backend

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        try:
            if self.backend is not None:
                self.backend.close(failed=kind is not None)
        finally:
            if self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
