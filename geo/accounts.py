"""Local accounts: names, roles and salted argon2id password hashes; sign-in with slow-down.

Kept in the database (table ``app_users``) when ``$PROJECT_MAP_DATABASE_URL`` is set, else in
a JSON file (``$PROJECT_MAP_USERS``, default ``data/users.json``, written atomically with mode
0600). A password is never stored, logged or shown: only its argon2 hash.

Sign-in policy (``$PROJECT_MAP_SIGN_IN``): ``required`` means editing, importing, restoring and
saving scenes need a signed-in editor or admin; ``off`` is the one-planner setup where whoever
types a name may edit. Default: ``required`` with a database or an accounts file, else ``off``
(the GeoJSON file works exactly as before). ``$PROJECT_MAP_VIEW=signed-in`` also hides the map
from visitors who have not signed in (default ``public``).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo import settings
from geo.auth import ROLES, Actor
from geo.db.connect import connect, database_url

USERS_ENV: Final = "PROJECT_MAP_USERS"
SIGN_IN_ENV: Final = "PROJECT_MAP_SIGN_IN"
VIEW_ENV: Final = "PROJECT_MAP_VIEW"
#: A failed sign-in waits this long, doubling with each failure in a row, up to MAX_DELAY_S.
FIRST_DELAY_S: Final = 0.5
MAX_DELAY_S: Final = 8.0
NAME = re.compile(r"[A-Za-z0-9_.@\-\u4e00-\u9fff]{1,60}")
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A bad account request: the message says what to fix (never contains a password)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str
    failures: int = 0


def users_path() -> Path:
    env = os.environ.get(USERS_ENV, "").strip()
    return Path(env) if env else settings.DATA_DIR / "users.json"


def sign_in_required() -> bool:
    mode = os.environ.get(SIGN_IN_ENV, "").strip().lower()
    if mode in ("required", "off"):
        return mode == "required"
    return bool(database_url()) or users_path().is_file()


def view_needs_sign_in() -> bool:
    return os.environ.get(VIEW_ENV, "").strip().lower() == "signed-in"


def check_new(name: str, role: str, password: str | None = None) -> None:
    if not NAME.fullmatch(name or ""):
        raise AccountError(
            f"name {name!r}: use 1-60 letters, digits, Chinese characters, '.', '_', '-' or '@'"
        )
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if password is not None and len(password) < 10:
        raise AccountError("password: use at least 10 characters")


class AccountStore:
    """Accounts in the database or the JSON file; the same methods either way."""

    def __init__(self) -> None:
        self.url = database_url()
        self.path = users_path()

    # Storage -----------------------------------------------------------------------------
    def _read_file(self) -> dict[str, dict[str, Any]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AccountError(f"{self.path}: cannot read the accounts file ({exc})") from None

    def _write_file(self, users: dict[str, dict[str, Any]]) -> None:
        from geo.store import write_atomic

        existed = self.path.is_file()
        write_atomic(self.path, json.dumps(users, ensure_ascii=False, indent=2).encode("utf-8"))
        if not existed:
            self.path.chmod(0o600)

    def get(self, name: str) -> Account | None:
        if self.url:
            with connect(self.url) as conn:
                row = conn.execute(
                    "SELECT name, role, password_hash, failed_attempts FROM app_users"
                    " WHERE name = %s",
                    (name,),
                ).fetchone()
            return Account(*row) if row else None
        found = self._read_file().get(name)
        if found is None:
            return None
        return Account(name, found["role"], found["password_hash"], found.get("failures", 0))

    def list(self) -> list[Account]:
        if self.url:
            with connect(self.url) as conn:
                rows = conn.execute(
                    "SELECT name, role, password_hash, failed_attempts FROM app_users ORDER BY name"
                ).fetchall()
            return [Account(*row) for row in rows]
        users = self._read_file()
        return [self.get(name) for name in sorted(users)]  # type: ignore[misc]

    def put(self, account: Account) -> None:
        if self.url:
            with connect(self.url) as conn:
                conn.execute(
                    "INSERT INTO app_users (name, role, password_hash, failed_attempts)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET"
                    " role = excluded.role, password_hash = excluded.password_hash,"
                    " failed_attempts = excluded.failed_attempts",
                    (account.name, account.role, account.password_hash, account.failures),
                )
            return
        users = self._read_file()
        users[account.name] = {
            "role": account.role,
            "password_hash": account.password_hash,
            "failures": account.failures,
        }
        self._write_file(users)

    def remove(self, name: str) -> bool:
        if self.url:
            with connect(self.url) as conn:
                gone = conn.execute("DELETE FROM app_users WHERE name = %s", (name,)).rowcount
            return bool(gone)
        users = self._read_file()
        if users.pop(name, None) is None:
            return False
        self._write_file(users)
        return True

    # Accounts ----------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str) -> None:
        check_new(name, role, password)
        if self.get(name) is not None:
            raise AccountError(f"account {name!r} exists; use set-role, or remove it first")
        self.put(Account(name, role, _hasher.hash(password)))

    def set_role(self, name: str, role: str) -> None:
        check_new(name, role)
        found = self.get(name)
        if found is None:
            raise AccountError(f"no account {name!r}; list them with python -m geo users list")
        self.put(Account(name, role, found.password_hash, found.failures))

    def sign_in(self, name: str, password: str, *, sleep=time.sleep) -> Actor | None:
        """The actor for a right name and password, else None after a growing delay."""
        found = self.get(name) if NAME.fullmatch(name or "") else None
        try:
            _hasher.verify(found.password_hash if found else _DUMMY_HASH, password)
            ok = found is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if ok and found is not None:
            if found.failures:
                self.put(Account(found.name, found.role, found.password_hash, 0))
            return Actor(found.name, found.role)
        failures = found.failures + 1 if found else 1
        if found is not None:
            self.put(Account(found.name, found.role, found.password_hash, failures))
        sleep(min(FIRST_DELAY_S * 2 ** (failures - 1), MAX_DELAY_S))
        return None


# Command line ---------------------------------------------------------------------------------
def add_parser(commands) -> None:
    """``python -m geo users add|list|set-role|remove``."""
    cmd = commands.add_parser(
        "users",
        help="local accounts for signing in to edit (viewer, editor, admin)",
        description="Manage local accounts (argon2 hashes; the database when configured).",
    )
    actions = cmd.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser("add", help="add an account (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", default="editor", help=f"one of {', '.join(ROLES)}")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    actions.add_parser("list", help="names and roles")
    role = actions.add_parser("set-role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", help=f"one of {', '.join(ROLES)}")
    remove = actions.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    cmd.set_defaults(run=run)


def run(args) -> int:
    import getpass
    import sys

    from geo.errors import ProjectDataError

    store = AccountStore()
    try:
        if args.users_command == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass(f"password for {args.name}: ")
            store.add(args.name, args.role, password)
            print(f"added {args.name} ({args.role})")
        elif args.users_command == "list":
            for account in store.list():
                print(f"{account.name}\t{account.role}")
        elif args.users_command == "set-role":
            store.set_role(args.name, args.role)
            print(f"{args.name} is now {args.role}")
        elif not store.remove(args.name):
            raise AccountError(f"no account {args.name!r}")
        else:
            print(f"removed {args.name}")
    except (AccountError, ProjectDataError) as exc:
        print(f"python -m geo users: error: {exc}", file=sys.stderr)
        return 1
    return 0
