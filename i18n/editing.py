"""Importing files, editing features, history and restore."""

STRINGS: dict[str, tuple[str, str]] = {}
