"""A user-facing message kept as a catalogue key and values, rendered in the reader's language.

The import core runs both under the CLI (English) and the app (Chinese, English or both), so it
never formats text itself: it records *what* to say and the page or the CLI picks the language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from i18n import t


@dataclass(frozen=True)
class Message:
    """A catalogue key (``i18n/editing.py``) and the values it is filled with."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.text("en")


def msg(key: str, **values: Any) -> Message:
    """Shorthand: ``msg("import.crs.declared", crs="EPSG:4549")``."""
    return Message(key, values)


class ImportFailed(ValueError):
    """The file as a whole cannot be imported (unreadable, too big, unsafe zip, no geometry).

    Row-level problems are not exceptions: they become rejected rows of the import plan.
    """

    def __init__(self, source: str, message: Message) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")

    def text(self, lang: str = "en") -> str:
        return f"{self.source}: {self.message.text(lang)}"
