"""Scenarios: disruptions of the network and the order book, read from TOML files.

>>> from logistics.scenarios import Scenario, apply
>>> Scenario.baseline().disruptions
()
"""

from logistics.scenarios.spec import (
    Disruption,
    Scenario,
    example_scenarios,
    read_scenario,
    validate_against,
)
from logistics.scenarios.transforms import apply, lane_matches, rule_matches

__all__ = [
    "Disruption",
    "Scenario",
    "apply",
    "example_scenarios",
    "lane_matches",
    "read_scenario",
    "rule_matches",
    "validate_against",
]
