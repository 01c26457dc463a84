"""Scenes: named saved views for presenting, kept in a readable JSON file (``data/scenes.json``).

Writers hold an OS file lock (``filelock``) around read-merge-write, so concurrent saves never
lose a scene; each write is atomic (a temporary file beside the target, then rename) and keeps
the file's mode and owner, so a crash or a bad scene never damages the scenes already saved.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import filelock

from geo import auth, settings
from geo.db.connect import database_url
from geo.db.scenes import add_db_scene, delete_db_scene, load_db_scenes
from geo.errors import Problem, ProjectDataError
from geo.load import read_collection
from geo.text import strip_hidden
from geo.view import SCENE_ID, ViewState, from_query, to_query
from i18n import t

SCENES_PATH: Final = settings.DATA_DIR / "scenes.json"
SCENES_ENV: Final = "PROJECT_MAP_SCENES"
_TEXT_FIELDS: Final = ("title_zh", "title_en", "caption_zh", "caption_en")
#: Limits on what visitors can add: a page of scenes, each a title and a short caption.
MAX_TITLE_CHARS: Final = 80
MAX_CAPTION_CHARS: Final = 400
#: How long a save waits for other writers before giving up, and how often it looks (s).
#: The OS lock is not fair: a writer saving in a tight loop can hold it again and again, so
#: waiters look often and wait long before saying "busy, try again".
LOCK_TIMEOUT_S: Final = 30.0
LOCK_POLL_S: Final = 0.005


@dataclass(frozen=True)
class Scene:
    """A named view: what to show, where, and what to say about it."""

    id: str
    title_zh: str
    title_en: str
    caption_zh: str
    caption_en: str
    view: ViewState


def scenes_path() -> Path:
    """``$PROJECT_MAP_SCENES`` or ``data/scenes.json`` (not used with a database)."""
    env = os.environ.get(SCENES_ENV, "").strip()
    return Path(env) if env else SCENES_PATH


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    """A scene as stored: its texts and the view's query parameters."""
    return {
        "id": scene.id,
        **{name: getattr(scene, name) for name in _TEXT_FIELDS},
        "view": to_query(scene.view),
    }


def scene_from_dict(data: Any, index: int = 0) -> tuple[Scene | None, list[Problem]]:
    """Parse one stored scene; returns it (or None) and every problem found."""
    label = f"#{index + 1}"
    if not isinstance(data, dict):
        return None, [Problem(label, "", type(data).__name__, "each scene must be an object")]
    scene_id = data.get("id")
    problems = []
    if not isinstance(scene_id, str) or not SCENE_ID.fullmatch(scene_id):
        fix = "give a short ASCII id of lower-case letters, digits and hyphens"
        problems.append(Problem(label, "id", scene_id, fix))
    else:
        label = f"'{scene_id}'"
    # A scene needs a title in at least one language; captions may be empty.
    for name in _TEXT_FIELDS:
        if not isinstance(data.get(name, ""), str):
            problems.append(Problem(label, name, data.get(name), "give a text"))
    if not any(isinstance(data.get(n), str) and data[n].strip() for n in ("title_zh", "title_en")):
        fix = "give a title in Chinese (title_zh) or English (title_en)"
        problems.append(Problem(label, "title_zh", data.get("title_zh"), fix))
    raw_view = data.get("view")
    if not isinstance(raw_view, dict) or not all(isinstance(v, str) for v in raw_view.values()):
        problems.append(Problem(label, "view", raw_view, "give the view as text parameters"))
        return None, problems
    view = from_query(raw_view)
    problems += [Problem(label, "view", raw_view, notice) for notice in view.notices]
    if problems:
        return None, problems
    texts = {name: str(data.get(name, "")).strip() for name in _TEXT_FIELDS}
    return Scene(id=scene_id, view=view, **texts), []


def load_scenes(path: str | os.PathLike[str] | None = None) -> list[Scene]:
    """Load and check the scenes file; a missing file means no scenes.

    Raises
    ------
    ProjectDataError
        Naming each bad scene, field and fix.
    """
    if not path and database_url():
        return load_db_scenes(database_url())
    path = Path(path) if path else scenes_path()
    if not path.exists():
        return []
    data = read_collection(path, max_bytes=settings.MAX_SCENES_BYTES)
    items = data.get("scenes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ProjectDataError(str(path), [Problem("", "scenes", None, 'give {"scenes": [...]}')])
    scenes, problems = [], []
    for index, item in enumerate(items):
        scene, found = scene_from_dict(item, index)
        problems += found
        if scene is not None:
            scenes.append(scene)
    ids = [s.id for s in scenes]
    problems += [
        Problem(f"'{i}'", "id", i, "duplicate scene id") for i in set(ids) if ids.count(i) > 1
    ]
    if problems:
        raise ProjectDataError(str(path), problems)
    return scenes


def save_scenes(scenes: list[Scene], path: str | os.PathLike[str] | None = None) -> Path:
    """Replace the whole scenes file (checked first), holding the writers' lock.

    To add or delete one scene use :func:`add_scene` / :func:`delete_scene`, which re-read
    the file under the lock so that no other writer's scene is lost.
    """
    path = Path(path) if path else scenes_path()
    with _writer_lock(path):
        _write_scenes(scenes, path)
    return path


def add_scene(
    scene: Scene,
    path: str | os.PathLike[str] | None = None,
    *,
    max_scenes: int = settings.MAX_SCENES,
    actor: auth.Actor | None = None,
) -> Scene:
    """Append ``scene`` to the file and return it as stored (its id made unique).

    The file is re-read, merged and written while an OS lock is held, so two presenters (or
    processes) saving at once both keep their scene; the file is read back before returning.

    Raises
    ------
    SceneStoreError
        When saving is off (read-only file or folder), the file is full or broken, or the
        scene did not stick.
    """
    auth.require(actor, "scenes")
    scene = _cleaned(scene)
    _check_size(scene)
    if not path and database_url():
        who = actor.name if actor else None
        return add_db_scene(database_url(), scene, who=who, max_scenes=max_scenes)
    path = Path(path) if path else scenes_path()
    reason = saving_disabled(path)
    if reason:
        raise SceneStoreError(reason, path=path.name)
    with _locked(path):
        scenes = _load_for_writing(path)
        if len(scenes) >= max_scenes:
            raise SceneStoreError("admin.scenes_full", path=path.name, count=max_scenes)
        scene = replace(scene, id=slugify(scene.id, {s.id for s in scenes}))
        _remove_temp_files(path)  # under the lock, any left is from a save that was killed
        _write_scenes([*scenes, scene], path)
        kept = {s.id: s for s in _load_for_writing(path)}.get(scene.id)
    if kept is None or scene_to_dict(kept) != scene_to_dict(scene):
        raise SceneStoreError("admin.scene_not_kept", path=path.name)
    return scene


def delete_scene(
    scene_id: str, path: str | os.PathLike[str] | None = None, *, actor: auth.Actor | None = None
) -> None:
    """Remove the scene ``scene_id`` from the file (under the writers' lock), checked after.

    Raises
    ------
    SceneStoreError
        When saving is off, the scene is not in the file, or it is still there afterwards.
    """
    auth.require(actor, "scenes")
    if not path and database_url():
        delete_db_scene(database_url(), scene_id, who=actor.name if actor else None)
        return
    path = Path(path) if path else scenes_path()
    reason = saving_disabled(path)
    if reason:
        raise SceneStoreError(reason, path=path.name)
    with _locked(path):
        scenes = _load_for_writing(path)
        if scene_id not in {s.id for s in scenes}:
            raise SceneStoreError("admin.scene_gone", scene=scene_id)
        _write_scenes([s for s in scenes if s.id != scene_id], path)
        if scene_id in {s.id for s in _load_for_writing(path)}:
            raise SceneStoreError("admin.scene_not_deleted", scene=scene_id)


def saving_disabled(path: str | os.PathLike[str] | None = None) -> str | None:
    """Why scenes cannot be saved to ``path`` (an ``i18n`` key), or None when they can.

    A scenes file with no write permission for anyone is the administrator saying "read
    only", and is honoured even for root. Saving needs the folder to be writable too, for
    the lock and the temporary file that make a save atomic.
    """
    path = Path(path) if path else scenes_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError:
        return "admin.scenes_unreadable"
    if info is not None and (
        not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o222 or not os.access(path, os.W_OK)
    ):
        return "admin.scenes_read_only"
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return "admin.scenes_folder_read_only"
    return None


def remove_stale_temp_files(path: str | os.PathLike[str] | None = None) -> int:
    """Delete temporary files that a save killed mid-way left beside the scenes file.

    Only when no writer holds the lock (a live save's temporary file is never touched).
    Returns how many were removed.
    """
    path = Path(path) if path else scenes_path()
    pattern = f".{path.name}.*.tmp"
    stale = list(path.parent.glob(pattern)) if path.parent.is_dir() else []
    if not stale:
        return 0
    try:
        with _writer_lock(path, timeout=0):
            return _remove_temp_files(path)
    except (filelock.Timeout, OSError):
        return 0


def _remove_temp_files(path: Path) -> int:
    removed = 0
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


class SceneStoreError(Exception):
    """Saving or deleting a scene failed; ``key`` names the i18n message, ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def _writer_lock(path: Path, *, timeout: float = LOCK_TIMEOUT_S) -> filelock.FileLock:
    # A separate lock file: the scenes file itself is replaced on every save, and a lock on
    # a replaced inode would not exclude the next writer.
    return filelock.FileLock(
        path.with_name(f".{path.name}.lock"), timeout=timeout, poll_interval=LOCK_POLL_S
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the writers' lock; a lock not had in time or a failed write is a SceneStoreError."""
    try:
        with _writer_lock(path):
            yield
    except filelock.Timeout:
        raise SceneStoreError("admin.scenes_busy") from None
    except OSError as exc:
        raise SceneStoreError("admin.write_failed", error=exc.strerror or str(exc)) from None


def _load_for_writing(path: Path) -> list[Scene]:
    try:
        return load_scenes(path)
    except ProjectDataError as exc:
        # Never merge into a file we cannot read: writing would drop what is in it.
        raise SceneStoreError("admin.scenes_broken", path=path.name, problem=str(exc)) from None


def _cleaned(scene: Scene) -> Scene:
    texts = {name: strip_hidden(getattr(scene, name)).strip() for name in _TEXT_FIELDS}
    return replace(scene, **texts)


def _check_size(scene: Scene) -> None:
    for name in _TEXT_FIELDS:
        limit = MAX_TITLE_CHARS if name.startswith("title") else MAX_CAPTION_CHARS
        if len(getattr(scene, name)) > limit:
            raise SceneStoreError("admin.scene_text_too_long", field=name, limit=limit)


def _write_scenes(scenes: list[Scene], path: Path) -> None:
    """Check, then write atomically, keeping the file's mode and owner. Hold the lock."""
    data = {"scenes": [scene_to_dict(scene) for scene in scenes]}
    problems = []
    for index, item in enumerate(data["scenes"]):
        problems += scene_from_dict(item, index)[1]
    if problems:
        raise ProjectDataError(str(path), problems)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        before = path.stat()
    except FileNotFoundError:
        before = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if before is not None:
                # mkstemp makes 0600 files owned by the app's user: give the new file the
                # old one's permissions and owner, or a save would lock others out.
                os.fchmod(handle.fileno(), stat.S_IMODE(before.st_mode))
                _keep_owner(handle.fileno(), before)
            else:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keep_owner(fd: int, before: os.stat_result) -> None:
    if (before.st_uid, before.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, before.st_uid, before.st_gid)
    except PermissionError:
        # Only root may give a file away; an ordinary user keeps at least the group.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, before.st_gid)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def slugify(text: str, taken: set[str]) -> str:
    """A new scene id from a title: ASCII slug, unique among ``taken``."""
    base = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    base = "-".join(part for part in base.split("-") if part) or "scene"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
