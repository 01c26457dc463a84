"""Scenes: named saved views for presenting, kept in a readable JSON file (``data/scenes.json``).

Saving is atomic (write a temporary file beside the target, then rename), so a crash or a
bad scene never damages the scenes already saved.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import settings
from geo.errors import Problem, ProjectDataError
from geo.load import read_collection
from geo.view import SCENE_ID, ViewState, from_query, to_query

SCENES_PATH = settings.DATA_DIR / "scenes.json"
SCENES_ENV = "PROJECT_MAP_SCENES"
_TEXT_FIELDS = ("title_zh", "title_en", "caption_zh", "caption_en")


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
    """``$PROJECT_MAP_SCENES`` or ``data/scenes.json``."""
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
    if not isinstance(scene_id, str) or not SCENE_ID.match(scene_id):
        fix = "give a short ASCII id of lower-case letters, digits and hyphens"
        problems.append(Problem(label, "id", scene_id, fix))
    else:
        label = f"'{scene_id}'"
    for name in _TEXT_FIELDS:
        if not isinstance(data.get(name), str) or not data[name].strip():
            problems.append(Problem(label, name, data.get(name), "give a non-empty text"))
    raw_view = data.get("view")
    if not isinstance(raw_view, dict) or not all(isinstance(v, str) for v in raw_view.values()):
        problems.append(Problem(label, "view", raw_view, "give the view as text parameters"))
        return None, problems
    view = from_query(raw_view)
    problems += [Problem(label, "view", raw_view, notice) for notice in view.notices]
    if problems:
        return None, problems
    texts = {name: data[name].strip() for name in _TEXT_FIELDS}
    return Scene(id=scene_id, view=view, **texts), []


def load_scenes(path: str | os.PathLike[str] | None = None) -> list[Scene]:
    """Load and check the scenes file; a missing file means no scenes.

    Raises
    ------
    ProjectDataError
        Naming each bad scene, field and fix.
    """
    path = Path(path) if path else scenes_path()
    if not path.exists():
        return []
    data = read_collection(path)
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
    """Write the scenes atomically, pretty-printed; checks them before touching the file."""
    path = Path(path) if path else scenes_path()
    data = {"scenes": [scene_to_dict(scene) for scene in scenes]}
    problems = []
    for index, item in enumerate(data["scenes"]):
        problems += scene_from_dict(item, index)[1]
    if problems:
        raise ProjectDataError(str(path), problems)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def slugify(text: str, taken: set[str]) -> str:
    """A new scene id from a title: ASCII slug, unique among ``taken``."""
    base = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    base = "-".join(part for part in base.split("-") if part) or "scene"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
