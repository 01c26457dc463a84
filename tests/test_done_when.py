"""Issue 13's "done when", on the whole app (AppTest, bundled data): one filter change moves the
map, the figures, the charts and the table together; the targets table holds every target.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo import load_projects
from geo.filter import ProjectFilter, apply_filter, split_by_placement
from geo.schema import LAYER_IDS
from geo.settings import DEFAULT_DATA_PATH
from geo.targets import load_targets
from tests.map_reading import shown_ids

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def projects():
    return load_projects(DEFAULT_DATA_PATH)


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(DEFAULT_DATA_PATH))
    monkeypatch.setenv("PROJECT_MAP_BASEMAP", "none")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    return at


def _map_ids(at) -> set[str]:
    return shown_ids(at)


def _charts(at) -> list[pd.DataFrame]:
    frames = []
    for e in at.main:
        datasets = (
            getattr(e.proto, "datasets", None) if type(e).__name__ == "UnknownElement" else None
        )
        if datasets:
            frames.append(pa.ipc.open_stream(datasets[0].data.data).read_all().to_pandas())
    return frames


def _frame(at, first_column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_column])


def _check_together(at, projects, view: ProjectFilter) -> None:
    shown = apply_filter(projects, view)
    on_map = split_by_placement(shown)[0]
    assert _map_ids(at) == set(on_map["id"]), "map"
    assert any(f"{len(shown)} projects shown" in c.value for c in at.caption), "figures"
    if not len(shown):  # nothing shown: no chart, no table, one plain message each
        assert not _charts(at) and "No project matches the filters." in [i.value for i in at.info]
        return
    assert set(_frame(at, "Id")["Id"]) == set(shown["id"]), "project table"
    by_status, _by_period = _charts(at)
    assert int(by_status["count"].sum()) == len(shown), "layer × status chart"
    figures = _frame(at, "Figure")
    carried = {f["quote"] for fs in shown["figures"] for f in fs}
    assert set(figures["Report's words"]) <= carried, "figures table"


def test_every_filter_moves_map_figures_charts_and_table_together(app, projects):
    _check_together(app, projects, ProjectFilter())
    app.checkbox(key="layer_renewal").uncheck().run()
    layers = tuple(i for i in LAYER_IDS if i != "renewal")
    _check_together(app, projects, ProjectFilter(layers=layers))
    app.session_state["statuses"] = ["completed", "open"]
    app.run()
    done = ("completed", "open")
    _check_together(app, projects, ProjectFilter(layers=layers, statuses=done))
    app.radio(key="mode").set_value("as_of").run()
    as_of = app.session_state["as_of"]
    _check_together(app, projects, ProjectFilter(layers=layers, statuses=done, as_of=int(as_of)))
    app.radio(key="mode").set_value("period").run()
    years = tuple(app.session_state["years"])
    _check_together(app, projects, ProjectFilter(layers=layers, statuses=done, years=years))
    for layer in LAYER_IDS[1:]:
        app.checkbox(key=f"layer_{layer}").uncheck().run()
    _check_together(app, projects, ProjectFilter(layers=(), statuses=done, years=years))


def test_the_targets_table_has_every_target_with_its_sentence_and_mapped_count(app):
    table = _frame(app, "Year or period")
    targets = load_targets()
    assert len(table) == len(targets)
    assert list(table["Report's words"]) == [target.quote for target in targets]
    assert table["Located"].notna().all() and table["Schematic"].notna().all()
