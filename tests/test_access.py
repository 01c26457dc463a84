"""Who may edit: local accounts (argon2), sign-in slow-down, roles checked at every write path."""

from __future__ import annotations

import io
import json

import pytest

from geo import accounts, auth
from geo.cli import main
from geo.scenes import add_scene, delete_scene, load_scenes
from geo.view import ViewState

PASSWORD = "correct horse battery"


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv(accounts.USERS_ENV, str(path))
    monkeypatch.delenv("PROJECT_MAP_DATABASE_URL", raising=False)
    monkeypatch.delenv(accounts.SIGN_IN_ENV, raising=False)
    return path


def add_user(monkeypatch, name: str, role: str, password: str = PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", "add", name, "--role", role, "--password-stdin"])


def test_users_command_keeps_only_an_argon2_hash(users_file, monkeypatch, capsys):
    assert add_user(monkeypatch, "wang", "editor") == 0
    assert add_user(monkeypatch, "li", "viewer") == 0
    stored = users_file.read_text(encoding="utf-8")
    assert PASSWORD not in stored
    assert json.loads(stored)["wang"]["password_hash"].startswith("$argon2id$")
    assert users_file.stat().st_mode & 0o777 == 0o600
    assert main(["users", "set-role", "li", "admin"]) == 0
    assert main(["users", "remove", "wang"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out == "li\tadmin\n"


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("wang", "owner", PASSWORD, "role 'owner'"),
        ("bad name;--", "editor", PASSWORD, "name 'bad name;--'"),
        ("wang", "editor", "short", "at least 10"),
    ],
)
def test_bad_account_requests_are_one_clear_line(
    users_file, monkeypatch, capsys, name, role, password, message
):
    assert add_user(monkeypatch, name, role, password) == 1
    err = capsys.readouterr().err
    assert message in err and password not in err.replace(message, "")


def test_failed_sign_ins_wait_longer_each_time_and_reset_on_success(users_file, monkeypatch):
    add_user(monkeypatch, "wang", "editor")
    store = accounts.AccountStore()
    waits: list[float] = []
    for _ in range(3):
        assert store.sign_in("wang", "wrong password", sleep=waits.append) is None
    assert store.sign_in("nobody", PASSWORD, sleep=waits.append) is None
    assert waits == [0.5, 1.0, 2.0, 0.5]
    assert store.sign_in("wang", PASSWORD, sleep=waits.append) == auth.Actor("wang", "editor")
    assert store.get("wang").failures == 0


def test_sign_in_is_off_for_the_lone_file_and_on_with_accounts_or_a_database(
    users_file, monkeypatch
):
    assert not accounts.sign_in_required()
    add_user(monkeypatch, "wang", "editor")
    assert accounts.sign_in_required()
    monkeypatch.setenv(accounts.SIGN_IN_ENV, "off")
    assert not accounts.sign_in_required()
    users_file.unlink()
    monkeypatch.setenv(accounts.SIGN_IN_ENV, "")
    monkeypatch.setenv("PROJECT_MAP_DATABASE_URL", "postgresql://x@/y")
    assert accounts.sign_in_required()


def test_roles_order():
    assert not auth.can(auth.ANONYMOUS, "edit")
    assert not auth.can(auth.Actor("v", "viewer"), "edit")
    assert auth.can(auth.Actor("e", "editor"), "import")
    assert not auth.can(auth.Actor("e", "editor"), "users")
    assert auth.can(auth.Actor("a", "admin"), "users")
    assert not auth.can(auth.Actor("x", "superuser"), "edit")  # unknown role: nothing
    assert auth.can(None, "edit")  # the command line


def test_viewer_cannot_save_or_delete_scenes(tmp_path):
    path = tmp_path / "scenes.json"
    path.write_text('{"scenes": []}', encoding="utf-8")
    from geo.scenes import Scene

    scene = Scene("a", "甲", "A", "", "", ViewState())
    for actor in (auth.ANONYMOUS, auth.Actor("v", "viewer")):
        with pytest.raises(auth.AccessDenied):
            add_scene(scene, path, actor=actor)
    saved = add_scene(scene, path, actor=auth.Actor("e", "editor"))
    with pytest.raises(auth.AccessDenied):
        delete_scene(saved.id, path, actor=auth.Actor("v", "viewer"))
    assert [s.id for s in load_scenes(path)] == [saved.id]


def test_accounts_live_in_the_database_when_one_is_configured(pg_url, monkeypatch, tmp_path):
    monkeypatch.setenv(accounts.USERS_ENV, str(tmp_path / "users.json"))
    hostile = "x'); DROP TABLE app_users; --"
    assert add_user(monkeypatch, "张工", "editor", hostile) == 0
    assert not (tmp_path / "users.json").exists()
    store = accounts.AccountStore()
    assert store.sign_in("张工", hostile, sleep=lambda s: None) == auth.Actor("张工", "editor")
    assert [a.name for a in store.list()] == ["张工"]
