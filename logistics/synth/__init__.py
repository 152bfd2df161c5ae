"""Seeded synthetic inputs: order books (:mod:`.orders`) for examples, tests and
benchmarks."""

from logistics.synth.orders import generate_orders

__all__ = ["generate_orders"]
