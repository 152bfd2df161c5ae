"""Scenarios: disruptions of the network and the order book, and sweeps over them.

The model objects are in :mod:`logistics.model.scenario`, the TOML reader in
:mod:`logistics.io.scenarios`; :func:`apply` transforms the inputs. A sweep
(:func:`logistics.scenarios.sweep.run_sweep`) is imported from its module: it brings
the solver.

>>> from logistics.scenarios import Scenario, apply
>>> Scenario.baseline().disruptions
()
"""

from logistics.io.scenarios import example_scenarios, read_scenario
from logistics.io.scenarios_check import validate_against
from logistics.model.scenario import Disruption, DisruptionKind, Scenario
from logistics.scenarios.transforms import apply, lane_matches, rule_matches

__all__ = [
    "Disruption",
    "DisruptionKind",
    "Scenario",
    "apply",
    "example_scenarios",
    "lane_matches",
    "read_scenario",
    "rule_matches",
    "validate_against",
]
