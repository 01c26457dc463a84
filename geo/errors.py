"""The one exception family for bad project data."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: where, which field, what value, and how to fix it."""

    feature: str
    field: str
    value: object
    fix: str

    def __str__(self) -> str:
        value = repr(self.value)
        if len(value) > 80:
            value = value[:77] + "..."
        where = f"feature {self.feature}" if self.feature else "file"
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {value}: {self.fix}"


class ProjectDataError(ValueError):
    """Raised when a projects file cannot be used; carries every problem found at once."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{source}: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))

    def print_problems(self, file: TextIO | None = None) -> None:
        """One line per problem, each naming the file (what every command prints)."""
        for problem in self.problems:
            print(f"{self.source}: {problem}", file=file or sys.stderr)
