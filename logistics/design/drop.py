"""A better first design: close sites of the greedy plan while that pays (the drop
heuristic of facility location, with the plan repaired under its capacities)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from logistics.design.lp import DesignRows
from logistics.model.ledger import Key
from logistics.solve.greedy import capacity, urgency
from logistics.solve.problem import Problem

# candidates the drops and the repair may try in all (a few seconds on the two-core
# machine; a count, not a clock, so the start is the same on every machine): a
# heavily overloaded design moves or leaves out thousands of orders
CHECKS = 5_000_000


def drop_sites(d: DesignRows, problem: Problem, chosen: list[int]) -> list[int]:
    """``chosen`` (candidates of ``problem``, each design site it uses open at its
    most lines) after closing used design sites one at a time: each time the one
    whose closing lowers the design objective (``d``) the most, while one does, or
    while more sites are open than ``max_open`` allows. A closed site's orders move,
    most urgent first, to their cheapest candidate that fits at a site still open or
    outside the design, or go unserved. Sites that must open stay open. Then the
    orders left out are served where they can be (:func:`_serve_left`). Both stop
    once ``CHECKS`` candidates have been tried."""
    free, rows_of = capacity(problem)
    for c in chosen:
        for key in rows_of[c]:
            free[key] -= 1
    plan = {d.orders[c]: c for c in chosen}
    forced = {j for j, (lo, _) in enumerate(d.y_bounds) if lo > 0.5}
    open_ = {d.cand_site[c] for c in chosen if d.cand_site[c] >= 0} | forced
    cost = [
        d.open_cost[j] + (d.line_cost[j] * d.lines[j][1] if d.sizing[j] else 0)
        for j in range(len(d.open_cost))
    ]
    cheapest = {
        k: sorted(cands, key=lambda c: (d.coef[c], c)) for k, cands in enumerate(d.by_order)
    }
    most_urgent = urgency(problem.cs.book.orders)
    checks = [CHECKS]

    def close(j: int) -> tuple[int, dict[int, int | None], dict[Key, int]]:
        moved = sorted((k for k, c in plan.items() if d.cand_site[c] == j), key=most_urgent)
        change: dict[Key, int] = defaultdict(int)
        for k in moved:
            for key in rows_of[plan[k]]:
                change[key] += 1
        delta = -cost[j]
        to: dict[int, int | None] = {}
        for k in moved:
            delta -= d.coef[plan[k]]
            to[k] = None
            for c in cheapest[k]:
                s = d.cand_site[c]
                if s == j or (s >= 0 and s not in open_):
                    continue
                checks[0] -= 1
                if all(free[key] + change[key] > 0 for key in rows_of[c]):
                    for key in rows_of[c]:
                        change[key] -= 1
                    to[k], delta = c, delta + d.coef[c]
                    break
            else:
                delta += d.penalty[k]
        return delta, to, change

    while checks[0] > 0:
        trials = [(close(j), j) for j in sorted(open_ - forced)]
        if not trials:
            break
        (delta, to, change), j = min(trials, key=lambda t: (t[0][0], t[1]))
        over = d.max_open is not None and len(open_) > d.max_open
        if delta >= 0 and not over:
            break
        open_.discard(j)
        for key, n in change.items():
            free[key] += n
        for k, new in to.items():
            if new is None:
                del plan[k]
            else:
                plan[k] = new
    _serve_left(d, rows_of, free, plan, open_, cheapest, most_urgent, checks)
    return sorted(plan.values())


def _serve_left(
    d: DesignRows,
    rows_of: Mapping[int, list[Key]],
    free: dict[Key, int],
    plan: dict[int, int],
    open_: set[int],
    cheapest: Mapping[int, list[int]],
    most_urgent: Callable[[int], tuple],
    checks: list[int],
) -> None:
    """Serve, most urgent first, the orders left out: at their cheapest candidate
    that fits at an open site (or outside the design), or that fits once one served
    order holding every full row it needs moves to another candidate that fits
    (when that costs less than the order's penalty); while ``checks[0]`` (candidates
    still allowed to be tried) is positive."""
    ok = {c for c in range(len(d.coef)) if d.cand_site[c] < 0 or d.cand_site[c] in open_}
    holders: dict[Key, set[int]] = defaultdict(set)
    for k, c in plan.items():
        for key in rows_of[c]:
            holders[key].add(k)

    def fits(c: int, spare: Mapping[Key, int]) -> bool:
        checks[0] -= 1
        return all(free[key] + spare.get(key, 0) > 0 for key in rows_of[c])

    def move(k: int, c: int) -> None:
        if k in plan:
            for key in rows_of[plan[k]]:
                free[key] += 1
                holders[key].discard(k)
        for key in rows_of[c]:
            free[key] -= 1
            holders[key].add(k)
        plan[k] = c

    left = sorted((k for k, cs in cheapest.items() if cs and k not in plan), key=most_urgent)
    for k in left:
        if checks[0] <= 0:
            return  # the work allowed is spent (a count, not a clock: the same plan anywhere)
        options = [c for c in cheapest[k] if c in ok]
        direct = next((c for c in options if fits(c, {}) and d.coef[c] < d.penalty[k]), None)
        if direct is not None:
            move(k, direct)
            continue
        best: tuple[int, int, int, int] | None = None  # (delta, c, other, its new c)
        for c in options:
            full = [key for key in rows_of[c] if free[key] <= 0]
            if not full:
                continue
            for other in sorted(set.intersection(*(holders[key] for key in full))):
                mine = plan[other]
                spare: dict[Key, int] = defaultdict(int)
                for key in rows_of[mine]:
                    spare[key] += 1
                for key in rows_of[c]:
                    spare[key] -= 1
                alt = next(
                    (a for a in cheapest[other] if a != mine and a in ok and fits(a, spare)),
                    None,
                )
                if alt is None:
                    continue
                delta = d.coef[c] + d.coef[alt] - d.coef[mine] - d.penalty[k]
                if delta < 0 and (best is None or delta < best[0]):
                    best = (delta, c, other, alt)
            if best is not None:
                break  # the cheapest candidate that can be made to fit
        if best is not None:
            _, c, other, alt = best
            move(other, alt)
            move(k, c)
