"""The patients a planner must look at after a plan: unserved ones, then the riskiest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from logistics.model.plan import Plan
    from logistics.risk.simulate import SimulationResult

AT_RISK = 0.05  # breach probability from which a served patient is listed


def attention_rows(
    plan: Plan, risk: SimulationResult | None, n: int = 10
) -> list[tuple[str, str, str, str]]:
    """Up to ``n`` rows (order id, centre, what, why): the unserved patients in
    the book's order (with their reasons), then served ones whose breach probability is at
    least :data:`AT_RISK`, riskiest first, with the window that dominates it."""
    rows = [
        (p.order_id, p.treatment_centre, "unserved", p.reason or "no schedule found")
        for p in plan.unserved
    ]
    by_id = risk.by_id() if risk is not None else {}
    risky = sorted(
        (p for p in plan.served if (p.p_breach or 0.0) >= AT_RISK),
        key=lambda p: (-(p.p_breach or 0.0), p.order_id),
    )
    for p in risky:
        r = by_id.get(p.order_id)
        if r is None:
            why = ""
        elif r.p_inbound >= r.p_hold:
            why = f"fresh material may miss the inbound window (p {r.p_inbound:.2f})"
        else:
            why = f"delivery may outlast the dry shipper's hold (p {r.p_hold:.2f})"
        site = p.manufacturing_site or ""
        rows.append(
            (p.order_id, p.treatment_centre, f"p_breach {p.p_breach:.2f}", f"{why} via {site}")
        )
    return rows[:n]


def attention_table(plan: Plan, risk: SimulationResult | None, n: int = 10) -> Table | None:
    """:func:`attention_rows` as a table; None when nobody needs attention."""
    rows = attention_rows(plan, risk, n)
    if not rows:
        return None
    left = len(plan.unserved) + sum(1 for p in plan.served if (p.p_breach or 0.0) >= AT_RISK)
    title = f"Patients needing attention ({len(rows)} of {left})"
    table = Table(title=title, title_justify="left")
    table.add_column("order", overflow="fold")
    table.add_column("centre", overflow="fold")
    table.add_column("what", overflow="fold")
    table.add_column("why", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table
