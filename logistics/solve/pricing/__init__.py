"""Column generation over the full schedule space: the restricted master LP
(:mod:`.master`), pricing of one order's schedules (:mod:`.price`) and the loop that
grows the candidate set and bounds the objective over every schedule (:mod:`.loop`).
See docs/pricing.md."""

from logistics.solve.pricing.loop import PricingStats, grow

__all__ = ["PricingStats", "grow"]
