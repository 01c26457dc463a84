"""Shared fixtures: the small test data file, and ways to write broken variants of it."""

from __future__ import annotations

import copy
import json
import urllib.error
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.load import load_projects, read_report_text
from maps import tiles

TEST_DATA = Path(__file__).parent / "data" / "mini_projects.geojson"


def pytest_collection_modifyitems(config, items):
    """A browser test that fails runs once more (pytest-rerunfailures): a real browser on a
    loaded machine can miss a deadline once. The summary lists every rerun (RERUN), and a test
    that fails twice fails the suite."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def mini_collection() -> dict:
    return json.loads(TEST_DATA.read_text(encoding="utf-8"))


@pytest.fixture
def collection(mini_collection) -> dict:
    """A fresh, mutable copy of the small valid collection."""
    return copy.deepcopy(mini_collection)


@pytest.fixture(scope="session")
def mini_gdf():
    return load_projects(TEST_DATA)


@pytest.fixture(scope="session")
def report_text() -> str:
    text = read_report_text()
    assert text, "the bundled report data/source/... is missing"
    return text


@pytest.fixture
def write_geojson(tmp_path) -> Callable[[object], Path]:
    """Write any object as a .geojson file and return its path."""

    def write(obj: object, name: str = "projects.geojson") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def no_internet(monkeypatch, tmp_path):
    """Every basemap tile request fails at once, and the tile cache is empty and private."""

    def refuse(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("tests run offline")

    monkeypatch.setattr(tiles, "fetch_url", refuse)
    monkeypatch.setattr(tiles, "_offline_until", {})
    monkeypatch.setenv(tiles.CACHE_ENV, str(tmp_path / "cache"))


# PostgreSQL + PostGIS (issue 12) --------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway cluster for the session, with a migrated template database.

    Missing PostgreSQL fails the run on CI and as root (scripts/ensure-postgres installs it
    there); elsewhere the database tests skip with the reason and the command that fixes it.
    """
    import psycopg

    from geo.db import migrate
    from tests.pg_support import ThrowawayCluster, missing_reason, must_have_database

    reason = missing_reason()
    if reason is not None:
        if must_have_database():
            pytest.fail(reason)
        pytest.skip(reason)
    with ThrowawayCluster() as cluster:
        with psycopg.connect(cluster.url) as conn:
            migrate.upgrade(conn)
        yield cluster


@pytest.fixture
def pg_url(pg_cluster, monkeypatch):
    """A fresh migrated database for one test, named by $PROJECT_MAP_DATABASE_URL."""
    import uuid

    import psycopg

    from geo.db.connect import DATABASE_URL_ENV, close_pools
    from tests.pg_support import DATABASE

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = pg_cluster.url.replace(f"/{DATABASE}?", "/postgres?")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{DATABASE}"')
    url = pg_cluster.url.replace(f"/{DATABASE}?", f"/{name}?")
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    yield url
    close_pools()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
