"""Delay distributions of a plan's legs, customs clearances and dry-shipper holds.

Every uncertain quantity is a quantile function applied to a standard normal score
``z`` (so one draw per quantity and sample, and the planner's own quantile rule):

- a lane leg's duration and a customs clearance are lognormal through their median
  and 90th percentile, after the disruption effect of the departure
  (``duration x factor + add_h`` for both): ``median x exp(sigma z)`` with
  ``sigma = log(p90 / median) / Z90``. A p90 equal to the median is deterministic.
  A zero median with a positive p90 (a clearance that usually takes no time) has no
  lognormal: it is ``max(0, p90 x z / Z90)``, zero with probability 1/2 and a
  half-normal above, so its median is 0 and its p90 exactly ``p90`` (the rule of
  :func:`logistics.model.quantiles.quantile_h`, which the planner uses);
- the import release time is deterministic;
- the dry-shipper hold is ``outbound_max_h x exp(sigma z)`` with median factor 1 and
  coefficient of variation ``hold_cv``: ``sigma = sqrt(log(1 + cv^2))``; ``hold_cv``
  0 is deterministic;
- a timetabled departure is cancelled independently with probability
  ``network.risk.cancel(mode)``; the number of consecutive cancelled departures a
  sample skips is drawn by inversion from one uniform ``u``:
  ``floor(log(1 - u) / log(p))``, so ``P(skip >= k) = p^k``. On-demand legs are never
  cancelled.

Medians and p90s are whole seconds rounded up, like the compiled network's
durations, so a deterministic leg replays the planned times to the second.

Random streams (:func:`stream`): one ``numpy.random.Generator(PCG64(...))`` per order,
direction and leg, seeded by ``SeedSequence(seed, spawn_key=(h0, h1, direction,
leg))`` where ``h0, h1`` are the first 8 bytes of SHA-256 of the order id. An order's
draws therefore depend only on the seed and its id, not on its position in the plan
or on the other orders, and a leg's draws not on the other legs. Within a leg the
draws come in a fixed order: duration normals (when the lane's duration is random),
clearance normals (when it crosses a border with a random clearance), cancellation
uniforms (when it is timetabled with a positive cancellation probability); each is
one value per sample. The hold has its own stream (direction 2, leg 0). Scenario
transforms (closures, delays) keep which draws are made, so comparing a plan under
two scenarios uses common random numbers.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from logistics.model.customs import CustomsRule
from logistics.model.disruptions import effect_at
from logistics.model.lanes import Lane
from logistics.model.quantiles import Z90, lognormal_sigma
from logistics.model.therapies import Therapy
from logistics.network.timebase import seconds  # rounded like the compiled network

__all__ = [
    "HOLD",
    "INBOUND",
    "OUTBOUND",
    "Spread",
    "cancel_skips",
    "clearance_spread",
    "hold_hours",
    "hold_sigma",
    "lane_spread",
    "seconds",
    "stream",
]

INBOUND, OUTBOUND, HOLD = 0, 1, 2  # the direction word of a stream's spawn key


@dataclass(frozen=True, slots=True)
class Spread:
    """A non-negative delay through its median and 90th percentile, in seconds."""

    median_s: float
    p90_s: float

    def __post_init__(self) -> None:
        if not 0 <= self.median_s <= self.p90_s:
            raise ValueError(f"need 0 <= median <= p90, got {self.median_s}, {self.p90_s}")

    @classmethod
    def from_hours(cls, median_h: float, p90_h: float) -> Spread:
        """A spread from hours, both rounded up to the second."""
        return cls(seconds(median_h), seconds(p90_h))

    @property
    def deterministic(self) -> bool:
        """True when every draw is the median."""
        return self.p90_s <= self.median_s

    @property
    def sigma(self) -> float:
        """Log-scale standard deviation (0 when deterministic or the median is 0)."""
        return lognormal_sigma(self.median_s, self.p90_s)

    def sample(self, z: np.ndarray | None) -> np.ndarray | float:
        """Seconds at the standard normal scores ``z`` (the median when deterministic;
        ``z`` may then be None)."""
        if self.deterministic:
            return float(self.median_s)
        assert z is not None
        if self.median_s <= 0:
            return np.maximum(0.0, z * (self.p90_s / Z90))
        return self.median_s * np.exp(self.sigma * z)


def lane_spread(lane: Lane, depart: datetime) -> Spread:
    """Duration of ``lane`` for a departure at ``depart``, under the lane's disruption
    windows covering that instant."""
    fx = effect_at(lane.windows, depart)
    return Spread.from_hours(fx.hours(lane.duration_h), fx.hours(lane.duration_p90_h))


def clearance_spread(rule: CustomsRule, depart: datetime) -> Spread:
    """Clearance under ``rule`` for a leg departing at ``depart``, under the rule's
    disruption windows (the import release is not included: it is deterministic)."""
    fx = effect_at(rule.windows, depart)
    return Spread.from_hours(fx.hours(rule.clearance_median_h), fx.hours(rule.clearance_p90_h))


def hold_sigma(cv: float) -> float:
    """Log-scale sigma of a lognormal with median 1 and coefficient of variation ``cv``.

    The coefficient of variation of a lognormal depends on sigma only:
    ``cv^2 = exp(sigma^2) - 1``."""
    if cv < 0:
        raise ValueError("a coefficient of variation is >= 0")
    return math.sqrt(math.log1p(cv * cv))


def hold_hours(therapy: Therapy, z: np.ndarray | None) -> np.ndarray | float:
    """Dry-shipper hold hours at the standard normal scores ``z``: ``outbound_max_h``
    times a lognormal with median 1 and coefficient of variation ``hold_cv``."""
    sigma = hold_sigma(therapy.hold_cv)
    if sigma == 0:
        return therapy.outbound_max_h
    assert z is not None
    return therapy.outbound_max_h * np.exp(sigma * z)


def cancel_skips(p: float, u: np.ndarray) -> np.ndarray:
    """How many consecutive departures are cancelled before one runs, from uniforms
    ``u`` in [0, 1): geometric, ``P(skips >= k) = p^k``. ``p >= 1`` cancels all
    (a huge skip)."""
    if p <= 0:
        return np.zeros(u.shape, dtype=np.int64)
    if p >= 1:
        return np.full(u.shape, 2**40, dtype=np.int64)
    return np.floor(np.log1p(-u) / math.log(p)).astype(np.int64)


def _id_words(order_id: str) -> tuple[int, int]:
    digest = hashlib.sha256(order_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:8], "little")


def stream(seed: int, order_id: str, direction: int, leg: int) -> np.random.Generator:
    """The random stream of one leg (``direction`` INBOUND or OUTBOUND, ``leg`` its
    0-based position) or of the hold (HOLD, 0) of an order."""
    if seed < 0:
        raise ValueError("a seed is a non-negative whole number")
    ss = np.random.SeedSequence(seed, spawn_key=(*_id_words(order_id), direction, leg))
    return np.random.Generator(np.random.PCG64(ss))
