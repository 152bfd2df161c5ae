"""Structural questions on the lane graph (networkx): cuts, single points of failure,
and their confirmation against tonight's plan (:mod:`logistics.analysis.critical`)."""

from logistics.analysis.elements import Element, ElementKind, elements
from logistics.analysis.structure import Reach, Structure, analyse, unreachable

__all__ = ["Element", "ElementKind", "Reach", "Structure", "analyse", "elements", "unreachable"]
