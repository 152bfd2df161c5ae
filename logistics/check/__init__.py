"""Independent feasibility checker: itineraries and plans against the data contract.

Never imports the routing engine (``logistics.network``) or the solver
(``logistics.solve``) it checks.
"""

from logistics.check.legs import check_itinerary, check_legs
from logistics.check.plan import check
from logistics.check.violations import Violation

__all__ = ["Violation", "check", "check_itinerary", "check_legs"]
