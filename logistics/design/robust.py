"""Robust design: the candidate design that fares best across disruption scenarios.

The candidates are a short list, not every design: the nominal design, the designs
of the pareto points (when solved) and, for each scenario, the optimal design of that
scenario (the design problem solved on the disrupted network and book; there a
``site_capacity`` disruption of a design site's manufacturing has no effect, as the
design sets those sites' lines). Each candidate is then fixed (its open sites, closed
sites and lines), the scenario applied to the network with those lines (so a
``site_capacity`` disruption scales them), and re-planned under the baseline and
under every scenario by the design solve itself, so every cost is in the design's
objective (fixed, line, batch and transport cost, the solver's terms under
``weighted``) with the vein-to-vein cap hard: a patient the fixed design cannot
infuse within the cap is unserved and counts the unserved penalty; a booked order
finishes at its booked site in every candidate, closed or open. The choice is the
candidate with the least worst-case (``worst``) or mean (``mean``) objective over the
baseline and the scenarios; ties keep the earlier candidate (the nominal one first).
It is optimal over those candidates only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from logistics.design.model import Design, design_network
from logistics.design.solve import DesignResult, solve_design
from logistics.errors import InputError, Issue
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.model.scenario import BASELINE, Scenario
from logistics.solve.params import SolveParams

__all__ = [
    "CRITERIA",
    "Candidate",
    "Evaluation",
    "RobustChoice",
    "choose_robust",
    "fixed_design",
    "read_scenarios",
]

CRITERIA = ("worst", "mean")

Lines = tuple[tuple[str, int], ...]  # (site, lines) of the open design sites, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A design to evaluate: ``D1``, ``D2``, ... with its open sites and lines and
    where it came from (``nominal``, ``pareto 2``, ``best under <scenario>``)."""

    design_id: str
    lines: Lines
    sources: tuple[str, ...]

    @property
    def open_sites(self) -> str:
        """``site:lines;...`` (empty when every design site is closed)."""
        return ";".join(f"{s}:{n}" for s, n in self.lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """One candidate re-planned under one scenario (``baseline`` first): the fixed
    design's result and the (disrupted) order book it planned."""

    design_id: str
    scenario: str
    result: DesignResult
    book: OrderBook


@dataclass(frozen=True, slots=True, kw_only=True)
class RobustChoice:
    """The candidates, every evaluation, each candidate's worst-case or mean objective
    (weight units; ``inf`` when some scenario left it without a plan) and the choice."""

    criterion: str
    candidates: tuple[Candidate, ...]
    evaluations: tuple[Evaluation, ...]
    values: Mapping[str, float]
    chosen: str
    nominal: str | None  # None when the nominal solve found no plan

    @property
    def by_id(self) -> dict[str, Candidate]:
        """Candidates by design id."""
        return {c.design_id: c for c in self.candidates}

    def why(self) -> str:
        """The choice in one sentence."""
        c = self.values[self.chosen]
        what = "worst-case" if self.criterion == "worst" else "mean"
        scenarios = len({e.scenario for e in self.evaluations})
        head = (
            f"least {what} objective over the baseline and {scenarios - 1} scenarios "
            f"among {len(self.candidates)} candidate designs"
        )
        if self.nominal is None:
            return f"{head}: {self.chosen} ({_num(c)}); the nominal solve found no plan"
        if self.chosen == self.nominal:
            return f"{head}: the nominal design {self.chosen} ({_num(c)}) is also the robust one"
        n = self.values[self.nominal]
        text = (
            f"{head}: {self.chosen} ({_num(c)}) against {_num(n)} for the nominal "
            f"design {self.nominal}"
        )
        base = self.baseline()
        if base[self.chosen] < base[self.nominal] - 1e-6:
            text += (
                f"; {self.chosen} is also cheaper without any disruption "
                f"({_num(base[self.chosen])} against {_num(base[self.nominal])}: the nominal "
                "solve did not find it)"
            )
        return text

    def baseline(self) -> dict[str, float]:
        """Each candidate's objective without disruption (inf: no plan)."""
        return {
            e.design_id: e.result.objective if e.result.objective is not None else math.inf
            for e in self.evaluations
            if e.scenario == BASELINE
        }


def _num(x: float) -> str:
    return "no plan" if not math.isfinite(x) else f"{x:,.2f}"


def _key(lines: Mapping[str, int]) -> Lines:
    return tuple(sorted((s, int(n)) for s, n in lines.items()))


def fixed_design(design: Design, lines: Mapping[str, int]) -> Design:
    """``design`` with every site decided: the sites of ``lines`` must open with
    exactly those lines, the others must close (``max_open`` lifted: nothing is left
    to choose)."""
    sites = tuple(
        replace(d, min_lines=lines[d.site_id], max_lines=lines[d.site_id])
        if d.site_id in lines
        else d
        for d in design.sites
    )
    names = {d.site_id for d in design.sites}
    return replace(design, sites=sites).with_settings(
        max_open=None,
        must_open=frozenset(lines),
        must_close=frozenset(names - set(lines)),
    )


def choose_robust(
    network: Network,
    book: OrderBook,
    design: Design,
    params: SolveParams,
    scenarios: Sequence[Scenario],
    *,
    nominal: DesignResult,
    others: Sequence[tuple[str, DesignResult]] = (),
    criterion: str = "worst",
) -> RobustChoice:
    """Choose among the nominal design, ``others`` (label, result; the pareto points,
    say) and each scenario's own optimal design the one with the least worst-case or
    mean objective over the baseline and ``scenarios``. Every solve uses ``params``
    and the nominal result's objective kind."""
    from logistics.scenarios import apply

    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    kind = nominal.objective_kind
    cases: list[tuple[str, Network, OrderBook]] = [(BASELINE, network, book)]
    for sc in scenarios:
        net, bk = apply(sc, network, book)
        cases.append((sc.name, net, bk))
    found: dict[Lines, list[str]] = {}
    if nominal.plan is not None:
        found.setdefault(_key(nominal.lines), []).append("nominal")
    for label, r in others:
        if r.plan is not None:
            found.setdefault(_key(r.lines), []).append(label)
    for name, net, bk in cases[1:]:
        r = solve_design(net, bk, design, params, objective=kind)
        if r.plan is not None:
            found.setdefault(_key(r.lines), []).append(f"best under {name}")
    candidates = tuple(
        Candidate(design_id=f"D{i}", lines=lines, sources=tuple(sources))
        for i, (lines, sources) in enumerate(found.items(), start=1)
    )
    evaluations = []
    values: dict[str, float] = {}
    for c in candidates:
        lines = dict(c.lines)
        fixed = fixed_design(design, lines)
        base = design_network(network, design, lines)
        disrupted = [(BASELINE, base, book)]
        disrupted += [(sc.name, *apply(sc, base, book)) for sc in scenarios]
        objectives = []
        for name, net, bk in disrupted:
            r = solve_design(net, bk, fixed, params, objective=kind, as_is=True)
            evaluations.append(Evaluation(design_id=c.design_id, scenario=name, result=r, book=bk))
            objectives.append(r.objective if r.objective is not None else math.inf)
        values[c.design_id] = (
            max(objectives) if criterion == "worst" else statistics.fmean(objectives)
        )
    if not candidates:
        raise InputError(
            [Issue("--robust", None, None, "a design with a plan", "no candidate design")]
        )
    chosen = min(candidates, key=lambda c: values[c.design_id]).design_id  # first of ties
    return RobustChoice(
        criterion=criterion,
        candidates=candidates,
        evaluations=tuple(evaluations),
        values=values,
        chosen=chosen,
        nominal=candidates[0].design_id if "nominal" in candidates[0].sources else None,
    )


def read_scenarios(paths: Sequence[str | Path], network: Network) -> list[Scenario]:
    """The scenario files, each validated against ``network``."""
    from logistics.io.scenarios import read_scenario

    return [read_scenario(p, network) for p in paths]
