"""Scenario sweeps: tonight's plan under each disruption, and a re-plan of each.

:func:`run_sweep` first plans and simulates the baseline (the inputs as they are:
tonight's plan), then for every scenario

- **impact** (:mod:`logistics.scenarios.impact`): tonight's plan kept as it is,
  simulated on the disrupted network;
- **re-plan** (:mod:`logistics.scenarios.replan`): the disrupted inputs through the
  nightly job (:func:`logistics.plan`: solve, Monte Carlo, Plan B, independent check),
  starting from tonight's plan (the solve's ``previous`` plan: hints and the stability
  term, so a re-plan moves only the patients it has to).

The tasks run on a process pool or a Dask cluster (:mod:`logistics.scenarios.
executor`); a sweep result is complete or not returned. Every simulation uses the
sweep's ``seed`` (common random numbers, :mod:`logistics.scenarios.seeds`) unless
``common_random_numbers=False``. Either way a sweep is deterministic: results never
depend on the backend, the number of workers or the order tasks finish in (the solver
is deterministic with ``workers=1`` and a ``deterministic_time_s`` limit, as the
``logistics scenarios run`` command sets it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logistics.errors import InputError, Issue
from logistics.io.scenarios_check import validate_against
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.plan import Plan
from logistics.model.scenario import BASELINE, Scenario
from logistics.scenarios.executor import RETRIES, Phase, SweepError, Task, open_backend, run_tasks
from logistics.scenarios.impact import impact_task, keep_plan
from logistics.scenarios.names import slugs
from logistics.scenarios.outcomes import Impact, Replanned, ScenarioOutcome
from logistics.scenarios.replan import replan_task
from logistics.scenarios.results import SweepResult
from logistics.scenarios.seeds import scenario_seed

if TYPE_CHECKING:
    from logistics.solve.params import SolveParams

__all__ = ["SweepError", "SweepResult", "run_sweep"]

Progress = Callable[[str, float], None]


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
    fallbacks: int = 1,
    common_random_numbers: bool = True,
    retries: int = RETRIES,
    task_wrapper: Callable[..., Any] | None = None,
) -> SweepResult:
    """Plan and simulate the baseline, then every scenario's impact and re-plan.

    Args:
        scenarios: the scenarios, in the order of the rows.
        network, book: the inputs as they are (the baseline).
        params: the solver's settings for every solve (default ``SolveParams()``).
        samples: Monte Carlo samples per simulation.
        seed: the simulations' seed (and, with ``common_random_numbers=False``, the
            root of each scenario's, :func:`~logistics.scenarios.seeds.scenario_seed`).
        workers: processes of the local pool.
        dask_address: run the tasks on the Dask scheduler at this address instead.
        dask_local: run them on a local Dask cluster of this many worker processes
            instead (both need the ``dask`` extra).
        out_dir: when given, the files are written there (see :meth:`SweepResult.write`).
        progress: ``progress(message, fraction)`` is called as tasks finish.
        engine, previous: as in :func:`logistics.plan` (``previous``, yesterday's
            plan, for the baseline only: the re-plans start from tonight's).
        fallbacks: Plan B itineraries per shipment of every plan (0: none).
        common_random_numbers: every simulation on the sweep's ``seed`` (default).
        retries: attempts a task may add when its worker dies.
        task_wrapper: a picklable ``wrapper(fn, *args)`` run in the worker instead of
            ``fn(*args)`` (instrumentation, fault injection).

    Returns:
        The :class:`SweepResult`, every task done.

    Raises:
        InputError: scenarios naming what the network does not have, or sharing a name.
        SweepError: a task failed (it names the scenario).
        ValueError: ``samples`` or ``workers`` below 1, or both Dask arguments.
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
    names = slugs([s.name for s in everything])
    seeds = [seed if common_random_numbers else scenario_seed(seed, s.name) for s in everything]
    t0 = time.perf_counter()

    with open_backend(workers, dask_address, dask_local, retries, task_wrapper) as backend:
        net, bk = backend.share(network), backend.share(book)
        replanned: dict[int, Replanned] = {}
        impacts: dict[int, Impact] = {}
        total = 1 + 2 * len(scenarios)

        def replan(i: int, previous: Any) -> Task:
            args = (everything[i], net, bk, params, previous, engine, samples, fallbacks, seeds[i])
            return Task(i, Phase.REPLAN, everything[i].name, replan_task, args)

        def finished(task: Task, value: Any) -> list[Task]:
            (replanned if task.phase == Phase.REPLAN else impacts)[task.index] = value
            n = len(replanned) + len(impacts)
            if progress is not None:
                progress(f"{n}/{total} done: {task.label}", n / total)
            if task.index != 0:
                return []
            tonight = value.result.plan
            shared = backend.share(tonight) if tonight is not None else None
            follow = []
            for i, s in enumerate(scenarios, start=1):
                follow.append(replan(i, shared))
                args = (s, net, bk, shared, samples, seeds[i])
                follow.append(Task(i, Phase.IMPACT, s.name, impact_task, args))
            return follow

        if progress is not None:
            progress(f"solving the baseline on the {backend.name}", 0.0)
        run_tasks(backend, [replan(0, previous)], finished, retries)
        name = backend.name

    base = replanned[0]  # tonight's plan is its own impact
    impacts[0] = Impact(plan=base.result.plan or keep_plan(None, book)[0], risk=base.risk)
    outcomes = [
        ScenarioOutcome(
            scenario=everything[i],
            slug=names[i],
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
