"""The table of patients needing attention that `logistics plan` ends with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from logistics.cli.attention import AT_RISK, attention_rows
from logistics.model.plan import Plan, PlannedOrder

T0 = datetime(2026, 12, 7, 12, tzinfo=UTC)


def served(order_id: str, p_breach: float) -> PlannedOrder:
    times = [T0 + timedelta(days=d) for d in (0, 1, 10, 17, 18, 19, 24)]
    return PlannedOrder(
        order_id=order_id,
        therapy="cart",
        treatment_centre="TC-A",
        status="scheduled",
        apheresis_time=times[0],
        manufacturing_site="MFG-B",
        manufacturing_start=times[1],
        manufacturing_end=times[2],
        release_time=times[3],
        delivery_time=times[4],
        lymphodepletion_start=times[5],
        infusion_time=times[6],
        p_breach=p_breach,
    )


def unserved(order_id: str, reason: str) -> PlannedOrder:
    return PlannedOrder(
        order_id=order_id,
        therapy="cart",
        treatment_centre="TC-A",
        status="unserved",
        reason=reason,
    )


def risk(**by_id: tuple[float, float]) -> SimpleNamespace:
    return SimpleNamespace(
        by_id=lambda: {k: SimpleNamespace(p_inbound=i, p_hold=h) for k, (i, h) in by_id.items()}
    )


def test_unserved_first_then_the_riskiest_with_the_dominant_window():
    """Unserved patients come first (book order, with their reasons), then served ones at
    or above the risk threshold, riskiest first, each with the window that dominates its
    breach; safe patients are not listed and the list stops at ``n``."""
    plan = Plan(
        orders=(
            served("S-SAFE", AT_RISK / 2),
            unserved("U-2", "no slot at MFG-B before the window closes"),
            served("S-HOLD", 0.30),
            served("S-IN", AT_RISK),
            unserved("U-1", "no lane"),
        )
    )
    rows = attention_rows(plan, risk(**{"S-HOLD": (0.05, 0.28), "S-IN": (0.05, 0.0)}))
    assert [r[0] for r in rows] == ["U-2", "U-1", "S-HOLD", "S-IN"]
    assert rows[0][3] == "no slot at MFG-B before the window closes"
    assert "hold" in rows[2][3] and "inbound" in rows[3][3]
    assert [r[0] for r in attention_rows(plan, None, n=3)] == ["U-2", "U-1", "S-HOLD"]
    assert attention_rows(Plan(orders=(served("S", 0.0),)), None) == []
