"""Location evidence and the position audit."""

STRINGS: dict[str, tuple[str, str]] = {}
