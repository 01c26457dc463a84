"""Saving and deleting scenes, export limits, data and settings errors."""

STRINGS: dict[str, tuple[str, str]] = {}
