"""The data panel: import a file with a preview, edit or draw a feature, history and restore.

Everything that decides (reading files, planning an import, applying an edit, the rules, the
version check) lives in ``geo`` (imports, edits, store); this module lays out widgets. The
panel is built only while its switch is on, so the map page costs nothing extra otherwise.
Text from files and users is shown with ``st.text``/``st.dataframe`` (never as markdown or
HTML) or escaped first.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import streamlit as st
from folium.plugins import Draw
from streamlit_folium import st_folium

from geo import auth, settings
from geo.edits import FeatureEdit, add_feature, check_edit, delete_feature, edit_feature
from geo.errors import ProjectDataError
from geo.history import summarise
from geo.html import escape_html
from geo.imports import ImportFailed, ImportOptions, plan_import, read_source
from geo.imports.columns import COORDINATE_FIELDS, FIELD_NAMES, guess_mapping
from geo.imports.crs import parse_crs
from geo.imports.files import MAX_FILE_BYTES, SUFFIXES
from geo.load import load_boundary, read_report_text
from geo.schema import FIGURE_UNITS, LAYER_IDS, PRECISIONS, STATUSES
from geo.store import VersionConflict, open_store
from geo.text import escape_markdown
from i18n import t
from ui.login import current_actor, denied_text

_DRAW_FILES = ("leaflet-draw/leaflet.draw.js", "leaflet-draw/leaflet.draw.css")
_NEW = "__new__"
_BASE_KEY = "data_panel_base"
#: Fields the edit form shows a problem next to.
_FORM_FIELDS = frozenset(
    {"id", "name_zh", "name_en", "status", "year", "note_zh", "document", "quote",
     "milestones", "figures", "location_precision", "location_note", "geometry"}
)  # fmt: skip
_CHANGE_COLOURS = {"added": "#009E73", "changed": "#E69F00"}


def data_panel(selected_id: str | None) -> None:
    """The panel under the map; ``selected_id`` is the project selected on the map."""
    lang = st.session_state.get("lang", "both")
    if not st.toggle(t("edit.panel.open", lang), key="data_panel_open"):
        st.session_state.pop(_BASE_KEY, None)
        return
    flash = st.session_state.pop("data_panel_flash", None)
    if flash:
        st.success(flash)
    actor = current_actor()
    if actor is None:  # sign-in off: one planner, who names themselves for the log
        who = st.text_input(t("edit.who", lang), key="editor_name", max_chars=60).strip()
    else:
        who = actor.name or ""
        if not auth.can(actor, "edit"):
            st.info(t("access.needs_editor", lang))
    # The store checks the role again on every write, whatever this page shows.
    store = open_store(actor=actor)
    try:
        snapshot = store.load()
    except ProjectDataError as exc:
        st.error(_plain(str(exc)))
        return
    tabs = st.tabs(
        [t("edit.tab.import", lang), t("edit.tab.edit", lang), t("edit.tab.history", lang)]
    )
    with tabs[0]:
        _import_tab(store, snapshot, who, lang)
    with tabs[1]:
        _edit_tab(store, snapshot, who, selected_id, lang)
    with tabs[2]:
        _history_tab(store, snapshot, who, selected_id, lang)


# Saving ----------------------------------------------------------------------------------------
def _save(store, new, base, who: str, lang: str, *, source: str | None = None, done: str) -> bool:
    """Save through the store; say what went wrong next to the button, never a traceback."""
    if not who and store.actor is None:
        st.error(t("edit.who.missing", lang))
        return False
    try:
        result = store.save(new, base=base, who=who, source=source)
    except auth.AccessDenied as exc:
        st.error(denied_text(exc, lang))
        return False
    except VersionConflict as exc:
        st.error(_conflict_text(exc, lang))
        return False
    except ProjectDataError as exc:
        st.error(t("edit.invalid", lang))
        st.text("\n".join(str(p) for p in exc.problems))
        return False
    except OSError as exc:
        st.error(t("edit.os_error", lang, reason=_plain(exc.strerror or str(exc))))
        return False
    st.session_state.pop(_BASE_KEY, None)
    merged = len(result.merged)
    note = t("edit.merged", lang, count=merged) if merged else ""
    st.session_state["data_panel_flash"] = f"{done} {note}".strip()
    st.rerun()
    return True


def _conflict_text(exc: VersionConflict, lang: str) -> str:
    pairs = _plain("; ".join(f"{f} · {n}" for f, n in exc.conflicts))
    who = _plain(exc.who or "?")
    if exc.when:
        return t("edit.conflict.when", lang, pairs=pairs, who=who, when=exc.when)
    return t("edit.conflict", lang, pairs=pairs, who=who)


def _plain(text: str) -> str:
    """Text for a Markdown-rendering widget (st.error ...), shown literally."""
    return escape_markdown(text)


# Import ----------------------------------------------------------------------------------------
def _import_tab(store, snapshot, who: str, lang: str) -> None:
    upload = st.file_uploader(
        t("edit.import.file", lang),
        type=[s.lstrip(".") for s in SUFFIXES],
        key="import_upload",
    )
    cols = st.columns(3)
    layer = cols[0].selectbox(t("edit.layer", lang), LAYER_IDS, key="import_layer")
    grid = cols[1].selectbox(
        t("edit.import.crs", lang),
        ["auto", "epsg", "gcj02", "bd09"],
        format_func=lambda v: t(f"edit.import.crs.{v}", lang),
        key="import_grid",
    )
    epsg = cols[2].text_input("EPSG", key="import_epsg", disabled=grid != "epsg")
    if upload is None:
        st.caption(t("edit.import.hint", lang))
        return
    if upload.size > MAX_FILE_BYTES:
        st.error(t("import.file.too_big", lang, size=upload.size, limit=MAX_FILE_BYTES))
        return
    try:
        table = _read_upload(upload, lang)
    except ImportFailed as exc:
        st.error(_plain(exc.text(lang)))
        return
    overrides = _mapping_controls(table, upload.file_id, lang)
    try:
        options = _import_options(layer, grid, epsg, overrides, who, lang)
        plan = plan_import(table, snapshot.collection, options, report_text=read_report_text())
    except ImportFailed as exc:
        st.error(_plain(exc.text(lang)))
        return
    except ValueError as exc:
        st.error(_plain(str(exc)))
        return
    _show_plan(plan, lang)
    _import_button(store, snapshot, plan, who, lang)


def _read_upload(upload, lang: str):
    """Read the uploaded file; when it holds several layers, offer them to choose from."""
    layers = st.session_state.get(f"import_layers_{upload.file_id}")
    source_layer = None
    if layers:
        source_layer = st.selectbox(
            t("edit.import.source_layer", lang), layers, key=f"import_source_{upload.file_id}"
        )
    with tempfile.TemporaryDirectory(prefix="shinan-upload-") as tmp:
        # Only the suffix of the user's file name is used on disk.
        path = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
        path.write_bytes(upload.getvalue())
        try:
            return read_source(path, source_layer=source_layer, name=upload.name)
        except ImportFailed as exc:
            if exc.message.key == "import.layer.choose" and not layers:
                names = str(exc.message.values["layers"]).split(", ")
                st.session_state[f"import_layers_{upload.file_id}"] = names
                st.rerun()
            raise


def _mapping_controls(table, file_id: str, lang: str) -> dict[str, str]:
    """One choice per project field, starting from the guessed column; returns the overrides."""
    columns = [str(c) for c in table.frame.columns if c != "geometry"]
    guessed = guess_mapping(columns)
    overrides: dict[str, str] = {}
    none = "—"
    with st.expander(t("edit.import.mapping", lang), expanded=False):
        grid = st.columns(4)
        for i, field in enumerate(FIELD_NAMES):
            if table.gdf is not None and field in COORDINATE_FIELDS:
                continue  # a vector file's geometry is its own
            options = [none, *columns]
            default = guessed.get(field)
            chosen = grid[i % 4].selectbox(
                t(f"edit.map.{field}", lang),
                options,
                index=options.index(default) if default in options else 0,
                key=f"map_{field}_{file_id}",
            )
            if chosen != (default or none):
                overrides[field] = "" if chosen == none else chosen
    return overrides


def _import_options(layer, grid, epsg, overrides, who, lang) -> ImportOptions:
    crs = None
    if grid == "epsg":
        try:
            crs = parse_crs(epsg)
        except ValueError:
            raise ValueError(t("import.crs.bad", lang, crs=epsg)) from None
    shift = grid if grid in ("gcj02", "bd09") else None
    return ImportOptions(layer=layer, crs=crs, shift=shift, overrides=overrides, who=who or "?")


def _show_plan(plan, lang: str) -> None:
    st.text("\n".join(note.text(lang) for note in plan.notes))
    st.text(
        t("import.plan.mapping", lang, pairs=", ".join(f"{f}={c}" for f, c in plan.mapping.items()))
    )
    preview = plan.preview()
    if len(preview):
        _preview_map(preview)
    rows = [
        {
            t("edit.col.change", lang): t(f"edit.change.{kind}", lang),
            t("edit.col.row", lang): p.row,
            "id": p.id,
            t("edit.col.name", lang): p.feature["properties"]["name_zh"],
            t("edit.col.fields", lang): ", ".join(p.fields) if kind == "changed" else "",
            t("edit.col.notes", lang): "; ".join(r.text(lang) for r in p.repairs),
        }
        for kind, proposals in (("added", plan.added), ("changed", plan.changed))
        for p in proposals
    ]
    rows += [
        {
            t("edit.col.change", lang): t("edit.change.rejected", lang),
            t("edit.col.row", lang): r.row,
            "id": "",
            t("edit.col.name", lang): f"{r.field} = {r.value!r}",
            t("edit.col.fields", lang): "",
            t("edit.col.notes", lang): r.reason.text(lang),
        }
        for r in plan.rejected
    ]
    counts = t(
        "edit.import.counts",
        lang,
        added=len(plan.added),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        rejected=len(plan.rejected),
    )
    st.text(counts)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)


def _preview_map(preview) -> None:
    """Added (green) and changed (orange) features, before anything is written."""
    xmin, ymin, xmax, ymax = preview.total_bounds
    center = [(ymin + ymax) / 2, (xmin + xmax) / 2]
    m = folium.Map(tiles=None, location=center, zoom_start=15, max_zoom=19)
    m.fit_bounds([[ymin, xmin], [ymax, xmax]], max_zoom=17)
    shown = preview.assign(name_zh=preview["name_zh"].map(escape_html))
    folium.GeoJson(
        shown.to_json(),
        style_function=lambda f: {
            "color": _CHANGE_COLOURS[f["properties"]["change"]],
            "fillOpacity": 0.35,
            "weight": 3,
        },
        marker=folium.CircleMarker(radius=7, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["row", "name_zh", "change"], labels=False),
    ).add_to(m)
    st_folium(m, key="import_preview", height=360, use_container_width=True, returned_objects=[])


def _import_button(store, snapshot, plan, who: str, lang: str) -> None:
    if not plan.added and not plan.changed:
        st.info(t("import.plan.nothing", lang))
        return
    skip = True
    if plan.rejected:
        skip = st.checkbox(t("edit.import.skip", lang, count=len(plan.rejected)), key="import_skip")
    label = t("edit.import.go", lang, count=len(plan.added) + len(plan.changed))
    if st.button(label, type="primary", disabled=not skip, key="import_go"):
        done = t("import.plan.written", lang, path=Path(store.label).name)
        _save(
            store,
            plan.apply(snapshot.collection),
            snapshot,
            who,
            lang,
            source=plan.source,
            done=done,
        )


# Edit ------------------------------------------------------------------------------------------
def _pinned(store, snapshot, fid: str):
    """The data as it was when this feature was opened for editing: the save names its
    version, so an edit made meanwhile by someone else (another server, QGIS) is detected
    rather than silently overwritten. Reopening the panel or saving reads afresh."""
    label, pinned_fid, pinned = st.session_state.get(_BASE_KEY, (None, None, None))
    if pinned is None or (label, pinned_fid) != (store.label, fid):
        pinned = snapshot
        st.session_state[_BASE_KEY] = (store.label, fid, snapshot)
    # A copy each run: the drawing map (folium) changes the dicts it is given, and the kept
    # version must stay exactly what was read.
    return replace(pinned, collection=copy.deepcopy(pinned.collection))


def _edit_tab(store, fresh, who: str, selected_id: str | None, lang: str) -> None:
    features = {f["properties"]["id"]: f for f in fresh.collection["features"]}
    options = [_NEW, *features]
    default = options.index(selected_id) if selected_id in features else 0
    fid = st.selectbox(
        t("edit.feature", lang),
        options,
        index=default,
        format_func=lambda v: (
            t("edit.new", lang) if v == _NEW else f"{features[v]['properties']['name_zh']} · {v}"
        ),
        key="edit_feature",
    )
    snapshot = _pinned(store, fresh, fid)
    features = {f["properties"]["id"]: f for f in snapshot.collection["features"]}
    feature = features.get(fid)
    drawn = _draw_map(feature, lang)
    problems: dict[str, list[str]] = st.session_state.get("edit_problems", {}).get(fid, {})
    _field_problems(problems, "geometry")
    with st.form(f"edit_form_{fid}"):
        values, new_id, layer = _form_fields(feature, problems, lang, fid)
        use_drawn = st.checkbox(
            t("edit.use_drawing", lang), value=drawn is not None, disabled=drawn is None
        )
        submitted = st.form_submit_button(t("edit.save", lang), type="primary")
        # Rules about fields the form does not show (layer, location evidence ...).
        for name, fixes in problems.items():
            if name not in _FORM_FIELDS:
                st.error(_plain(f"{name}: {'; '.join(fixes)}"), icon="⚠️")
    if submitted:
        geometry = drawn if use_drawn else None
        _submit_edit(store, snapshot, who, fid, new_id, layer, values, geometry, lang)
    if feature is not None:
        _delete_controls(store, snapshot, who, feature, lang)


def _form_fields(feature, problems, lang, fid):
    props = feature["properties"] if feature else {}
    new_id, layer = None, None
    if feature is None:
        new_id = st.text_input("id", help=t("edit.id.help", lang))
        _field_problems(problems, "id")
        layer = st.selectbox(t("edit.layer", lang), LAYER_IDS)
    fields: dict[str, Any] = {}
    for name in ("name_zh", "name_en"):
        fields[name] = st.text_input(t(f"edit.field.{name}", lang), value=props.get(name, ""))
        _field_problems(problems, name)
    status_now = props.get("status", STATUSES[0])
    fields["status"] = st.selectbox(
        t("edit.field.status", lang),
        STATUSES,
        index=STATUSES.index(status_now),
        format_func=lambda s: t(f"import.status.{s}", lang),
    )
    _field_problems(problems, "status")
    st.caption(t("edit.status.help", lang))
    cols = st.columns(2)
    fields["year"] = cols[0].number_input(
        t("edit.field.year", lang), min_value=2000, max_value=2035, value=dt.date.today().year
    )
    fields["note_zh"] = cols[1].text_input(t("edit.field.note_zh", lang))
    fields["document"] = st.text_input(t("edit.field.document", lang))
    _field_problems(problems, "document")
    fields["quote"] = st.text_area(t("edit.field.quote", lang), height=68)
    for name in ("year", "note_zh", "quote"):
        _field_problems(problems, name)
    fields["milestones"] = None
    if feature is not None:  # a new project's first milestone comes from the status fields
        fields["milestones"] = _table(
            t("edit.field.milestones", lang),
            props.get("milestones", []),
            _MILESTONE_COLUMNS,
            lang,
            key=f"milestones_{fid}",
        )
        _field_problems(problems, "milestones")
    fields["figures"] = _table(
        t("edit.field.figures", lang),
        props.get("figures", []),
        _FIGURE_COLUMNS,
        lang,
        key=f"figures_{fid}",
    )
    _field_problems(problems, "figures")
    precision = props.get("location_precision", "exact")
    fields["location_precision"] = st.selectbox(
        t("edit.field.location_precision", lang), PRECISIONS, index=PRECISIONS.index(precision)
    )
    _field_problems(problems, "location_precision")
    fields["location_note"] = st.text_input(
        t("edit.field.location_note", lang), value=props.get("location_note", "")
    )
    _field_problems(problems, "location_note")
    fields["owner"] = st.text_input(t("edit.field.owner", lang), value=props.get("owner", ""))
    return fields, new_id, layer


def _table(label: str, rows: list[dict], columns: dict, lang: str, *, key: str) -> list[dict]:
    """An editable table (rows can be added and removed); returns its rows as dicts."""
    frame = pd.DataFrame(rows, columns=list(columns))
    numbers = {"year", "year_end", "value"}
    for name in frame.columns:
        # An absent column is all-NaN floats, which a text or choice column refuses.
        if name in numbers:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
        else:
            frame[name] = frame[name].astype(object).fillna("").astype(str)
    st.caption(label)
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        hide_index=True,
        use_container_width=True,
        column_config={name: make(lang) for name, make in columns.items()},
        key=key,
    )
    return edited.to_dict("records")


_MILESTONE_COLUMNS = {
    "year": lambda lang: st.column_config.NumberColumn(min_value=2000, max_value=2035, step=1),
    "year_end": lambda lang: st.column_config.NumberColumn(min_value=2000, max_value=2035, step=1),
    "kind": lambda lang: st.column_config.SelectboxColumn(options=["reported", "target"]),
    "status": lambda lang: st.column_config.SelectboxColumn(options=list(STATUSES)),
    "note_zh": lambda lang: st.column_config.TextColumn(),
    "quote": lambda lang: st.column_config.TextColumn(width="large"),
    "document": lambda lang: st.column_config.TextColumn(),
    "recorded_by": lambda lang: st.column_config.TextColumn(disabled=True),
}
_FIGURE_COLUMNS = {
    "label_zh": lambda lang: st.column_config.TextColumn(),
    "label_en": lambda lang: st.column_config.TextColumn(),
    "value": lambda lang: st.column_config.NumberColumn(min_value=0),
    "unit": lambda lang: st.column_config.SelectboxColumn(options=list(FIGURE_UNITS)),
    "quote": lambda lang: st.column_config.TextColumn(width="large"),
    "document": lambda lang: st.column_config.TextColumn(),
    "recorded_by": lambda lang: st.column_config.TextColumn(disabled=True),
}


def _field_problems(problems: dict[str, list[str]], name: str) -> None:
    for fix in problems.get(name, []):
        st.error(_plain(fix), icon="⚠️")


def _submit_edit(store, snapshot, who, fid, new_id, layer, values, geometry, lang) -> None:
    milestones = values["milestones"] if fid != _NEW else None
    figures = values["figures"]
    # The status box starts at the stored status: only a change there adds a milestone.
    status_changed = fid == _NEW or values["status"] != _props(snapshot, fid).get("status")
    edit = FeatureEdit(
        milestones=milestones,
        figures=figures,
        name_zh=values["name_zh"],
        name_en=values["name_en"],
        location_precision=values["location_precision"],
        location_note=values["location_note"],
        owner=values["owner"] or None,
        geometry=geometry,
        status=values["status"] if status_changed else None,
        year=int(values["year"]),
        note_zh=values["note_zh"],
        document=values["document"],
        quote=values["quote"],
    )
    who_name = who or "?"
    if fid == _NEW:
        target = (new_id or "").strip()
        new = add_feature(snapshot.collection, target, layer, edit, who=who_name)
    else:
        target = fid
        new = edit_feature(snapshot.collection, fid, edit, who=who_name)
    added = len(milestones or []) if status_changed else None
    problems = check_edit(new, target, new_milestone=0 if fid == _NEW else added)
    if fid == _NEW and geometry is None:
        problems.setdefault("geometry", []).append(t("edit.draw.needed", lang))
    st.session_state["edit_problems"] = {fid: problems}
    if problems:
        st.rerun()
    done = t("edit.saved", lang, id=target)
    _save(store, new, snapshot, who, lang, done=done)


def _props(snapshot, fid: str) -> dict[str, Any]:
    for feature in snapshot.collection["features"]:
        if feature["properties"]["id"] == fid:
            return feature["properties"]
    return {}


def _delete_controls(store, snapshot, who: str, feature, lang: str) -> None:
    fid = feature["properties"]["id"]
    sure = st.checkbox(
        t("edit.delete.confirm", lang, name=feature["properties"]["name_zh"], id=fid),
        key=f"delete_sure_{fid}",
    )
    if st.button(t("edit.delete", lang), disabled=not sure, key=f"delete_{fid}"):
        done = t("edit.deleted", lang, id=fid)
        _save(store, delete_feature(snapshot.collection, fid), snapshot, who, lang, done=done)


def _draw_map(feature, lang: str) -> dict | None:
    """A map with the feature (dashed, for reference) and drawing tools; the last shape drawn."""
    missing = [
        f for f in _DRAW_FILES if not (settings.PROJECT_ROOT / "static" / "vendor" / f).is_file()
    ]
    if missing:
        st.error(t("edit.draw.missing", lang, files=", ".join(missing)))
        return None
    lat, lon = settings.DEFAULT_CENTER
    m = folium.Map(tiles=None, location=[lat, lon], zoom_start=14, max_zoom=19)
    _context_layers(m)
    if feature is not None and feature.get("geometry"):
        layer = folium.GeoJson(
            feature["geometry"],
            style_function=lambda _: {"color": "#0072B2", "dashArray": "6 4", "weight": 2},
            marker=folium.CircleMarker(radius=6),
        ).add_to(m)
        # A point has empty bounds, and with no tile layer Leaflet has no maximum zoom.
        m.fit_bounds(layer.get_bounds(), max_zoom=17)
    draw = Draw(
        draw_options={"circle": False, "circlemarker": False, "rectangle": True},
        edit_options={"edit": True, "remove": True},
    )
    prefix = _static_prefix()
    draw.default_js = [("leaflet_draw_js", f"{prefix}/{_DRAW_FILES[0]}")]
    draw.default_css = [("leaflet_draw_css", f"{prefix}/{_DRAW_FILES[1]}")]
    draw.add_to(m)
    st.caption(t("edit.draw.help", lang))
    key = f"edit_map_{feature['properties']['id'] if feature else _NEW}"
    result = st_folium(
        m, key=key, height=380, use_container_width=True, returned_objects=["all_drawings"]
    )
    drawings = (result or {}).get("all_drawings") or []
    return drawings[-1].get("geometry") if drawings else None


def _context_layers(m: folium.Map) -> None:
    """The basemap the app opens with and the district outline, to draw against."""
    basemap = settings.available_basemaps().get(settings.default_basemap())
    # Gaode tiles are on the GCJ-02 grid: a shape drawn over them would be ~460 m off.
    if basemap is not None and not basemap.gcj02:
        for provider in basemap.tiles:
            folium.TileLayer(
                tiles=settings.tile_url(provider, basemap),
                attr=provider.get("html_attribution") or provider.get("attribution", ""),
                max_zoom=provider.get("max_zoom", 19),
            ).add_to(m)
    try:
        boundary = load_boundary()
    except ProjectDataError:
        return
    folium.GeoJson(
        boundary.to_json(),
        style_function=lambda _: {"color": "#555555", "weight": 1.5, "fill": False},
        interactive=False,
    ).add_to(m)


def _static_prefix() -> str:
    # Same rule as ui.assets: Streamlit serves static/ at /app/static/, under baseUrlPath.
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


# History ---------------------------------------------------------------------------------------
def _history_tab(store, snapshot, who: str, selected_id: str | None, lang: str) -> None:
    only_selected = st.checkbox(
        t("edit.history.only", lang, id=selected_id or "-"),
        value=selected_id is not None,
        disabled=selected_id is None,
        key="history_only",
    )
    feature = selected_id if only_selected else None
    changes = store.history(feature=feature)
    if not changes:
        st.caption(t("edit.history.empty", lang))
        return
    table = pd.DataFrame(
        [
            {
                t("edit.col.time", lang): c.time,
                t("edit.col.who", lang): c.who,
                "id": c.feature,
                t("edit.col.field", lang): c.field,
                t("edit.col.old", lang): summarise(c.old),
                t("edit.col.new", lang): summarise(c.new),
                t("edit.col.source", lang): c.source or "",
                t("edit.col.version", lang): c.after[:12],
            }
            for c in reversed(changes)
        ]
    )
    st.dataframe(table, hide_index=True, use_container_width=True)
    _restore_controls(store, snapshot, who, feature, changes, lang)


def _restore_controls(store, snapshot, who, feature, changes, lang) -> None:
    versions: dict[str, str] = {}
    for change in changes:
        versions.setdefault(
            change.before,
            f"{change.before[:12]} · {t('edit.history.before', lang)} {change.time} {change.who}",
        )
    chosen = st.selectbox(
        t("edit.history.version", lang),
        list(versions),
        format_func=versions.__getitem__,
        key="history_version",
    )
    if chosen is None or chosen in ("absent", "0"):  # before the file / the database had data
        return
    then = store.collection_at(chosen)
    if feature is not None:
        old = next((f for f in then["features"] if f["properties"].get("id") == feature), None)
        st.json(old or {}, expanded=False)
        if st.button(t("edit.restore.feature", lang, id=feature), key="restore_feature"):
            done = t("edit.restored", lang, version=chosen[:12])
            _restore(store, snapshot, chosen, who, lang, feature=feature, done=done)
    sure = st.checkbox(t("edit.restore.confirm", lang, version=chosen[:12]), key="restore_sure")
    if st.button(t("edit.restore.file", lang), disabled=not sure, key="restore_file"):
        _restore(
            store,
            snapshot,
            chosen,
            who,
            lang,
            feature=None,
            done=t("edit.restored", lang, version=chosen[:12]),
        )


def _restore(store, snapshot, version, who, lang, *, feature, done) -> None:
    if not who and store.actor is None:
        st.error(t("edit.who.missing", lang))
        return
    try:
        store.restore(version, base=snapshot, who=who, feature=feature)
    except auth.AccessDenied as exc:
        st.error(denied_text(exc, lang))
        return
    except VersionConflict as exc:
        st.error(_conflict_text(exc, lang))
        return
    except ProjectDataError as exc:
        st.error(t("edit.invalid", lang))
        st.text("\n".join(str(p) for p in exc.problems))
        return
    st.session_state["data_panel_flash"] = done
    st.rerun()
