"""The fuzz corpus (tests/fuzz/): every malformed file gets clear messages, never a traceback.

Each file is checked three ways: the loader (``ProjectDataError`` naming the problem), the
command line (``python -m geo validate``: exit 1, one line per problem, each naming the
file), and the app (its data-error panel, or for scenes a warning with the map still shown).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.cli import main
from geo.errors import ProjectDataError
from geo.load import load_projects
from geo.scenes import load_scenes
from tests.conftest import TEST_DATA

FUZZ = Path(__file__).parent / "fuzz"
MANIFEST: dict[str, str] = json.loads((FUZZ / "manifest.json").read_text(encoding="utf-8"))
DATA_FILES = sorted(name for name in MANIFEST if name.startswith("data/"))
SCENE_FILES = sorted(name for name in MANIFEST if name.startswith("scenes/"))
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_corpus_has_at_least_80_files():
    assert len(MANIFEST) >= 80
    assert all((FUZZ / name).is_file() for name in MANIFEST)


@pytest.mark.parametrize("name", DATA_FILES)
def test_loader_names_the_problem(name):
    with pytest.raises(ProjectDataError) as info:
        load_projects(FUZZ / name)
    problems = [str(p) for p in info.value.problems]
    assert problems and all("\n" not in p for p in problems), problems
    assert any(MANIFEST[name] in p for p in problems), problems


@pytest.mark.parametrize("name", DATA_FILES)
def test_validate_prints_one_line_per_problem_and_exits_1(name, capsys):
    path = FUZZ / name
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert all(line.startswith(str(path)) for line in lines), lines
    assert MANIFEST[name] in err


@pytest.mark.parametrize("name", SCENE_FILES)
def test_scenes_loader_names_the_problem(name):
    with pytest.raises(ProjectDataError) as info:
        load_scenes(FUZZ / name)
    assert MANIFEST[name] in str(info.value)


def _app(monkeypatch, **env) -> AppTest:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", DATA_FILES)
def test_app_shows_its_data_error_panel(monkeypatch, name):
    at = _app(monkeypatch, PROJECT_MAP_DATA=str(FUZZ / name))
    assert "cannot be loaded" in at.error[0].value
    assert MANIFEST[name] in at.code[0].value


@pytest.mark.parametrize("name", SCENE_FILES)
def test_app_warns_about_bad_scenes_and_still_shows_the_map(monkeypatch, name):
    at = _app(monkeypatch, PROJECT_MAP_DATA=str(TEST_DATA), PROJECT_MAP_SCENES=str(FUZZ / name))
    assert any("scenes file has problems" in w.value for w in at.warning)
    assert [e for e in at.main if type(e).__name__ == "UnknownElement"], "the map is shown"


# Files that cannot live in a repository: made by each test -----------------------------------
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "projects.geojson"
    os.mkfifo(fifo)
    with pytest.raises(ProjectDataError, match="not a regular file"):
        load_projects(fifo)


def test_dev_zero_is_refused():
    with pytest.raises(ProjectDataError, match="not a regular file"):
        load_projects("/dev/zero")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ProjectDataError, match="folder"):
        load_projects(tmp_path)


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.geojson"
    with path.open("wb") as handle:  # sparse: takes no disk
        handle.truncate(settings.MAX_DATA_BYTES + 1)
    with pytest.raises(ProjectDataError, match="refused"):
        load_projects(path)


def test_an_unreadable_file_says_so(tmp_path, monkeypatch, capsys):
    path = tmp_path / "projects.geojson"
    path.write_bytes(TEST_DATA.read_bytes())
    real_open = os.open

    def denied(target, *args, **kwargs):
        if Path(target) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    assert main(["validate", str(path)]) == 1
    assert "permission denied" in capsys.readouterr().err


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + TEST_DATA.read_bytes())
    assert len(load_projects(path)) == 6
