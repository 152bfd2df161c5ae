"""Solver parameters and objective weights (defaults in config/solver.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from logistics.embedded import embedded_path
from logistics.errors import InputError, Issue


class Engine(StrEnum):
    """The engine that solves the candidate model.

    ``cp-sat`` (OR-Tools CP-SAT), ``highs`` (the same model as a MILP in HiGHS),
    ``auto`` (HiGHS, then CP-SAT from HiGHS's plan when HiGHS stops short of a
    proof) or ``greedy`` (the first-come baseline, no proof).
    """

    AUTO = "auto"
    CP_SAT = "cp-sat"
    GREEDY = "greedy"
    HIGHS = "highs"


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """Objective weights: what one unit of each term costs in the objective."""

    unserved_penalty: float = 100000.0
    v2v_per_h: float = 10.0
    wait_per_h: float = 5.0
    cost_per_eur: float = 0.1
    risk: float = 2000.0
    stability: float = 500.0
    stability_route: float = 100.0  # kept site and day, another start or other lanes
    priority: Mapping[int, float] = field(
        default_factory=lambda: {1: 1.0, 2: 1.5, 3: 2.0, 4: 3.0, 5: 5.0}
    )

    def priority_weight(self, priority: int) -> float:
        """Weight of an order of this priority."""
        return self.priority.get(priority, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveParams:
    """How to solve: limits, reproducibility, planning quantile, weights.

    With ``workers=1``, a ``seed`` and a ``deterministic_time_s`` limit, two solves
    of the same inputs give the same plan.
    """

    time_limit_s: float = 60.0
    deterministic_time_s: float | None = None
    seed: int = 0
    workers: int = 2
    relative_gap: float = 1e-4
    quantile: float | None = None
    max_breach: float | None = None  # drop candidates whose breach probability exceeds it
    risk_samples: int = 0  # Monte Carlo draws per candidate (0: the p90 stress test)
    pricing_rounds: int = 30  # column generation rounds (0: the earliest-itinerary set only)
    # pricing's share of the time (None: 60 % of the limit; no limit but the rounds when
    # deterministic_time_s is set, so the plan does not depend on the machine's speed)
    pricing_time_s: float | None = None
    weights: Weights = field(default_factory=Weights)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings, for summary.json."""
        d = asdict(self)
        d["weights"]["priority"] = {str(k): v for k, v in self.weights.priority.items()}
        return d


# keyword overrides of load_params -> the command-line option that sets them
_OPTIONS = {
    "time_limit_s": "--time-limit",
    "seed": "--seed",
    "workers": "--workers",
    "quantile": "--quantile",
    "max_breach": "--max-breach",
    "risk_samples": "--risk-samples",
}


def default_config() -> Path:
    """The packaged solver.toml (config/solver.toml in the repository)."""
    return embedded_path("logistics._config", "solver.toml")


def load_params(path: str | Path | None = None, **overrides: Any) -> SolveParams:
    """SolveParams from a solver.toml, then keyword overrides that are not None.

    ``path`` is the solver.toml to read (default: the packaged ``config/solver.toml``).
    Every number, of the file and of the overrides, is checked against its bound
    (``logistics.io.bounds.SOLVER`` and ``WEIGHTS``); an override out of bounds is
    reported against the command-line option that sets it.

    Raises InputError naming the file, line and key for anything it cannot use.
    """
    from logistics.io.bounds import SOLVER, WEIGHTS
    from logistics.io.table import Issues
    from logistics.io.tomldoc import load_toml

    source = Path(path or default_config())
    if not source.is_file():
        raise InputError([Issue(str(source), None, None, "a solver.toml file", "no such file")])
    found = Issues()
    loaded = load_toml(source, found)
    if loaded is None:
        raise InputError(found.errors)
    issues: list[Issue] = []
    top, _ = loaded.locate("")

    def add(table: str, key: str | None, expected: str, got: Any) -> None:
        where = f"{table}.{key}" if key is not None else table
        line = loaded.line(table, key) or top.get(table)
        issues.append(Issue(source.name, line, where, expected, repr(got)))

    def table(name: str, within: dict[str, Any]) -> dict[str, Any]:
        value = within.get(name.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            add(name, None, f"a [{name}] table", value)
            return {}
        return dict(value)

    doc = loaded.data
    for key in doc:
        if key not in ("weights", "solver"):
            add(key, None, "a [weights] or [solver] table", key)
    w = table("weights", doc)
    prio_raw = table("weights.priority", w) if "priority" in w else {}
    w.pop("priority", None)
    weight_keys = {f.name for f in fields(Weights)} - {"priority"}
    values: dict[str, float] = {}
    for key, value in w.items():
        if key not in weight_keys:
            add("weights", key, f"one of {', '.join(sorted(weight_keys))}", key)
        elif (problem := WEIGHTS["weight"].problem(value)) is not None:
            add("weights", key, problem, value)
        else:
            values[key] = float(value)
    prio: dict[int, float] = {}
    for key, value in prio_raw.items():
        if key not in ("1", "2", "3", "4", "5"):
            add("weights.priority", key, "a priority from 1 to 5", key)
        elif (problem := WEIGHTS["priority"].problem(value)) is not None:
            add("weights.priority", key, problem, value)
        else:
            prio[int(key)] = float(value)
    solver_keys = {f.name for f in fields(SolveParams)} - {"weights"}
    solver: dict[str, Any] = {}
    for key, value in table("solver", doc).items():
        if key not in solver_keys:
            add("solver", key, f"one of {', '.join(sorted(solver_keys))}", key)
        elif (problem := SOLVER[key].problem(value)) is not None:
            add("solver", key, problem, value)
        else:
            solver[key] = SOLVER[key].check(value)
    given = {k: v for k, v in overrides.items() if v is not None}
    for key, value in given.items():
        if key in SOLVER and (problem := SOLVER[key].problem(value)) is not None:
            option = _OPTIONS.get(key, key)
            issues.append(Issue("command line", None, option, problem, str(value)))
    if issues:
        raise InputError(issues)
    weights = Weights(**values, **({"priority": prio} if prio else {}))  # type: ignore[arg-type]
    solver.update(given)
    return SolveParams(weights=weights, **solver)
