"""Where a sweep's tasks run: a local process pool or a Dask cluster.

Every task is a plain function of plain, picklable inputs, run in a worker; its result
travels back (no OR-Tools object ever crosses a process). Tasks run on a local
:class:`~concurrent.futures.ProcessPoolExecutor` (spawned processes) or on a Dask
cluster. A task whose worker dies is run again, up to ``retries`` times (on the pool,
tasks that were running next to it when the pool broke run again one at a time first,
so only the task that kills its worker uses attempts); any other failure, or a task
that keeps killing its worker, raises :class:`SweepError` naming the scenario.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from logistics.errors import InputError, Issue
from logistics.scenarios.names import slug

__all__ = ["RETRIES", "Phase", "SweepError", "Task", "open_backend", "run_tasks"]

log = logging.getLogger("logistics")

RETRIES = 2  # extra attempts of a task whose worker died
START_METHOD = "spawn"  # fresh worker processes: safe next to threads, same on every OS


class Phase(StrEnum):
    """What a sweep's task does for its scenario."""

    IMPACT = "impact"  # tonight's plan kept as it is, simulated under the scenario
    REPLAN = "re-plan"  # the scenario's inputs planned again


class SweepError(RuntimeError):
    """A sweep that could not complete: ``scenario`` and ``phase`` name the task that
    failed; the original exception is the cause."""

    def __init__(self, scenario: str, phase: Phase, message: str) -> None:
        self.scenario = scenario
        self.phase = phase
        super().__init__(f"scenario {scenario!r} ({phase}): {message}")


def _call(wrapper: Callable[..., Any] | None, fn: Callable[..., Any], args: tuple) -> Any:
    """Run ``fn(*args)`` in a worker, through ``wrapper(fn, *args)`` when given."""
    return fn(*args) if wrapper is None else wrapper(fn, *args)


@dataclass(slots=True)
class Task:
    """One call ``fn(*args)`` for one scenario: ``index`` 0 is the baseline, 1.. the
    scenarios in the order given."""

    index: int
    phase: Phase
    name: str
    fn: Callable[..., Any]
    args: tuple
    attempts: int = 0  # failed attempts (its worker died)
    suspect: bool = False  # was running when a worker died: runs alone until it succeeds

    @property
    def label(self) -> str:
        """``<phase> <scenario name>``, for messages."""
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

    def submit(self, task: Task) -> Any:
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

    def submit(self, task: Task) -> Any:
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

    def close(self, failed: bool) -> None:
        pass


Backend = _Pool | _Dask


def _exception(future: Any) -> BaseException | None:
    try:
        return future.exception()
    except BaseException as exc:  # a cancelled future raises its CancelledError
        return exc


def _settle(
    backend: Backend,
    futures: Iterable[Any],
    running: dict[Any, Task],
    finished: Callable[[Task, Any], Iterable[Task]],
    queue: deque[Task],
) -> list[Task]:
    """Take finished futures out of ``running``: queue what their results lead to and
    return the tasks whose worker died; raise SweepError for any other failure."""
    died = []
    for future in futures:
        task = running.pop(future)
        exc = _exception(future)
        if exc is None:
            task.suspect = False
            queue.extend(finished(task, future.result()))
        elif isinstance(backend, _Pool) and backend.died(exc):  # Dask re-runs its own
            died.append(task)
        else:
            message = f"{type(exc).__name__}: {exc}"
            raise SweepError(task.name, task.phase, message) from exc
    return died


def _may_start(task: Task, running: dict[Any, Task], capacity: int | None) -> bool:
    """A suspect runs alone (so a worker death is its own); others up to capacity."""
    if any(t.suspect for t in running.values()):
        return False
    if task.suspect:
        return not running
    return capacity is None or len(running) < capacity


def run_tasks(
    backend: Backend,
    tasks: Iterable[Task],
    finished: Callable[[Task, Any], Iterable[Task]],
    retries: int,
) -> None:
    """Run ``tasks`` and those ``finished(task, value)`` returns, until none are left.

    Args:
        backend: where they run (from :func:`open_backend`).
        tasks: the first tasks.
        finished: called in this process with each task done and its value; returns
            the tasks that follow from it.
        retries: attempts a task may add when its worker dies.

    Raises:
        SweepError: a task failed, or killed its worker more than ``retries`` times.

    A worker death breaks the whole pool, and every task running on it fails with it.
    When one task was running, that task used an attempt. When several were, the
    culprit is unknown: they become suspects and run again one at a time, so the
    innocent ones use no attempt and the next death names its task.
    """
    queue: deque[Task] = deque(tasks)
    running: dict[Any, Task] = {}
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
        if isinstance(backend, _Pool):  # only a process pool breaks with its worker
            backend.restart()
        queue.extendleft(reversed(died))


@contextmanager
def open_backend(
    workers: int,
    dask_address: str | None,
    dask_local: int | None,
    retries: int,
    wrapper: Callable[..., Any] | None,
) -> Iterator[Backend]:
    """The backend tasks run on, closed on the way out (a failure stops the pool's
    workers; a Dask cluster started here is shut down).

    Args:
        workers: processes of the local pool (without a Dask argument).
        dask_address: the address of a running Dask scheduler, or None.
        dask_local: the worker processes of a local Dask cluster to start, or None.
        retries: attempts a task may add when its worker dies.
        wrapper: a picklable ``wrapper(fn, *args)`` run instead of ``fn(*args)``.

    Raises:
        RuntimeError: Dask asked for without the ``dask`` extra installed.
        InputError: a Dask address that is malformed or does not answer.
    """
    client: Any = None
    cluster: Any = None
    chosen: Backend | None = None
    failed = False
    try:
        if dask_address is None and dask_local is None:
            chosen = _Pool(workers, wrapper)
        else:
            try:
                import dask
                from distributed import Client, LocalCluster
            except ImportError as exc:  # pragma: no cover - depends on the installed extras
                raise RuntimeError(
                    "a Dask sweep needs the dask extra: pip install 'atmp-logistics[dask]'"
                ) from exc
            if dask_address is not None:
                client = _connect(Client, dask_address)
            else:
                if dask_local is None or dask_local < 1:
                    raise ValueError("dask_local must be >= 1")
                # the scheduler runs here: a task may kill ``retries`` workers, no more
                with dask.config.set({"distributed.scheduler.allowed-failures": retries}):
                    cluster = LocalCluster(
                        n_workers=dask_local,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                client = Client(cluster)
            chosen = _Dask(client, retries, wrapper)
        yield chosen
    except BaseException:
        failed = True
        raise
    finally:
        try:
            if chosen is not None:
                chosen.close(failed=failed)
        finally:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()


def _connect(client_type: Any, address: str) -> Any:
    """A Dask client of the scheduler at ``address``; an address that cannot be reached
    (within Dask's connect timeout) is a configuration error, not a fault."""
    try:
        return client_type(address)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(
            [
                Issue(
                    "command line",
                    None,
                    "--dask-address",
                    "the address of a running Dask scheduler (for example tcp://host:8786)",
                    f"{address} ({exc})",
                )
            ]
        ) from None
