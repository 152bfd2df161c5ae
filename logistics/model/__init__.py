"""Frozen domain objects: no I/O, no OR-Tools."""
