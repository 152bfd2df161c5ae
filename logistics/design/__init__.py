"""Network design: which sites to open, how many lines each, which centres each serves."""

from logistics.design.model import (
    Design,
    DesignSettings,
    DesignSite,
    design_network,
    keep_bookings,
)

__all__ = [
    "Design",
    "DesignSettings",
    "DesignSite",
    "design_network",
    "keep_bookings",
    "solve_design",
]


def __getattr__(name: str):  # the solver loads on first use
    if name == "solve_design":
        from logistics.design.solve import solve_design

        return solve_design
    raise AttributeError(name)
