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
from i18n import t

_CUSTOM = "custom"
_PREVIEW_WIDTH_PX = 960
_DATA_LABELS = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "csv": "CSV (WKT, 经纬度 lon/lat)",
    "kml": "KML",
    "html": "HTML 离线交互地图 offline map",
}
_IMAGE_LABELS = {"png": "PNG 图片", "svg": "SVG 矢量", "pdf": "PDF 文档"}


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
    basemap, project_filter = view.basemap, view.project_filter
    start_workers()
    with st.expander("导出 Export · 图片与数据 images and data", expanded=False):
        spec, per_layer = _snapshot_controls(project_filter, basemap=basemap, extent=extent)
        if spec is not None:
            _image_downloads(shown, boundary, spec, per_layer=per_layer)
            _preview(shown, boundary, spec)
        st.divider()
        title = spec.shown_title if spec is not None else default_title(project_filter)
        _data_downloads(shown, boundary, project_filter, basemap=basemap, title=title)


def _snapshot_controls(
    view: ProjectFilter, *, basemap: str, extent
) -> tuple[SnapshotSpec | None, bool]:
    """Title, size and format inputs; returns the snapshot they describe (None: bad size)."""
    default = default_title(view)
    title = st.text_input(
        "标题 Title",
        key="export_title",
        placeholder=default,
        max_chars=120,
        help="留空则按筛选条件生成。Leave empty for a title made from the filters.",
    )
    size_col, format_col = st.columns([2, 1])
    options = [*PRESETS, _CUSTOM]
    preset = size_col.selectbox(
        "尺寸 Size",
        options=options,
        index=options.index(DEFAULT_PRESET),
        format_func=lambda p: PRESETS[p].label if p in PRESETS else "自定义 Custom",
        key="export_preset",
    )
    fmt = format_col.selectbox(
        "格式 Format",
        options=list(IMAGE_FORMATS),
        format_func=_IMAGE_LABELS.__getitem__,
        key="export_format",
    )
    page = PRESETS[preset] if preset in PRESETS else _custom_page()
    if page is None:
        return None, False
    per_layer = st.checkbox(
        "按图层分别导出（zip）One image per layer (zip)",
        key="export_per_layer",
        help="同一范围，每个可见图层一张，另加全部图层一张。Same extent; all layers plus one each.",
    )
    spec = SnapshotSpec(
        view=view, page=page, fmt=fmt, title=title or None, basemap=basemap, extent=extent
    )
    return spec, per_layer


def _custom_page() -> PageSize | None:
    width_col, height_col, dpi_col = st.columns(3)
    width = width_col.number_input("宽 Width (px)", 200, 20000, 1920, step=10, key="export_w")
    height = height_col.number_input("高 Height (px)", 200, 20000, 1080, step=10, key="export_h")
    dpi = dpi_col.number_input("DPI", 50, 1200, 150, step=10, key="export_dpi")
    try:
        return custom_page(int(width), int(height), int(dpi))
    except ValueError as exc:
        # No download is offered for a size that cannot be drawn.
        st.error(t("admin.export_bad_size", "both", problem=escape_markdown(str(exc))))
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
    shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, spec: SnapshotSpec, *, per_layer: bool
) -> None:
    stem = _file_stem(spec.view)
    try:
        request_pixels(spec.page, 1 + len(spec.view.layers) if per_layer else 1)
    except ValueError as exc:
        st.error(t("admin.export_bad_size", "both", problem=escape_markdown(str(exc))))
        return
    if per_layer:
        name, mime = f"{stem}-layers.zip", FORMAT_FILES["zip"][1]
    else:
        suffix, mime = FORMAT_FILES[spec.fmt]
        name = f"{stem}{suffix}"

    def make() -> bytes:
        return render_image(shown, boundary, spec, per_layer, stem)

    st.download_button(
        f"下载 Download {name}",
        data=make,
        file_name=name,
        mime=mime,
        on_click="ignore",
        type="primary",
        icon=":material/download:",
        key="export_image_download",
    )


def _preview(shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, spec: SnapshotSpec) -> None:
    """A small PNG with the snapshot's exact layout, rendered when asked for."""
    if not st.toggle("预览 Preview", key="export_preview"):
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
        with st.spinner("正在生成预览 Rendering the preview…"):
            try:
                memo = (signature, render_image(shown, boundary, small, False, ""))
            except JobError as exc:
                st.warning(t(f"admin.export_{exc.reason}", "both"))
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
) -> None:
    st.caption(f"筛选后的数据 The filtered data: {len(shown)} 个项目 projects")
    stem = _file_stem(view)
    columns = st.columns(len(_DATA_LABELS))
    for column, (fmt, label) in zip(columns, _DATA_LABELS.items(), strict=True):
        suffix, mime = FORMAT_FILES[fmt]

        def make(fmt: str = fmt) -> bytes:
            return export_data(
                shown, fmt, boundary=boundary, layers=view.layers, basemap=basemap, title=title
            )

        column.download_button(
            label,
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
