"""Process parallelism for the pure-Python searches (Plan B, pricing).

The label searches hold the GIL, so threads gain nothing. A forked child shares the
compiled network with its parent copy-on-write: nothing is pickled but the questions
and the answers. Only where ``fork`` is safe and allowed: on Linux, outside daemonic
processes (a Dask worker: a sweep is already parallel across scenarios); elsewhere,
or with one worker, everything runs in this process.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from logistics.heap import gc_paused

T = TypeVar("T")
R = TypeVar("R")

_STOP = "stop"


def processes(workers: int) -> int:
    """How many processes ``workers`` may use here (1: this one only)."""
    if workers <= 1 or not sys.platform.startswith("linux"):
        return 1
    if multiprocessing.current_process().daemon:
        return 1
    return min(workers, os.cpu_count() or 1)


class Forked(Generic[T, R]):
    """A forked copy of this process that answers ``serve(question)`` with its own
    copy of the state, one question at a time, until closed. A question or answer is
    pickled; an exception in the child is raised here as a RuntimeError carrying the
    child's traceback."""

    def __init__(self, serve: Callable[[T], R]) -> None:
        here, there = multiprocessing.Pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns on fork with threads running: the solver engines'
            # idle pools are never touched by the child
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: answer until told to stop or the parent is gone
            # its collections leave the parent's objects alone: walking them would
            # copy every page of the shared heap (gigabytes at 10,000 orders)
            gc.freeze()
            here.close()
            code = 0
            try:
                _serve(there, serve)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        there.close()
        self._pid, self._conn = pid, here

    def ask(self, question: T) -> None:
        """Send a question (the answer comes from :meth:`answer`)."""
        self._conn.send(question)

    def answer(self) -> R:
        """The answer to the question asked last."""
        try:
            with gc_paused():
                ok, out = self._conn.recv()
        except EOFError:
            raise RuntimeError("a worker process died (out of memory?)") from None
        if not ok:
            raise RuntimeError(f"a worker process failed:\n{out}")
        return out

    def close(self) -> None:
        """Stop the child and wait for it."""
        with contextlib.suppress(OSError):
            self._conn.send(_STOP)
        self._conn.close()
        os.waitpid(self._pid, 0)

    def __enter__(self) -> Forked[T, R]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _serve(conn: Connection, serve: Callable[[Any], Any]) -> None:
    while True:
        try:
            question = conn.recv()
        except EOFError:
            return
        if isinstance(question, str) and question == _STOP:
            return
        try:
            answer = serve(question)
            with gc_paused():
                conn.send((True, answer))
        except Exception:
            conn.send((False, traceback.format_exc()))


def fork_map(fn: Callable[[Sequence[T]], R], shards: Sequence[Sequence[T]]) -> list[R]:
    """``[fn(shard) for shard in shards]``, the first shard in this process and each
    other one in a child forked for it, all at once. The children are forked before
    any work starts, so each sees the state of this moment."""
    if len(shards) <= 1:
        return [fn(shard) for shard in shards]
    children: list[Forked[None, R]] = []
    try:
        for shard in shards[1:]:
            child: Forked[None, R] = Forked(functools.partial(_apply, fn, shard))
            children.append(child)
            child.ask(None)
        first = fn(shards[0])
        return [first, *(child.answer() for child in children)]
    finally:
        for child in children:
            child.close()


def _apply(fn: Callable[[Sequence[T]], R], shard: Sequence[T], _question: None) -> R:
    return fn(shard)


def shards_by(items: Sequence[T], group: Callable[[T], str], n: int) -> list[list[T]]:
    """``items`` in up to ``n`` shards, the items of a group kept together (a treatment
    centre's orders share their cached searches): the largest group first to the
    shard with the fewest items so far (ties: the group's name). Each shard keeps the
    order of ``items``; empty shards are left out (one empty shard when no item)."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(group(item), []).append(item)
    load = [0] * n
    shard: dict[str, int] = {}
    for name, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        j = load.index(min(load))
        load[j] += len(members)
        shard[name] = j
    out: list[list[T]] = [[] for _ in range(n)]
    for item in items:
        out[shard[group(item)]].append(item)
    return [s for s in out if s] or [[]]


def deal(items: Sequence[T], n: int) -> list[list[T]]:
    """``items`` dealt round-robin into ``n`` shards (of near-equal work when the
    items' costs do not drift along the sequence)."""
    return [list(items[i::n]) for i in range(n)]
