"""Durations at a planning quantile: a lognormal through the median and the p90."""

from __future__ import annotations

import math
from statistics import NormalDist

Z90 = NormalDist().inv_cdf(0.9)


def lognormal_sigma(median: float, p90: float) -> float:
    """Sigma of the lognormal whose median and 90th percentile are given."""
    if median <= 0 or p90 <= median:
        return 0.0
    return math.log(p90 / median) / Z90


def quantile_h(median: float, p90: float, q: float | None) -> float:
    """Hours at quantile ``q``: the nominal (median) value when ``q`` is None or 0.5,
    the p90 column at 0.9, the fitted lognormal otherwise. A zero median (no lognormal
    exists) gives 0 up to the median and grows linearly in the normal score to p90."""
    if q is None or q == 0.5:
        return median
    if not 0 < q < 1:
        raise ValueError("a planning quantile lies strictly between 0 and 1")
    if q == 0.9:
        return p90
    z = NormalDist().inv_cdf(q)
    if median <= 0:
        return max(0.0, p90 * z / Z90)
    return median * math.exp(lognormal_sigma(median, p90) * z)
