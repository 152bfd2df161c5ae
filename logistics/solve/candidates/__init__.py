"""Candidate schedules of each order: built in phases (``phases``), booked orders kept
as booked (``booked``), the result as a ``CandidateSet`` (``candidate``)."""

from logistics.solve.candidates.build import build_candidates, horizon
from logistics.solve.candidates.candidate import DAY_S, Candidate, CandidateSet

__all__ = ["DAY_S", "Candidate", "CandidateSet", "build_candidates", "horizon"]
