"""Risk of a plan: delay distributions and a Monte Carlo simulation with recourse."""

from logistics.risk.simulate import OrderRisk, SimulationResult, simulate

__all__ = ["OrderRisk", "SimulationResult", "simulate"]
