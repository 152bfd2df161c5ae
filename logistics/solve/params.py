"""Solver parameters and objective weights (defaults in config/solver.toml)."""

from __future__ import annotations

import tomllib
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


def default_config() -> Path:
    """The packaged solver.toml (config/solver.toml in the repository)."""
    return embedded_path("logistics._config", "solver.toml")


def load_params(path: str | Path | None = None, **overrides: Any) -> SolveParams:
    """SolveParams from a solver.toml, then keyword overrides that are not None.

    ``path`` is the solver.toml to read (default: the packaged ``config/solver.toml``).

    Raises InputError naming the file and key for anything it cannot use.
    """
    source = Path(path or default_config())
    issues: list[Issue] = []
    try:
        doc = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            [Issue(source.name, None, None, "a readable solver.toml", str(exc))]
        ) from None
    w = dict(doc.get("weights", {}))
    prio_raw = w.pop("priority", {})
    weight_keys = {f.name for f in fields(Weights)} - {"priority"}
    values: dict[str, float] = {}
    for key, value in w.items():
        if key not in weight_keys:
            issues.append(
                Issue(
                    source.name,
                    None,
                    f"weights.{key}",
                    f"one of {', '.join(sorted(weight_keys))}",
                    key,
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            issues.append(Issue(source.name, None, f"weights.{key}", "a number >= 0", repr(value)))
        else:
            values[key] = float(value)
    prio: dict[int, float] = {}
    for key, value in dict(prio_raw).items():
        if (
            str(key) not in "12345"
            or len(str(key)) != 1
            or isinstance(value, bool)
            or not isinstance(value, int | float)
            or value < 0
        ):
            issues.append(
                Issue(
                    source.name,
                    None,
                    f"weights.priority.{key}",
                    "priorities 1..5 mapped to weights >= 0",
                    repr(value),
                )
            )
        else:
            prio[int(key)] = float(value)
    solver_keys = {f.name for f in fields(SolveParams)} - {"weights"}
    solver = {}
    for key, value in doc.get("solver", {}).items():
        if key not in solver_keys:
            issues.append(
                Issue(
                    source.name,
                    None,
                    f"solver.{key}",
                    f"one of {', '.join(sorted(solver_keys))}",
                    key,
                )
            )
        else:
            solver[key] = value
    if issues:
        raise InputError(issues)
    weights = Weights(**values, **({"priority": prio} if prio else {}))  # type: ignore[arg-type]
    solver.update({k: v for k, v in overrides.items() if v is not None})
    return SolveParams(weights=weights, **solver)
