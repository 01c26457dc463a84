"""Scenes for presenting: one row of controls (scenes, year playback), clicker keys, saving.

The row has the same widgets and widths whatever happens, so playing, pausing or stepping
through scenes moves nothing on the page.
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo import auth
from geo.db.connect import database_url
from geo.scenes import (
    Scene,
    SceneStoreError,
    add_scene,
    delete_scene,
    remove_stale_temp_files,
    saving_disabled,
    scenes_path,
    slugify,
)
from geo.text import escape_markdown, strip_hidden
from geo.timeline import period_steps
from geo.view import ViewState, time_label
from i18n import t
from ui.layout import scene_title
from ui.login import current_actor, denied_text
from ui.state import apply_view, steps_of

#: Seconds each year step stays on screen while playing.
SPEEDS = {"slow": 4.0, "normal": 2.5, "fast": 1.5}

# PageDown/PageUp (what a presentation clicker sends) and the arrow keys press the scene
# buttons; Escape leaves presenter mode. Keys pressed while the map has focus are caught too.
# Buttons are found by their widget key (a CSS class), not their label, which is translated.
# Fixed code, no data in it, installed once per page.
_KEYS_JS = """
<script>
(function () {
  const root = window.parent && window.parent.document ? window.parent : window;
  if (root.__shinanKeys) return;
  root.__shinanKeys = true;
  const keys = {PageDown: "scene_next", ArrowRight: "scene_next",
                PageUp: "scene_prev", ArrowLeft: "scene_prev", Escape: "presenter_exit"};
  function press(event) {
    const key = keys[event.key];
    const target = event.target || {};
    if (!key || /INPUT|TEXTAREA|SELECT/.test(target.tagName || "")) return;
    const button = root.document.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) {
      event.preventDefault(); event.stopPropagation(); button.click();
    }
  }
  function watch(doc) {
    if (!doc || doc.__shinanWatched) return;
    doc.__shinanWatched = true;
    doc.addEventListener("keydown", press, true);
  }
  watch(root.document);
  setInterval(function () {
    root.document.querySelectorAll("iframe").forEach(function (frame) {
      try { watch(frame.contentDocument); } catch (e) {}
    });
  }, 1000);
})();
</script>
"""


def go_to_scene(scenes: list[Scene], index: int) -> None:
    """Callback: show scene ``index`` (kept within the list), moving the map to its extent."""
    if not scenes:
        return
    scene = scenes[max(0, min(index, len(scenes) - 1))]
    presenter = bool(st.session_state.get("presenter"))
    lang = st.session_state.get("lang", "zh")
    apply_view(replace(scene.view, scene=scene.id, presenter=presenter, lang=lang))
    st.session_state["playing"] = False


def _step(scenes: list[Scene], delta: int) -> None:
    ids = [s.id for s in scenes]
    current = st.session_state.get("scene")
    index = ids.index(current) + delta if current in ids else (0 if delta > 0 else len(ids) - 1)
    go_to_scene(scenes, index)


def _choose(scenes: list[Scene]) -> None:
    ids = [s.id for s in scenes]
    chosen = st.session_state.get("scene_choice")
    if chosen in ids:
        go_to_scene(scenes, ids.index(chosen))


def _exit_presenter() -> None:
    st.session_state["presenter"] = False


def control_row(scenes: list[Scene], view: ViewState, gdf: gpd.GeoDataFrame) -> Scene | None:
    """Previous / scene / next, play / speed / cumulative / loop (and exit): one row.

    Returns the current scene, if any.
    """
    st.html(_KEYS_JS, unsafe_allow_javascript=True)
    lang = view.lang
    ids = [s.id for s in scenes]
    current = next((s for s in scenes if s.id == view.scene), None)
    if st.session_state.get("scene_choice") != view.scene:
        st.session_state["scene_choice"] = view.scene
    at = ids.index(view.scene) if view.scene in ids else None
    widths = [1.3, 2.8, 1.3, 1.1, 1.1] + ([1.25] if view.presenter else [])
    with st.container(key="controls"):
        cols = st.columns(widths, vertical_alignment="bottom")
        cols[0].button(
            t("scene.prev", lang),
            icon=":material/skip_previous:",
            on_click=_step,
            args=(scenes, -1),
            width="stretch",
            disabled=not scenes or at == 0,
            key="scene_prev",
        )
        cols[1].selectbox(
            t("scene.label", lang),
            options=ids,
            index=at,
            format_func=lambda i: scene_title(scenes[ids.index(i)], lang),
            placeholder=t("scene.placeholder", lang),
            key="scene_choice",
            on_change=_choose,
            args=(scenes,),
            label_visibility="collapsed",
            disabled=not scenes,
        )
        cols[2].button(
            t("scene.next", lang),
            icon=":material/skip_next:",
            on_click=_step,
            args=(scenes, 1),
            width="stretch",
            disabled=not scenes or at == len(ids) - 1,
            key="scene_next",
        )
        _playback_controls(cols[3:5], view, gdf)
        if view.presenter:
            cols[5].button(
                t("presenter.exit", lang),
                icon=":material/fullscreen_exit:",
                on_click=_exit_presenter,
                width="stretch",
                key="presenter_exit",
            )
    return current


def _frames(gdf: gpd.GeoDataFrame, *, cumulative: bool) -> list[tuple[str, object]]:
    """Playback frames at the report's grain: ("as_of", year) or ("period", (first, last))."""
    if cumulative:
        return [("as_of", year) for year in steps_of(gdf)]
    return [("period", span) for span in period_steps(gdf["milestones"])]


def _frame_view(view: ViewState, frame: tuple[str, object]) -> ViewState:
    mode, value = frame
    if mode == "as_of":
        return replace(view, mode="as_of", as_of=int(value))
    return replace(view, mode="period", years=tuple(value))


def _playback_controls(cols, view: ViewState, gdf: gpd.GeoDataFrame) -> None:
    lang = view.lang
    playing = bool(st.session_state.get("playing"))
    cols[0].button(
        t("play.pause", lang) if playing else t("play.play", lang),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_toggle_play,
        args=(gdf,),
        width="stretch",
        key="play_button",
    )
    # Speed, cumulative and loop are set once, not during a talk: a popover keeps the row short.
    with cols[1].popover(t("play.options", lang), icon=":material/tune:", width="stretch"):
        st.radio(
            t("play.speed", lang),
            list(SPEEDS),
            index=1,
            format_func=lambda s: t(f"play.speed.{s}", lang),
            key="play_speed",
            horizontal=True,
        )
        st.checkbox(
            t("play.cumulative", lang),
            value=True,
            key="play_cumulative",
            help=t("play.cumulative.help", lang),
        )
        st.checkbox(t("play.loop", lang), value=False, key="play_loop")
        st.caption(t("play.help", lang))


def _toggle_play(gdf: gpd.GeoDataFrame) -> None:
    """Play, or stop where the browser's player is (also pressed by the player at the end)."""
    if st.session_state.get("playing"):
        st.session_state["playing"] = False
        _hold_frame(gdf, current_frame())
        return
    st.session_state["playing"] = True
    st.session_state["play_start"] = time.monotonic()


def step_seconds() -> float:
    return SPEEDS.get(st.session_state.get("play_speed", "normal"), SPEEDS["normal"])


def current_frame() -> int:
    """The frame the browser shows now, by the clock both run on (start + k × step)."""
    elapsed = time.monotonic() - st.session_state.get("play_start", time.monotonic())
    return max(0, int(elapsed // step_seconds()))


def _hold_frame(gdf: gpd.GeoDataFrame, index: int) -> None:
    """Leave the time widgets on a frame, so the map keeps showing it after playback."""
    frames = _frames(gdf, cumulative=st.session_state.get("play_cumulative", True))
    if not frames:
        return
    mode, value = frames[min(index, len(frames) - 1)]
    st.session_state["mode"] = mode
    if mode == "as_of":
        st.session_state["as_of"] = int(value)
    else:
        st.session_state["years"] = tuple(value)


def playback_frames(view: ViewState, gdf: gpd.GeoDataFrame) -> list[tuple[ViewState, str, str]]:
    """While playing, every frame as (view, year label, note); empty when not playing.

    All frames go to the browser at once and its player steps through them on an even clock
    (``maps/webmap.js``); the page is not rerun for each step.
    """
    if not st.session_state.get("playing"):
        return []
    frames = _frames(gdf, cumulative=st.session_state.get("play_cumulative", True))
    out = []
    for index, frame in enumerate(frames):
        shown = _frame_view(view, frame)
        label, note = time_label(shown, view.lang)
        step = t("play.step", view.lang, index=index + 1, count=len(frames))
        out.append((shown, label, f"{note} · {step}"))
    return out


def player_options(count: int) -> dict[str, object]:
    """What the browser's player needs: frame count, step in milliseconds, loop or stop."""
    return {
        "count": count,
        "ms": round(step_seconds() * 1000),
        "loop": bool(st.session_state.get("play_loop")),
    }


def save_scene_form(scenes: list[Scene], view: ViewState) -> None:
    """Sidebar: save what is on screen now as a new scene, or delete a scene (confirmed).

    Saving is off, and the sidebar says why, when the administrator made the scenes file
    read-only or the folder cannot be written.
    """
    lang = view.lang
    _clean_up_once(str(scenes_path()))
    expander = st.sidebar.expander(t("admin.save_expander", lang))
    path = scenes_path()
    reason = None if database_url() else saving_disabled(path)
    if reason:
        reason_text = t(reason, lang, path=escape_markdown(path.name))
        expander.info(t("admin.saving_off", lang, reason=reason_text))
        return
    if not auth.can(current_actor(), "scenes"):
        expander.info(t("access.needs_editor", lang))
        return
    with expander, st.form("save_scene", clear_on_submit=False):
        st.text_input(t("admin.title_zh", lang), max_chars=60, key="new_title_zh")
        st.text_input(t("admin.title_en", lang), max_chars=80, key="new_title_en")
        st.text_area(t("admin.caption_zh", lang), max_chars=300, key="new_caption_zh")
        st.text_area(t("admin.caption_en", lang), max_chars=400, key="new_caption_en")
        # Saved in the callback, before the page is drawn again: the new scene is then in the
        # list at once, and the typed text is cleared only once it is safely saved.
        st.form_submit_button(
            t("admin.save_button", lang), key="save_scene_button", on_click=_save, args=(view,)
        )
    kind, message = st.session_state.pop("scene_save_result", (None, None))
    if kind == "success":
        expander.success(message)
    elif kind == "error":
        expander.error(message)
    with expander:
        _delete_control(scenes, lang)


_FORM_KEYS = ("new_title_zh", "new_title_en", "new_caption_zh", "new_caption_en")


def _save(view: ViewState) -> None:
    """Form callback: save the typed scene; keep the text when it could not be saved."""
    lang = view.lang
    texts = [strip_hidden(st.session_state.get(key) or "").strip() for key in _FORM_KEYS]
    if not (texts[0] or texts[1]):
        st.session_state["scene_save_result"] = ("error", t("admin.fill_all", lang))
        return
    title_zh, title_en, caption_zh, caption_en = texts
    proposed = Scene(
        slugify(title_en or title_zh, set()),
        title_zh,
        title_en,
        caption_zh,
        caption_en,
        replace(view, scene=None, presenter=False),
    )
    try:
        # add_scene re-reads the file under a lock: another presenter may have saved since
        # this page loaded, and their scene must stay.
        scene = add_scene(proposed, actor=current_actor())
    except auth.AccessDenied as exc:
        st.session_state["scene_save_result"] = ("error", denied_text(exc, lang))
        return
    except SceneStoreError as exc:
        reason = escape_markdown(exc.message(lang))
        st.session_state["scene_save_result"] = ("error", t("admin.not_saved", lang, reason=reason))
        return
    for key in _FORM_KEYS:
        st.session_state[key] = ""
    st.session_state["scene"] = scene.id
    title = escape_markdown(scene_title(scene, lang))
    st.session_state["scene_save_result"] = (
        "success",
        t("admin.saved", lang, title=title, scene=scene.id),
    )


def _delete_control(scenes: list[Scene], lang: str) -> None:
    """Choose a scene, press delete, then confirm; nothing is deleted without the second click."""
    if not scenes:
        return
    titles = {s.id: scene_title(s, lang) for s in scenes}
    st.divider()
    chosen = st.selectbox(
        t("admin.delete_choose", lang),
        options=list(titles),
        index=None,
        format_func=titles.__getitem__,
        key="delete_scene_choice",
    )
    pending = st.session_state.get("delete_scene_pending")
    if chosen is None:
        return
    if pending != chosen:
        st.button(
            t("admin.delete_button", lang),
            key="delete_scene_ask",
            on_click=st.session_state.update,
            kwargs={"delete_scene_pending": chosen},
        )
        return
    st.warning(t("admin.delete_confirm", lang, title=escape_markdown(titles[chosen])))
    yes_col, no_col = st.columns(2)
    if no_col.button(t("admin.delete_cancel", lang), key="delete_scene_cancel"):
        st.session_state["delete_scene_pending"] = None
        st.rerun()
    if yes_col.button(t("admin.delete_yes", lang), key="delete_scene_yes", type="primary"):
        st.session_state["delete_scene_pending"] = None
        try:
            delete_scene(chosen, actor=current_actor())
        except auth.AccessDenied as exc:
            st.error(denied_text(exc, lang))
            return
        except SceneStoreError as exc:
            st.error(t("admin.not_deleted", lang, reason=escape_markdown(exc.message(lang))))
            return
        if st.session_state.get("scene") == chosen:
            st.session_state["scene"] = None
        st.success(t("admin.deleted", lang, title=escape_markdown(titles[chosen])))


@functools.cache
def _clean_up_once(path: str) -> int:
    """At the first page of a server's life: remove temporary files a killed save left."""
    return remove_stale_temp_files(path)
