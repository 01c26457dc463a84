"""The export panel: a preview of the snapshot and download buttons for images and data.

Everything is made by ``geo.render`` and ``geo.export`` (shared with ``python -m geo export``);
this module only lays out the controls. Downloads are generated when clicked (a callable as
``st.download_button(data=...)``), so an open panel costs nothing until it is used; the preview
is rendered only when asked for, and kept while nothing it shows changes.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo.export import FORMAT_FILES, export_data, export_snapshot_zip
from geo.filter import ProjectFilter
from geo.jobs import JobError, run_job, start_workers
from geo.render import (
    DEFAULT_PRESET,
    IMAGE_FORMATS,
    PRESETS,
    PageSize,
    SnapshotSpec,
    custom_page,
    default_title,
    render_snapshot,
    request_pixels,
)
from geo.text import escape_markdown
from geo.view import ViewState
from i18n import STRINGS, t

_CUSTOM = "custom"
_PREVIEW_WIDTH_PX = 960
#: Data formats offered, in order (labels: ``export.data.<fmt>`` in the catalogue).
_DATA_FORMATS = ("geojson", "gpkg", "csv", "kml", "html")


def export_panel(
    shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    view: ViewState,
    extent: tuple[float, float, float, float] | None = None,
) -> None:
    """Draw the export section for exactly what the map shows.

    Parameters
    ----------
    shown
        The projects as shown (``geo.apply_filter`` with the view's filter).
    boundary
        The district boundary.
    view
        What the map shows: its filter and basemap.
    extent
        (west, south, east, north) the map shows, if known; default the whole district.
    """
    basemap, project_filter, lang = view.basemap, view.project_filter, view.lang
    start_workers()
    with st.expander(t("export.heading", lang), expanded=False):
        spec, per_layer = _snapshot_controls(
            project_filter, basemap=basemap, extent=extent, lang=lang
        )
        if spec is not None:
            _image_downloads(shown, boundary, spec, per_layer=per_layer, lang=lang)
            _preview(shown, boundary, spec, lang=lang)
        st.divider()
        title = spec.shown_title if spec is not None else default_title(project_filter, lang)
        _data_downloads(shown, boundary, project_filter, basemap=basemap, title=title, lang=lang)


def _preset_label(preset: str, lang: str) -> str:
    key = f"export.preset.{preset}"
    return t(key, lang) if key in STRINGS else PRESETS[preset].label


def _snapshot_controls(
    view: ProjectFilter, *, basemap: str, extent, lang: str
) -> tuple[SnapshotSpec | None, bool]:
    """Title, size and format inputs; returns the snapshot they describe (None: bad size)."""
    default = default_title(view, lang)
    title = st.text_input(
        t("export.title", lang),
        key="export_title",
        placeholder=default,
        max_chars=120,
        help=t("export.title.help", lang),
    )
    size_col, format_col = st.columns([2, 1])
    options = [*PRESETS, _CUSTOM]
    preset = size_col.selectbox(
        t("export.size", lang),
        options=options,
        index=options.index(DEFAULT_PRESET),
        format_func=lambda p: _preset_label(p, lang) if p in PRESETS else t("export.custom", lang),
        key="export_preset",
    )
    fmt = format_col.selectbox(
        t("export.format", lang),
        options=list(IMAGE_FORMATS),
        format_func=lambda f: t(f"export.image.{f}", lang),
        key="export_format",
    )
    page = PRESETS[preset] if preset in PRESETS else _custom_page(lang)
    if page is None:
        return None, False
    per_layer = st.checkbox(
        t("export.per_layer", lang),
        key="export_per_layer",
        help=t("export.per_layer.help", lang),
    )
    spec = SnapshotSpec(
        view=view,
        page=page,
        fmt=fmt,
        title=title or None,
        basemap=basemap,
        extent=extent,
        # A printed legend keeps one language per row: English only when the page is English.
        lang="en" if lang == "en" else "zh",
    )
    return spec, per_layer


def _custom_page(lang: str) -> PageSize | None:
    width_col, height_col, dpi_col = st.columns(3)
    width = width_col.number_input(
        t("export.width", lang), 200, 20000, 1920, step=10, key="export_w"
    )
    height = height_col.number_input(
        t("export.height", lang), 200, 20000, 1080, step=10, key="export_h"
    )
    dpi = dpi_col.number_input("DPI", 50, 1200, 150, step=10, key="export_dpi")
    try:
        return custom_page(int(width), int(height), int(dpi))
    except ValueError as exc:
        # No download is offered for a size that cannot be drawn.
        st.error(t("admin.export_bad_size", lang, problem=escape_markdown(str(exc))))
        return None


def render_image(gdf_shown, boundary, spec: SnapshotSpec, per_layer: bool, prefix: str) -> bytes:
    """The image file (or zip of per-layer images), drawn in an export worker process.

    matplotlib holds the GIL while drawing: in the server's process a large export would
    freeze every visitor's page, so it runs in a process of its own, with a timeout.
    """
    if per_layer:
        return run_job(export_snapshot_zip, gdf_shown, boundary, spec=spec, prefix=prefix)
    return run_job(render_snapshot, gdf_shown, boundary, spec=spec)


def _image_downloads(
    shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    *,
    per_layer: bool,
    lang: str,
) -> None:
    stem = _file_stem(spec.view)
    try:
        request_pixels(spec.page, 1 + len(spec.view.layers) if per_layer else 1)
    except ValueError as exc:
        st.error(t("admin.export_bad_size", lang, problem=escape_markdown(str(exc))))
        return
    if per_layer:
        name, mime = f"{stem}-layers.zip", FORMAT_FILES["zip"][1]
    else:
        suffix, mime = FORMAT_FILES[spec.fmt]
        name = f"{stem}{suffix}"

    def make() -> bytes:
        return render_image(shown, boundary, spec, per_layer, stem)

    st.download_button(
        t("export.download", lang, name=name),
        data=make,
        file_name=name,
        mime=mime,
        on_click="ignore",
        type="primary",
        icon=":material/download:",
        key="export_image_download",
    )


def _preview(
    shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, spec: SnapshotSpec, *, lang: str
) -> None:
    """A small PNG with the snapshot's exact layout, rendered when asked for."""
    if not st.toggle(t("export.preview", lang), key="export_preview"):
        return
    scale = min(1.0, _PREVIEW_WIDTH_PX / spec.page.width_px)
    page = replace(
        spec.page,
        width_px=max(200, round(spec.page.width_px * scale)),
        height_px=max(200, round(spec.page.height_px * scale)),
        dpi=max(50, round(spec.page.dpi * scale)),
    )
    small = replace(spec, page=page, fmt="png")
    signature = (repr(small), tuple(shown["id"]), tuple(shown["status"]), _targets(shown))
    memo = st.session_state.get("export_preview_memo")
    if not memo or memo[0] != signature:
        with st.spinner(t("export.preview.busy", lang)):
            try:
                memo = (signature, render_image(shown, boundary, small, False, ""))
            except JobError as exc:
                st.warning(t(f"admin.export_{exc.reason}", lang))
                return
        st.session_state["export_preview_memo"] = memo
    st.image(memo[1], caption=f"{spec.page.label} · {spec.fmt.upper()}", width="stretch")


def _data_downloads(
    shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    view: ProjectFilter,
    *,
    basemap: str,
    title: str,
    lang: str,
) -> None:
    st.caption(t("export.data.caption", lang, count=len(shown)))
    stem = _file_stem(view)
    columns = st.columns(len(_DATA_FORMATS))
    for column, fmt in zip(columns, _DATA_FORMATS, strict=True):
        suffix, mime = FORMAT_FILES[fmt]

        def make(fmt: str = fmt) -> bytes:
            return export_data(
                shown, fmt, boundary=boundary, layers=view.layers, basemap=basemap, title=title
            )

        column.download_button(
            t(f"export.data.{fmt}", lang),
            data=make,
            file_name=f"{stem}{suffix}",
            mime=mime,
            on_click="ignore",
            key=f"export_data_{fmt}",
            width="stretch",
        )


def _file_stem(view: ProjectFilter) -> str:
    """An ASCII file name that says what is in the file, e.g. ``shinan-renewal-as-of-2021``."""
    parts = ["shinan"]
    if len(view.layers) == 1:
        parts.append(view.layers[0].replace("_", "-"))
    if view.as_of is not None:
        parts.append(f"as-of-{view.as_of}")
    elif view.years is not None:
        parts.append(f"{view.years[0]}-{view.years[1]}")
    return "-".join(parts)


def _targets(gdf: gpd.GeoDataFrame) -> tuple[bool, ...]:
    if "status_is_target" not in gdf:
        return ()
    return tuple(bool(v) for v in gdf["status_is_target"])
