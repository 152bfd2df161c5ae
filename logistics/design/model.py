"""Network design inputs as frozen objects: candidate sites and design settings.

A design site is a manufacturing site of the bundle that may be open or closed. When
open it runs ``lines`` batches at once (one manufacturing slot per line on every
local day, its capacity.csv rows scaled to them: see :func:`design_network`), costs
``fixed_cost_eur`` for the horizon and ``batch_cost_eur`` per batch; with sizing
(``min_lines``/``max_lines``) the lines are chosen too, each costing
``line_cost_eur``. Sites not in design.csv stay as
capacity.csv has them, always open and free of fixed cost.

A booked order finishes where it is booked whatever the design (a closed site winds
down: its batches already committed run to completion): it never opens a site nor
pays its fixed cost, and at an open site its slots come out of the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from logistics.model.capacity import Capacity
from logistics.model.network import Network

__all__ = ["Design", "DesignSettings", "DesignSite", "design_network", "keep_bookings"]

STATUSES = ("existing", "candidate")


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignSite:
    """One row of design.csv."""

    site_id: str
    status: str  # existing | candidate
    fixed_cost_eur: float
    lines: int
    batch_cost_eur: float = 0.0
    min_lines: int | None = None
    max_lines: int | None = None
    line_cost_eur: float = 0.0
    # therapies the site would make beyond those therapies.toml licenses it for (a
    # point-of-care unit not built yet)
    therapies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        low, high = self.line_range
        if not 0 <= low <= high:
            raise ValueError("need 0 <= min_lines <= max_lines")

    @property
    def sizing(self) -> bool:
        """True when the number of lines is a decision."""
        return self.min_lines is not None or self.max_lines is not None

    @property
    def line_range(self) -> tuple[int, int]:
        """Least and most lines when open (both ``lines`` without sizing)."""
        if not self.sizing:
            return self.lines, self.lines
        low = self.min_lines if self.min_lines is not None else min(1, self.lines)
        high = self.max_lines if self.max_lines is not None else self.lines
        return low, high


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignSettings:
    """network.toml ``[design]``: at most ``max_open`` design sites open, a hard
    vein-to-vein cap in days, sites that must be open or closed."""

    max_open: int | None = None
    v2v_cap_days: float | None = None
    must_open: frozenset[str] = frozenset()
    must_close: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """The design question: candidate sites and settings."""

    sites: tuple[DesignSite, ...]
    settings: DesignSettings = DesignSettings()

    @property
    def by_id(self) -> dict[str, DesignSite]:
        """Design sites by id."""
        return {s.site_id: s for s in self.sites}

    def with_settings(self, **changes: object) -> Design:
        """A copy with some settings replaced (``max_open=2``, say)."""
        return replace(self, settings=replace(self.settings, **changes))  # type: ignore[arg-type]


def design_network(network: Network, design: Design, lines: Mapping[str, int]) -> Network:
    """``network`` with the manufacturing slots of every design site set to its
    ``lines[site]`` (0, closed, for a site not in ``lines``) and each design site
    licensed for its ``therapies``; other sites keep their capacity.

    A design site's own capacity.csv rows keep their shape: a day with ``s`` of the
    site's most slots ``b`` (its largest weekly value) gets ``floor(lines x s / b)``
    (a holiday closure stays closed, a reduced day stays reduced, and with ``lines``
    equal to ``b`` every row is as written); a site without such rows has its lines
    on every day."""
    mine = {s.site_id for s in design.sites}
    cap = network.capacity
    weekly = {k: v for k, v in cap.weekly.items() if k[0] not in mine or k[1] != "manufacturing"}
    dated = {k: v for k, v in cap.dated.items() if k[0] not in mine or k[1] != "manufacturing"}
    for site in mine:
        n = int(lines.get(site, 0))
        base = max(cap.weekly.get((site, "manufacturing"), (0,)))
        if base <= 0:
            weekly[(site, "manufacturing")] = (n,) * 7
            continue
        week = cap.weekly[(site, "manufacturing")]
        weekly[(site, "manufacturing")] = tuple(n * w // base for w in week)
        for (at, resource, day), slots in cap.dated.items():
            if at == site and resource == "manufacturing":
                dated[(site, "manufacturing", day)] = n * slots // base
    therapies = dict(network.therapies)
    for d in design.sites:
        for tid in sorted(d.therapies):
            t = therapies[tid]
            if d.site_id not in t.sites:
                therapies[tid] = replace(t, sites=(*t.sites, d.site_id))
    return replace(network, capacity=Capacity(weekly=weekly, dated=dated), therapies=therapies)


def keep_bookings(network: Network, booked: Mapping[tuple[str, date], int]) -> Network:
    """``network`` with each site's manufacturing slots on a local day raised to the
    batches booked there that day (``booked[(site, day)]``): a closed design site
    keeps exactly the slots its bookings hold while it winds down, an open one its
    lines (or its bookings, when they overfill them)."""
    cap = network.capacity
    raised = {
        (site, "manufacturing", day): int(n)
        for (site, day), n in booked.items()
        if n > cap.slots(site, "manufacturing", day)
    }
    if not raised:
        return network
    dated = {**cap.dated, **raised}
    return replace(network, capacity=Capacity(weekly=cap.weekly, dated=dated))
