"""Who may do what: roles checked where the write happens (the stores), not only in the page.

Roles: ``viewer`` (look), ``editor`` (edit, import, restore, save scenes), ``admin`` (also
manage accounts). The page passes the signed-in :class:`Actor` to the store it opens; every
write method calls :func:`require` first, so a button the page forgot to hide still cannot
write. The command line passes no actor: it runs with the file's or the database's own login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ROLES: Final = ("viewer", "editor", "admin")
#: The least role each write needs.
NEEDS: Final = {
    "edit": "editor",
    "import": "editor",
    "restore": "editor",
    "scenes": "editor",
    "users": "admin",
}


@dataclass(frozen=True)
class Actor:
    """Someone using the app: their name (None when not signed in) and role."""

    name: str | None
    role: str = "viewer"

    @property
    def signed_in(self) -> bool:
        return self.name is not None


#: A visitor who has not signed in: may look, never write.
ANONYMOUS: Final = Actor(None, "viewer")


class AccessDenied(PermissionError):
    """The signed-in user (or nobody) may not make this write."""

    def __init__(self, actor: Actor, action: str) -> None:
        self.actor, self.action, self.needed = actor, action, NEEDS[action]
        who = actor.name or "nobody signed in"
        super().__init__(f"{who} ({actor.role}) may not {action}: needs role {self.needed}")


def can(actor: Actor | None, action: str) -> bool:
    """Whether ``actor`` may ``action`` (None: the command line, which may)."""
    if actor is None:
        return True
    if not actor.signed_in or actor.role not in ROLES:
        return False
    return ROLES.index(actor.role) >= ROLES.index(NEEDS[action])


def require(actor: Actor | None, action: str) -> None:
    """Raise :class:`AccessDenied` unless ``actor`` may ``action``."""
    if not can(actor, action):
        raise AccessDenied(actor or ANONYMOUS, action)
