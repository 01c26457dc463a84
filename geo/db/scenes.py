"""Scenes in the database (table ``scenes``), when ``$PROJECT_MAP_DATABASE_URL`` is set.

The same rules as the file (:mod:`geo.scenes`): every scene checked on reading, at most
``settings.MAX_SCENES``, ids made unique. Writers take a table lock for the count and the id,
so two presenters saving at once both keep their scene; the change counter moves (trigger),
so every running app sees a new scene on its next rerun.
"""

from __future__ import annotations

from dataclasses import replace

from psycopg.types.json import Jsonb

from geo.db.connect import connect, describe
from geo.errors import ProjectDataError


def load_db_scenes(url: str):
    from geo.scenes import scene_from_dict

    with connect(url) as conn:
        rows = conn.execute("SELECT scene FROM scenes ORDER BY position, id").fetchall()
    scenes, problems = [], []
    for index, (data,) in enumerate(rows):
        scene, found = scene_from_dict(data, index)
        problems += found
        if scene is not None:
            scenes.append(scene)
    if problems:
        raise ProjectDataError(describe(url), problems)
    return scenes


def add_db_scene(url: str, scene, *, who: str | None, max_scenes: int):
    from geo.scenes import SceneStoreError, scene_to_dict, slugify

    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT set_config('project_map.user', %s, true)", (who or "",))
        conn.execute("LOCK TABLE scenes IN SHARE ROW EXCLUSIVE MODE")
        taken = {row[0] for row in conn.execute("SELECT id FROM scenes").fetchall()}
        if len(taken) >= max_scenes:
            raise SceneStoreError("admin.scenes_full", path=describe(url), count=max_scenes)
        scene = replace(scene, id=slugify(scene.id, taken))
        conn.execute(
            "INSERT INTO scenes (id, scene) VALUES (%s, %s)",
            (scene.id, Jsonb(scene_to_dict(scene))),
        )
    return scene


def delete_db_scene(url: str, scene_id: str, *, who: str | None) -> None:
    from geo.scenes import SceneStoreError

    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT set_config('project_map.user', %s, true)", (who or "",))
        gone = conn.execute("DELETE FROM scenes WHERE id = %s", (scene_id,)).rowcount
    if not gone:
        raise SceneStoreError("admin.scene_gone", scene=scene_id)
