"""What changed for each order between last night's plan and tonight's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from logistics.model.itinerary import Itinerary
from logistics.model.plan import Plan, PlannedOrder


class ChangeKind(StrEnum):
    """The kinds of change of changes.csv."""

    NEW = "new"
    DROPPED = "dropped"
    MOVED_SITE = "moved site"
    MOVED_APHERESIS = "moved apheresis"
    MOVED_SLOT = "moved slot"
    RE_ROUTED = "re-routed"
    DELIVERY_LATER = "delivery later"
    DELIVERY_EARLIER = "delivery earlier"


MOVES = frozenset(ChangeKind) - {ChangeKind.NEW, ChangeKind.DROPPED}
CHANGE_COLUMNS = ("order_id", "change", "field", "before", "after", "why")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One row of changes.csv: a field of an order's plan, before and after, and why."""

    order_id: str
    change: ChangeKind
    field: str
    before: str
    after: str
    why: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "change", ChangeKind(self.change))
        if not self.why:
            raise ValueError(f"change {self.change} of {self.order_id} needs a reason")

    def record(self) -> dict[str, str]:
        """The row as text, keyed by ``CHANGE_COLUMNS``."""
        return {
            "order_id": self.order_id,
            "change": str(self.change),
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "why": self.why,
        }


def stamp(t: datetime | None) -> str:
    """A time as in the plan files (UTC, ``Z``, to the second); empty for None."""
    return "" if t is None else t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def route(it: Itinerary | None) -> str:
    """An itinerary as its lanes and departures: ``LANE@depart;LANE@depart``."""
    if it is None:
        return ""
    return ";".join(f"{leg.lane_id}@{stamp(leg.depart)}" for leg in it.legs)


def diff(
    before: Plan | None, after: Plan, whys: Mapping[str, str] | None = None
) -> tuple[Change, ...]:
    """Every change from ``before`` (last night's plan; None: the first night) to
    ``after``, in ``after``'s order, then orders gone from the book. ``whys`` gives an
    order's reason (an event, a broken commitment); otherwise the reason is the plan's
    own (a new order, an unserved order's reason, a re-optimised open order)."""
    whys = whys or {}
    old = before.by_id() if before is not None else {}
    out: list[Change] = []
    for p in after.orders:
        out.extend(_order_changes(old.get(p.order_id), p, whys.get(p.order_id)))
    now_ids = {p.order_id for p in after.orders}
    for p in before.orders if before is not None else ():
        if p.order_id not in now_ids and p.served:
            why = whys.get(p.order_id) or "no longer in the order book"
            out.append(_change(p.order_id, ChangeKind.DROPPED, "status", str(p.status), "", why))
    return tuple(out)


def _change(oid: str, kind: ChangeKind, field: str, before: str, after: str, why: str) -> Change:
    return Change(order_id=oid, change=kind, field=field, before=before, after=after, why=why)


def _order_changes(was: PlannedOrder | None, now: PlannedOrder, why: str | None) -> list[Change]:
    oid = now.order_id
    if was is None:
        first = "new in the order book"
        if not now.served:
            first += f"; unserved: {now.reason}"
        return [_change(oid, ChangeKind.NEW, "status", "", str(now.status), why or first)]
    if not was.served:
        if now.served:
            return [
                _change(
                    oid, ChangeKind.NEW, "status", str(was.status), str(now.status),
                    why or "served tonight",
                )
            ]  # fmt: skip
        return []  # unserved both nights
    if not now.served:
        return [
            _change(
                oid,
                ChangeKind.DROPPED,
                "status",
                str(was.status),
                str(now.status),
                why or f"unserved: {now.reason}",
            )
        ]
    reason = why or (
        f"not committed, re-optimised tonight ({now.reason})"
        if now.status == "scheduled"
        else f"re-planned ({now.status}: {now.reason})"
    )
    out = []
    w, n = was, now
    pairs = (
        (ChangeKind.MOVED_SITE, "manufacturing_site", w.manufacturing_site, n.manufacturing_site),
        (ChangeKind.MOVED_APHERESIS, "apheresis_time", stamp(w.apheresis_time),
         stamp(n.apheresis_time)),
        (ChangeKind.MOVED_SLOT, "manufacturing_start", stamp(w.manufacturing_start),
         stamp(n.manufacturing_start)),
        (ChangeKind.RE_ROUTED, "inbound", route(w.inbound), route(n.inbound)),
        (ChangeKind.RE_ROUTED, "outbound", route(w.outbound), route(n.outbound)),
    )  # fmt: skip
    for kind, field, a, b in pairs:
        if a != b:
            out.append(_change(oid, kind, field, a or "", b or "", reason))
    if was.delivery_time != now.delivery_time:
        assert was.delivery_time is not None and now.delivery_time is not None
        kind = (
            ChangeKind.DELIVERY_LATER
            if now.delivery_time > was.delivery_time
            else ChangeKind.DELIVERY_EARLIER
        )
        out.append(
            _change(
                oid,
                kind,
                "delivery_time",
                stamp(was.delivery_time),
                stamp(now.delivery_time),
                reason,
            )
        )
    return out


def counts(after: Plan, changes: tuple[Change, ...]) -> dict[str, int]:
    """Patients unchanged, moved, new and dropped (an order counts once, by its most
    telling change: dropped, then new, then moved)."""
    kinds: dict[str, set[ChangeKind]] = {}
    for c in changes:
        kinds.setdefault(c.order_id, set()).add(c.change)
    out = {"unchanged": 0, "moved": 0, "new": 0, "dropped": 0}
    for ks in kinds.values():
        if ChangeKind.DROPPED in ks:
            out["dropped"] += 1
        elif ChangeKind.NEW in ks:
            out["new"] += 1
        else:
            out["moved"] += 1
    out["unchanged"] = sum(1 for p in after.orders if p.order_id not in kinds)
    return out
