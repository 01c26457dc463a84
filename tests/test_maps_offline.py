"""Unreachable tiles are waited for once, not by every export process."""

from __future__ import annotations

import urllib.error

import pytest

from geo import ProjectFilter, apply_filter, load_boundary
from geo.cli import main
from geo.load import load_projects
from maps import offline, tiles
from maps.page import custom_page
from maps.snapshot import SnapshotSpec, render_snapshot


@pytest.fixture
def counted_failures(monkeypatch, tmp_path):
    """Every tile request fails and is counted; the cache (and its memory) is private."""
    calls = []

    def refuse(url: str, timeout: float) -> bytes:
        calls.append(url)
        raise urllib.error.URLError("offline")

    monkeypatch.setattr(tiles, "fetch_url", refuse)
    monkeypatch.setattr(tiles, "_offline_until", {})
    monkeypatch.setenv(tiles.CACHE_ENV, str(tmp_path / "cache"))
    return calls


def test_a_failed_basemap_is_not_asked_again_by_the_next_process(counted_failures, monkeypatch):
    shown = apply_filter(load_projects(), ProjectFilter())
    spec = SnapshotSpec(page=custom_page(800, 500), basemap="light")
    render_snapshot(shown, load_boundary(), spec=spec)
    assert counted_failures, "the first export tries the tiles"
    assert offline.known_offline("light")
    asked = len(counted_failures)
    # A new process: the tile module's own memory is empty, the file remains.
    monkeypatch.setattr(tiles, "_offline_until", {})
    render_snapshot(shown, load_boundary(), spec=spec)
    assert len(counted_failures) == asked, "the second export did not wait for the tiles"


def test_the_memory_expires_and_a_success_clears_it(counted_failures, monkeypatch):
    offline.remember("light", reachable=False)
    assert offline.known_offline("light") and not offline.known_offline("osm")
    offline.remember("light", reachable=True)
    assert not offline.known_offline("light")
    offline.remember("light", reachable=False)
    monkeypatch.setattr(offline.time, "time", lambda: 4e9)
    assert not offline.known_offline("light")


def test_a_broken_memory_file_is_ignored(counted_failures):
    path = tiles.cache_dir().parent / "offline.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert not offline.known_offline("light")
    offline.remember("light", reachable=False)
    assert offline.known_offline("light")


def test_cli_basemap_option(tmp_path, capsys, counted_failures):
    out = tmp_path / "map.png"
    assert main(["export", "--out", str(out), "--basemap", "nowhere"]) == 2
    assert "unknown basemap 'nowhere'; valid: none" in capsys.readouterr().err
    assert main(["export", "--out", str(out), "--basemap", "none"]) == 0
    assert not counted_failures, "--basemap none asks for no tile"
