"""Faults: kill -9 of a nightly run at random moments, and concurrent runs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from store_helpers import NOW, ORDERS, TINY, dump, run

from logistics.store import StoreBusy, make_engine
from logistics.store.lock import LOCK_KEY

REPO = Path(__file__).resolve().parents[2]
PLAN_FILES = ("orders.csv", "legs.csv", "changes.csv", "book.csv")


def nightly_cmd(store: str, out: Path, wait: float = 0) -> list[str]:
    return [
        sys.executable, "-m", "logistics", "nightly", "--store", store,
        "--network", str(TINY), "--orders", str(ORDERS), "--out", str(out),
        "--now", f"{NOW:%Y-%m-%dT%H:%M:%SZ}", "--time-limit", "2", "--samples", "10",
        "--engine", "highs", "--wait", str(wait),
    ]  # fmt: skip


def spawn(cmd: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def same_plan(a: Path, b: Path, files: tuple[str, ...] = PLAN_FILES) -> bool:
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def plan_tables(store: str) -> dict:
    d = dump(store)
    return {k: d[k] for k in ("run_orders", "run_legs", "run_changes", "events")}


def test_kill_at_random_moments_leaves_store_and_folder_whole(
    store_url: str, tmp_path: Path
) -> None:
    """kill -9 of a second nightly run at seeded random moments leaves the store
    exactly as after the first run (or holding the whole second run, when the kill
    came after its commit) and the plan folder absent or complete; a normal run
    afterwards gives what a never-interrupted run gives (on a SQLite store of the
    same two nights). On SQLite and on PostgreSQL, whose session lock goes with the
    killed process."""
    store = store_url
    run(store, tmp_path / "n1")
    after_first = dump(store)
    reference = f"sqlite:///{tmp_path / 'ref.db'}"
    run(reference, tmp_path / "r1")
    t0 = time.monotonic()
    ref = spawn(nightly_cmd(reference, tmp_path / "ref"))
    assert ref.wait(timeout=120) == 0, ref.communicate()
    whole = time.monotonic() - t0  # kill at moments spread over a whole run
    out = tmp_path / "n2"
    rng = random.Random(20261206)
    for _ in range(3):
        proc = spawn(nightly_cmd(store, out, wait=10))  # the killed one's lock may linger
        time.sleep(rng.uniform(0.1, 1.0) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if len(dump(store)["runs"]) == 2:  # killed after its commit: a whole run
            break
        assert dump(store) == after_first
        if out.exists():  # renamed into place, not yet committed: complete
            assert same_plan(out, tmp_path / "ref")
    if len(dump(store)["runs"]) == 1:
        run(store, out, wait_s=10)
    assert same_plan(out, tmp_path / "ref")
    assert plan_tables(store) == plan_tables(reference)
    runs = dump(store)["runs"]
    assert len(runs) == 2 and runs[0] == after_first["runs"][0]
    assert not list(tmp_path.glob(".n2.tmp-*"))  # a killed run's temporary folder is gone


def test_concurrent_runs_on_postgresql_wait_or_refuse(pg_url: str, tmp_path: Path) -> None:
    """On one PostgreSQL store, a run finding the lock held refuses at once (wait 0)
    or waits for it (wait 30) and then completes; two runs started together both
    complete one after the other, with distinct run ids and whole records. (Runs in
    threads: each has its own database session, as separate processes would.)"""
    db = make_engine(pg_url)
    holder = db.connect()
    holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
    holder.commit()
    with ThreadPoolExecutor(max_workers=2) as pool:
        refused = pool.submit(run, pg_url, tmp_path / "a", wait_s=0)
        waiting = pool.submit(run, pg_url, tmp_path / "b", wait_s=30)
        with pytest.raises(StoreBusy, match="holds the store's lock"):
            refused.result(timeout=60)
        time.sleep(0.5)
        assert not waiting.done()  # still waiting for the lock
        holder.close()  # the session ends: its lock goes with it
        assert waiting.result(timeout=60).run_id == 1
        assert not (tmp_path / "a").exists()
        both = [pool.submit(run, pg_url, tmp_path / n, wait_s=30) for n in ("c", "d")]
        ids = sorted(f.result(timeout=90).run_id for f in both)
    assert ids == [2, 3]
    runs = dump(pg_url)["runs"]
    assert [r[0] for r in runs] == ["1", "2", "3"]
    for n in ("c", "d"):  # the same plan, and changes.csv says so
        assert same_plan(tmp_path / "b", tmp_path / n, ("legs.csv",))
        assert (tmp_path / n / "changes.csv").read_text().count("\n") == 1
    db.dispose()
