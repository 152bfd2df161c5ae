"""ATMP logistics."""
