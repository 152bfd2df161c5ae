"""`logistics plan` killed with SIGKILL at random moments, and two plans into one
--out at once: the folder is always absent, the previous complete plan or a new
complete plan, and the checker passes on it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from logistics.cli import app
from logistics.io.manifest import MANIFEST_FILE, verify_folder

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "tiny"
KILLS = 8
SEED = 15

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def _env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def _plan(out: Path, samples: int) -> subprocess.Popen[bytes]:
    """`python -m logistics plan` on the tiny bundle, ``samples`` Monte Carlo draws
    (recorded in summary.json, so the plans of two runs can be told apart)."""
    args = ["--network", TINY, "--orders", TINY / "orders.csv", "--out", out]
    args += ["--time-limit", "5", "--seed", "0", "--workers", "1", "--samples", samples]
    return subprocess.Popen(
        [sys.executable, "-m", "logistics", "plan", *map(str, args)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _finish(proc: subprocess.Popen[bytes]) -> None:
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()


def _samples(out: Path) -> int:
    """The Monte Carlo draws the plan in ``out`` was written with, after checking the
    folder against its manifest and through `logistics check`."""
    verify_folder(out)
    run = CliRunner().invoke(app, ["check", str(out)])
    assert run.exit_code == 0, run.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary["stats"]["risk"]["samples"]


def test_sigkill_never_leaves_a_partial_plan(tmp_path: Path) -> None:
    """With a previous plan (10 draws) in --out, a new plan (20 draws) is killed with
    SIGKILL after seeded random delays spread over a whole run's duration (measured on
    the first run) and over its last part, where it writes: after every kill --out is
    absent, the previous plan byte for byte, or a new plan that matches its manifest,
    and the checker passes on it. A last run then completes and leaves nothing beside
    the folder."""
    out = tmp_path / "plan"
    started = time.monotonic()
    _finish(_plan(out, 10))
    duration = time.monotonic() - started
    assert _samples(out) == 10
    previous = (out / MANIFEST_FILE).read_bytes()

    rng = random.Random(SEED)
    delays = [rng.uniform(0, duration) for _ in range(KILLS // 2)]
    delays += [rng.uniform(0.6 * duration, 1.1 * duration) for _ in range(KILLS - len(delays))]
    seen = []
    for delay in delays:
        proc = _plan(out, 20)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        if not out.exists():
            seen.append("absent")
            continue
        samples = _samples(out)
        assert samples in (10, 20)
        if samples == 10:
            assert (out / MANIFEST_FILE).read_bytes() == previous
        seen.append("previous" if samples == 10 else "new")

    _finish(_plan(out, 20))
    assert _samples(out) == 20
    assert os.listdir(tmp_path) == ["plan"], seen  # staged and moved-aside copies gone


def test_two_plans_into_one_out_do_not_interleave(tmp_path: Path) -> None:
    """Two `logistics plan` runs started together into the same --out both succeed and
    leave one run's complete plan (it matches its manifest and passes the checker),
    with nothing left beside it."""
    out = tmp_path / "plan"
    runs = [_plan(out, 10), _plan(out, 20)]
    for proc in runs:
        _finish(proc)
    assert _samples(out) in (10, 20)
    assert os.listdir(tmp_path) == ["plan"]
