"""Scenes for presenting: the scene bar, clicker keys, year playback and saving a view."""

from __future__ import annotations

import functools
import time
from dataclasses import replace

import streamlit as st

from geo.html import escape_html as esc
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
from geo.view import ViewState
from i18n import t
from ui.state import apply_view

NEXT_LABEL = "下一场景 Next ▶"
PREV_LABEL = "◀ 上一场景 Previous"
EXIT_LABEL = "退出演示 Exit presenter"
SPEEDS = {"慢 slow": 3.0, "中 normal": 1.8, "快 fast": 1.0}

# PageDown/PageUp (what a presentation clicker sends) and the arrow keys press the scene
# buttons; Escape leaves presenter mode. Keys pressed while the map has focus are caught too.
# Fixed code, no data in it, installed once per page.
_KEYS_JS = f"""
<script>
(function () {{
  const root = window.parent && window.parent.document ? window.parent : window;
  if (root.__shinanKeys) return;
  root.__shinanKeys = true;
  const labels = {{PageDown: "{NEXT_LABEL}", ArrowRight: "{NEXT_LABEL}",
                   PageUp: "{PREV_LABEL}", ArrowLeft: "{PREV_LABEL}", Escape: "{EXIT_LABEL}"}};
  function press(event) {{
    const label = labels[event.key];
    const target = event.target || {{}};
    if (!label || /INPUT|TEXTAREA|SELECT/.test(target.tagName || "")) return;
    const button = [...root.document.querySelectorAll("button")]
      .find(b => b.innerText.trim() === label);
    if (button) {{ event.preventDefault(); event.stopPropagation(); button.click(); }}
  }}
  function watch(doc) {{
    if (!doc || doc.__shinanWatched) return;
    doc.__shinanWatched = true;
    doc.addEventListener("keydown", press, true);
  }}
  watch(root.document);
  setInterval(function () {{
    root.document.querySelectorAll("iframe").forEach(function (frame) {{
      try {{ watch(frame.contentDocument); }} catch (e) {{}}
    }});
  }}, 1000);
}})();
</script>
"""


def go_to_scene(scenes: list[Scene], index: int) -> None:
    """Callback: show scene ``index`` (wrapping round), moving the map to its extent."""
    if not scenes:
        return
    scene = scenes[index % len(scenes)]
    presenter = bool(st.session_state.get("presenter"))
    apply_view(replace(scene.view, scene=scene.id, presenter=presenter))
    st.session_state["playing"] = False


def _step(scenes: list[Scene], delta: int) -> None:
    ids = [s.id for s in scenes]
    current = st.session_state.get("scene")
    index = ids.index(current) + delta if current in ids else (0 if delta > 0 else -1)
    go_to_scene(scenes, index)


def _choose(scenes: list[Scene]) -> None:
    ids = [s.id for s in scenes]
    chosen = st.session_state.get("scene_choice")
    if chosen in ids:
        go_to_scene(scenes, ids.index(chosen))


def scene_title(scene: Scene, lang: str) -> str:
    if lang == "zh":
        return scene.title_zh
    if lang == "en":
        return scene.title_en
    return f"{scene.title_zh} · {scene.title_en}"


def scene_bar(scenes: list[Scene], view: ViewState, columns) -> Scene | None:
    """Previous / scene / next in three ``columns``, and the clicker keys; returns the scene."""
    st.html(_KEYS_JS, unsafe_allow_javascript=True)
    if not scenes:
        return None
    ids = [s.id for s in scenes]
    current = next((s for s in scenes if s.id == view.scene), None)
    if st.session_state.get("scene_choice") != view.scene:
        st.session_state["scene_choice"] = view.scene
    prev_col, pick_col, next_col = columns
    prev_col.button(PREV_LABEL, on_click=_step, args=(scenes, -1), use_container_width=True)
    pick_col.selectbox(
        "场景 Scene",
        options=ids,
        index=ids.index(view.scene) if view.scene in ids else None,
        format_func=lambda i: scene_title(scenes[ids.index(i)], view.lang),
        placeholder="选择场景… Choose a scene…",
        key="scene_choice",
        on_change=_choose,
        args=(scenes,),
        label_visibility="collapsed" if view.presenter else "visible",
    )
    next_col.button(NEXT_LABEL, on_click=_step, args=(scenes, 1), use_container_width=True)
    return current


def caption_html(scene: Scene, view: ViewState) -> str:
    size = 1.6 if view.presenter else 1.15
    title = esc(scene_title(scene, view.lang))
    captions = {"zh": [scene.caption_zh], "en": [scene.caption_en]}.get(
        view.lang, [scene.caption_zh, scene.caption_en]
    )
    caption = "<br>".join(esc(text) for text in captions)
    return (
        f'<div data-testid="scene-caption" data-scene="{esc(scene.id)}">'
        f'<div style="font-size:{size}rem;font-weight:600">{title}</div>'
        f'<div style="font-size:{size * 0.7:.2f}rem;color:#444">{caption}</div></div>'
    )


def playback_controls(first: int, last: int, columns) -> int | None:
    """Play the as-of year from ``first`` to ``last`` (controls in three ``columns``).

    Returns the year to show while playing, else None.
    """
    play_col, speed_col, cumulative_col = columns
    playing = bool(st.session_state.get("playing"))
    label = "⏸ 暂停 Pause" if playing else "▶ 播放年份 Play years"
    play_col.button(label, on_click=_toggle_play, args=(first, last), use_container_width=True)
    speed_col.selectbox("速度 Speed", list(SPEEDS), index=1, key="play_speed")
    cumulative_col.checkbox(
        "累计 Cumulative",
        value=True,
        key="play_cumulative",
        help="累计：显示截至该年的全部项目；否则只显示该年有进展的项目。\n\n"
        "Cumulative: every project up to that year; otherwise only that year's milestones.",
    )
    if not playing:
        return None
    _ticker(first, last, SPEEDS[st.session_state.get("play_speed", "中 normal")])
    return int(st.session_state.get("play_year", first))


def _toggle_play(first: int, last: int) -> None:
    if st.session_state.get("playing"):
        st.session_state["playing"] = False
        st.session_state["mode"] = "as_of"
        st.session_state["as_of"] = st.session_state.get("play_year", last)
        return
    st.session_state["playing"] = True
    st.session_state["play_year"] = first
    st.session_state["play_last_step"] = time.monotonic()


def _ticker(first: int, last: int, seconds: float) -> None:
    @st.fragment(run_every=seconds)
    def tick() -> None:
        # The fragment also runs inline on each full rerun: only step once a full interval
        # has passed, so a rerun never skips a year.
        now = time.monotonic()
        if now - st.session_state.get("play_last_step", 0.0) < seconds * 0.9:
            return
        st.session_state["play_last_step"] = now
        year = st.session_state.get("play_year", first) + 1
        st.session_state["play_year"] = first if year > last else year
        st.rerun(scope="app")

    tick()


def save_scene_form(scenes: list[Scene], view: ViewState) -> None:
    """Sidebar: save what is on screen now as a new scene, or delete a scene (confirmed).

    Saving is off, and the sidebar says why, when the administrator made the scenes file
    read-only or the folder cannot be written.
    """
    lang = view.lang
    _clean_up_once(str(scenes_path()))
    expander = st.sidebar.expander(t("admin.save_expander", lang))
    path = scenes_path()
    reason = saving_disabled(path)
    if reason:
        reason_text = t(reason, lang, path=escape_markdown(path.name))
        expander.info(t("admin.saving_off", lang, reason=reason_text))
        return
    with expander, st.form("save_scene", clear_on_submit=True):
        title_zh = st.text_input(t("admin.title_zh", lang), max_chars=60, key="new_title_zh")
        title_en = st.text_input(t("admin.title_en", lang), max_chars=80, key="new_title_en")
        caption_zh = st.text_area(t("admin.caption_zh", lang), max_chars=300, key="new_caption_zh")
        caption_en = st.text_area(t("admin.caption_en", lang), max_chars=400, key="new_caption_en")
        submitted = st.form_submit_button(t("admin.save_button", lang))
    if submitted:
        _save(expander, [title_zh, title_en, caption_zh, caption_en], view)
    with expander:
        _delete_control(scenes, lang)


def _save(box, texts: list[str], view: ViewState) -> None:
    lang = view.lang
    texts = [strip_hidden(text).strip() for text in texts]
    if not all(texts):
        box.error(t("admin.fill_all", lang))
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
        scene = add_scene(proposed)
    except SceneStoreError as exc:
        box.error(t("admin.not_saved", lang, reason=escape_markdown(exc.message(lang))))
        return
    st.session_state["scene"] = scene.id
    title = escape_markdown(scene_title(scene, lang))
    box.success(t("admin.saved", lang, title=title, scene=scene.id))


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
            delete_scene(chosen)
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
