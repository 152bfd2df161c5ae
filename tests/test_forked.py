"""Process parallelism: forked children answer as this process would."""

from __future__ import annotations

import os

import pytest

from logistics.forked import Forked, deal, fork_map, processes

pytestmark = pytest.mark.skipif(processes(2) < 2, reason="fork is used on Linux only")


def _squares_and_pids(shard):
    return [x * x for x in shard], os.getpid()


def test_fork_map_answers_each_shard_in_its_own_process_in_order():
    """Three shards: the answers come back in shard order, equal to a serial map, the
    first computed here and the others in two other processes."""
    shards = deal(list(range(20)), 3)
    assert sorted(x for s in shards for x in s) == list(range(20))
    out = fork_map(_squares_and_pids, shards)
    assert [o[0] for o in out] == [[x * x for x in s] for s in shards]
    pids = [o[1] for o in out]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def test_a_childs_state_is_its_own_and_persists_between_questions():
    """A forked child keeps its own copy of the state across questions; the parent's
    copy is untouched."""
    seen: list[int] = []

    def serve(x: int) -> int:
        seen.append(x)
        return len(seen)

    with Forked(serve) as child:
        for i in range(3):
            child.ask(i)
            assert child.answer() == i + 1
    assert seen == []


def test_a_failure_in_a_child_is_raised_here_with_its_traceback():
    """An exception in a child becomes a RuntimeError here that carries the child's
    error, and fork_map still waits for every child."""

    def boom(shard):
        if shard and shard[0] == 1:
            raise ValueError("shard one is bad")
        return shard

    with pytest.raises(RuntimeError, match="shard one is bad"):
        fork_map(boom, [[0], [1]])
