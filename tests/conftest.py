"""Shared fixtures: the small test data file, and ways to write broken variants of it."""

from __future__ import annotations

import copy
import json
import urllib.error
from collections.abc import Callable
from pathlib import Path

import pytest

from geo import tiles
from geo.load import load_projects, read_report_text

TEST_DATA = Path(__file__).parent / "data" / "mini_projects.geojson"


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
