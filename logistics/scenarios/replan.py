"""The re-plan of a scenario: its inputs through the nightly job, in a worker."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from logistics.model.network import Network
from logistics.model.orders import OrderBook, OrderStatus
from logistics.model.plan import Plan
from logistics.model.scenario import Scenario
from logistics.scenarios.outcomes import Replanned
from logistics.scenarios.transforms import apply

if TYPE_CHECKING:
    from logistics.solve.params import SolveParams

__all__ = ["replan_task"]


def replan_task(
    scenario: Scenario,
    network: Network,
    book: OrderBook,
    params: SolveParams,
    previous: Plan | None,
    engine: str,
    samples: int,
    fallbacks: int,
    seed: int,
) -> Replanned:
    """Apply ``scenario`` to ``network`` and ``book`` and plan them as ``logistics
    plan`` does (:func:`logistics.pipeline.plan`: solve from ``previous`` with
    ``params`` and ``engine``, Monte Carlo of ``samples`` draws seeded ``seed``,
    ``fallbacks`` Plan B per shipment, the independent check). A committed order
    whose booking the disruption breaks is planned again, as the nightly run does
    (:func:`~logistics.solve.candidates.booked.broken_commitments`).

    Returns the nightly plan as a :class:`Replanned` of plain, picklable values.
    """
    from logistics.pipeline import plan
    from logistics.solve.candidates.booked import broken_commitments, reopened

    t0 = time.perf_counter()
    net, disrupted = apply(scenario, network, book)
    if scenario.disruptions and any(o.status == OrderStatus.COMMITTED for o in disrupted.orders):
        disrupted = reopened(disrupted, broken_commitments(net, disrupted, {}, params.quantile))
    nightly = plan(
        net,
        disrupted,
        params,
        previous=previous,
        engine=engine,
        samples=samples,
        fallbacks=fallbacks,
        risk_seed=seed,
    )
    return Replanned(
        result=nightly.result,
        risk=nightly.risk,
        fallbacks=dict(nightly.fallbacks),
        violations=tuple(nightly.violations),
        orders=len(disrupted),
        wall_s=time.perf_counter() - t0,
    )
