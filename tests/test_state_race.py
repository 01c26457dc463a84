"""A click during a new session's first runs never resets the page's filters (issue 14, part Q).

Seen once in CI (tests/test_browser_compare.py on a fresh clone): the page opened at
``/?lang=en`` and, after a click on the compare toggle while the map's first report was
rerunning the app, every sidebar widget stood at its widget default (layers none, statuses
none, basemap "light", Chinese) while the link's seed (``url_view``) stayed, so it was never
sown again. Two ways lead there, and each is played here with AppTest, as it happens in
Streamlit 1.67:

* the browser draws a widget without holding its value (its widget state was cleared in a
  race of reruns) and so takes the default in the widget's message, then sends that back;
* the server drops the widgets' values (a run ends having drawn none of them: Streamlit's
  stale-widget removal) and the next rerun comes from a browser that holds none of them.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.state import session_state as session_state_module
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.load import load_projects
from geo.schema import LAYER_IDS, STATUSES
from geo.view import LANGUAGES
from tests.conftest import TEST_DATA
from ui.state import MODES, steps_of

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: A link whose view differs from every sidebar widget's own default: English (the language
#: radio's first option is Chinese), every layer and status on (checkboxes and pills start
#: empty), the 2021 targets (the time radio starts on "all"), no basemap (the selectbox's
#: first option is the light one).
LINK = {"lang": "en", "as_of": "2021"}
#: The years an "as of" view stands on in the test data (2020 and the 2021 targets).
STEPS = steps_of(load_projects(TEST_DATA))


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    monkeypatch.setenv("PROJECT_MAP_BASEMAP", "none")
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in LINK.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_view(at) -> dict:
    """What the sidebar's widgets hold (the time widget of the mode shown)."""
    view = {
        "lang": at.radio(key="lang").value,
        "layers": [lid for lid in LAYER_IDS if at.checkbox(key=f"layer_{lid}").value],
        "statuses": list(at.pills(key="statuses").value or ()),
        "mode": at.radio(key="mode").value,
        "basemap": at.selectbox(key="basemap").value,
    }
    if view["mode"] == "as_of":
        view["as_of"] = at.select_slider(key="as_of").value
    if view["mode"] == "period":
        view["years"] = tuple(at.slider(key="years").value)
    return view


LINK_VIEW = {
    "lang": "en",
    "layers": list(LAYER_IDS),
    "statuses": list(STATUSES),
    "mode": "as_of",
    "as_of": 2021,
    "basemap": "none",
}


def drawn_afresh(at) -> dict:
    """The values a browser shows for the sidebar's widgets when it draws them without holding
    their values: each widget message's own default."""
    basemaps = list(settings.available_basemaps())
    view = {
        "lang": list(LANGUAGES)[at.radio(key="lang").proto.default],
        "layers": [lid for lid in LAYER_IDS if at.checkbox(key=f"layer_{lid}").proto.default],
        "statuses": [STATUSES[i] for i in at.pills(key="statuses").proto.default],
        "mode": MODES[at.radio(key="mode").proto.default],
        "basemap": basemaps[at.selectbox(key="basemap").proto.default],
    }
    # The time widget drawn now (the mode's own): the select slider's default is an index
    # into the report's steps, the range slider's the two years.
    if at.radio(key="mode").value == "as_of":
        (index,) = at.select_slider(key="as_of").proto.default
        view["as_of"] = STEPS[int(index)]
    if at.radio(key="mode").value == "period":
        view["years"] = tuple(int(y) for y in at.slider(key="years").proto.default)
    return view


def send_from_browser(at, values: dict) -> None:
    """A rerun from a browser whose sidebar holds ``values``."""
    at.radio(key="lang").set_value(values["lang"])
    for lid in LAYER_IDS:
        at.checkbox(key=f"layer_{lid}").set_value(lid in values["layers"])
    at.pills(key="statuses").set_value(values["statuses"])
    at.radio(key="mode").set_value(values["mode"])
    at.selectbox(key="basemap").set_value(values["basemap"])
    if "as_of" in values and at.radio(key="mode").value == "as_of":
        at.select_slider(key="as_of").set_value(values["as_of"])
    if "years" in values and at.radio(key="mode").value == "period":
        at.slider(key="years").set_value(values["years"])
    at.run()
    assert not at.exception, at.exception


def drop_widget_values(at, monkeypatch) -> None:
    """End a run as Streamlit does when none of the page's widgets were drawn in it (its
    stale-widget removal, called with an empty set of widgets), then rerun from a browser that
    holds no widget value (as a fresh page's first request does)."""
    state = at.session_state._state._state  # AppTest's proxy -> SafeSessionState -> SessionState
    ctx = SimpleNamespace(page_script_hash="", fragment_ids_this_run=None)
    with monkeypatch.context() as patch:
        patch.setattr(session_state_module, "get_script_run_ctx", lambda *a, **k: ctx)
        state.on_script_finished(frozenset())
    assert "layer_renewal" not in state, "the simulated removal dropped nothing"
    at._run(WidgetStates())  # no public way to rerun without the tree's widget values
    assert not at.exception, at.exception


def test_a_link_opens_with_its_view(app):
    assert sidebar_view(app) == LINK_VIEW
    assert app.query_params.get("lang") == "en" and app.query_params.get("as_of") == "2021"


def test_widgets_drawn_afresh_by_the_browser_show_the_links_view(app):
    """The browser lost its widget values and drew the sidebar from the page's messages: it
    shows, and sends back, the link's view, not the widgets' defaults."""
    assert drawn_afresh(app) == LINK_VIEW
    send_from_browser(app, drawn_afresh(app))
    assert sidebar_view(app) == LINK_VIEW
    assert app.query_params.get("lang") == "en"
    assert "layers" not in app.query_params and "status" not in app.query_params


def test_widget_values_dropped_by_the_server_come_back(app, monkeypatch):
    app.run()  # a second run: the values now live in the widgets' state, not in the seed
    drop_widget_values(app, monkeypatch)
    assert sidebar_view(app) == LINK_VIEW
    assert app.query_params.get("lang") == "en" and app.query_params.get("as_of") == "2021"
    assert "basemap" not in app.query_params


def test_what_the_user_chose_is_what_comes_back(app, monkeypatch):
    """After the user's own changes (a layer off, one status, the period view, Chinese), both
    races bring back those, never the link's older view."""
    chosen = {
        "basemap": "none",
        "lang": "zh",
        "layers": [lid for lid in LAYER_IDS if lid != "renewal"],
        "statuses": ["completed"],
        "mode": "period",
    }
    send_from_browser(app, chosen)  # the period's slider appears with this run
    chosen = {**chosen, "years": (2017, 2019)}
    send_from_browser(app, chosen)
    assert sidebar_view(app) == chosen
    send_from_browser(app, drawn_afresh(app))
    assert sidebar_view(app) == chosen
    drop_widget_values(app, monkeypatch)
    assert sidebar_view(app) == chosen
    assert app.query_params.get("status") == "completed" and "lang" not in app.query_params


def test_a_scene_applied_by_a_callback_is_what_comes_back(app, monkeypatch):
    """A scene (the "next" button) sets the widgets from a callback: a race afterwards keeps
    the scene's view."""
    app.button(key="scene_next").click().run()
    assert not app.exception, app.exception
    after_scene = sidebar_view(app)
    assert after_scene != LINK_VIEW, "choosing a scene changed nothing"
    send_from_browser(app, drawn_afresh(app))
    assert sidebar_view(app) == after_scene
    drop_widget_values(app, monkeypatch)
    assert sidebar_view(app) == after_scene
