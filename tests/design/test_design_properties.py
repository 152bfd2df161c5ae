"""Properties of the design: fixed costs, forced sites, the cap, the checker."""

from __future__ import annotations

from dataclasses import replace

import pytest
from design_helpers import PARAMS, Instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.check import check
from logistics.design.solve import DesignResult, solve_design


@pytest.fixture(scope="session")
def base(capped: Instance) -> DesignResult:
    """The weighted design of the capped instance."""
    return solve_design(capped.network, capped.book, capped.design, PARAMS)


def _with_fixed(inst: Instance, site: str, extra: float):
    sites = tuple(
        replace(s, fixed_cost_eur=s.fixed_cost_eur + extra) if s.site_id == site else s
        for s in inst.design.sites
    )
    return replace(inst.design, sites=sites)


def test_base_design_is_proven_and_checked(capped: Instance, base: DesignResult) -> None:
    """The capped instance's design is proven optimal over every schedule and design,
    opens at most max_open sites and its plan passes the independent checker."""
    assert base.status == "OPTIMAL"
    assert base.bound is not None and base.objective is not None
    assert base.bound <= base.objective + 1e-6
    assert 1 <= len(base.lines) <= capped.design.settings.max_open
    assert check(base.plan, base.network, capped.book) == []


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.integers(0, 5), extra=st.floats(1_000, 5_000_000))
def test_raising_a_fixed_cost_never_opens_a_closed_site(
    capped: Instance, base: DesignResult, index: int, extra: float
) -> None:
    """A site the optimal design leaves closed stays closed when its fixed cost
    rises; the objective never falls."""
    site = capped.design.sites[index].site_id
    result = solve_design(capped.network, capped.book, _with_fixed(capped, site, extra), PARAMS)
    assert result.status == "OPTIMAL"
    if site not in base.lines:
        assert site not in result.lines
    assert result.objective >= base.objective - 1e-6
    assert check(result.plan, result.network, capped.book) == []


def test_must_open_and_must_close_are_respected(capped: Instance, base: DesignResult) -> None:
    """Forcing a closed site open opens it, forcing an open site closed closes it;
    neither can lower the objective, and both plans pass the checker."""
    closed = next(s.site_id for s in capped.design.sites if s.site_id not in base.lines)
    opened = next(iter(base.lines))
    forced = capped.design.with_settings(must_open=frozenset({closed}))
    shut = capped.design.with_settings(must_close=frozenset({opened}))
    r_open = solve_design(capped.network, capped.book, forced, PARAMS)
    r_shut = solve_design(capped.network, capped.book, shut, PARAMS)
    assert closed in r_open.lines
    assert opened not in r_shut.lines
    for r in (r_open, r_shut):
        assert r.objective >= base.objective - 1e-6
        assert len(r.lines) <= capped.design.settings.max_open
        assert check(r.plan, r.network, capped.book) == []


def test_cost_objective_keeps_the_cap_and_mixes_modes(capped: Instance) -> None:
    """Under ``--objective cost`` every patient is served within the 18-day cap,
    taking the cheaper two-day mode on one leg (both would break the cap); without
    the cap the plan is no dearer and takes it on both legs."""
    capped_result = solve_design(
        capped.network, capped.book, capped.design, PARAMS, objective="cost"
    )
    free = solve_design(
        capped.network,
        capped.book,
        capped.design.with_settings(v2v_cap_days=None),
        PARAMS,
        objective="cost",
    )
    cap_h = 18 * 24
    for r in (capped_result, free):
        assert r.status == "OPTIMAL"
        assert len(r.plan.served) == len(capped.book)
        assert check(r.plan, r.network, capped.book) == []
    slow_legs = []
    for p in capped_result.plan.served:
        assert p.v2v_h <= cap_h + 1e-9
        modes = [leg.mode for leg in (*p.inbound.legs, *p.outbound.legs)]
        slow_legs.append(modes.count("road"))
    assert slow_legs == [1] * len(slow_legs)
    assert free.costs_eur["total"] <= capped_result.costs_eur["total"]
    assert all(p.v2v_h > cap_h for p in free.plan.served)
