"""What the checker reports: one broken rule, in words a planner understands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    ``kind`` is a short stable code for programs and tests ("too_fast",
    "not_running", ...); ``message`` says what is wrong in planner terms; ``where``
    names the place in the plan ("inbound leg 2 (AIR-LHR-AMS)").
    """

    kind: str
    message: str
    order_id: str | None = None
    where: str = ""

    def __str__(self) -> str:
        head = " ".join(
            part for part in (f"order {self.order_id}" if self.order_id else "", self.where) if part
        )
        text = f"{head}: {self.message}" if head else self.message
        return f"{text} [{self.kind}]"
