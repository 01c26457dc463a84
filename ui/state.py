"""What the user is looking at, and the sidebar that sets it."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo import settings
from geo.filter import ProjectFilter, project_years
from geo.schema import LAYER_IDS, STATUSES
from layers import LAYERS, STATUS_STYLES

MODE_ALL, MODE_PERIOD, MODE_AS_OF = "all", "period", "as_of"
MODE_LABELS = {
    MODE_ALL: "当前状态 Current status",
    MODE_PERIOD: "时期 Period",
    MODE_AS_OF: "截至某年 As of year",
}


@dataclass(frozen=True)
class ViewState:
    """Everything the map shows, as plain values (so it can go into a URL or a scene)."""

    layers: tuple[str, ...] = LAYER_IDS
    statuses: tuple[str, ...] = STATUSES
    mode: str = MODE_ALL
    years: tuple[int, int] = (settings.FIRST_YEAR, settings.LAST_YEAR)
    as_of: int = settings.LAST_YEAR
    basemap: str = "light"

    @property
    def project_filter(self) -> ProjectFilter:
        return ProjectFilter(
            layers=self.layers,
            statuses=self.statuses,
            years=self.years if self.mode == MODE_PERIOD else None,
            as_of=self.as_of if self.mode == MODE_AS_OF else None,
        )


def status_label(status: str) -> str:
    style = STATUS_STYLES[status]
    return f"{style.label_zh} {style.label_en}"


def sidebar(gdf: gpd.GeoDataFrame) -> ViewState:
    """Draw the filter controls and return the view they describe."""
    st.sidebar.header("图层 Layers")
    totals = gdf["layer"].value_counts()
    layers = tuple(
        layer_id
        for layer_id, spec in LAYERS.items()
        if st.sidebar.checkbox(
            f"{spec.label_zh} · {spec.label_en} ({int(totals.get(layer_id, 0))})",
            value=True,
            key=f"layer_{layer_id}",
            help=f"{spec.description_zh}\n\n{spec.description_en}",
        )
    )
    st.sidebar.header("状态 Status")
    statuses = tuple(
        st.sidebar.multiselect(
            "显示状态 Show statuses",
            options=list(STATUSES),
            default=list(STATUSES),
            format_func=status_label,
            key="statuses",
        )
    )
    st.sidebar.header("年份 Years")
    first, last = project_years(gdf)
    mode = st.sidebar.radio(
        "时间视图 Time view",
        options=list(MODE_LABELS),
        format_func=MODE_LABELS.__getitem__,
        key="mode",
        help=(
            "当前状态：报告发布时（2021年1月）的状态。时期：在所选年份内有进展的项目。"
            "截至某年：每个项目在该年的状态；2021年为报告提出的目标。\n\n"
            "Current: status when the report was given (Jan 2021). Period: projects with a "
            "milestone in the years. As of: each project's status that year; 2021 shows the "
            "report's targets."
        ),
    )
    years, as_of = (first, last), last
    if mode == MODE_PERIOD:
        years = st.sidebar.slider(
            "年份范围 Year range", first, last, value=(first, last), key="years"
        )
    elif mode == MODE_AS_OF:
        as_of = st.sidebar.slider("截至年份 As of year", first, last, value=last, key="as_of")
        if as_of >= 2021:
            st.sidebar.caption("2021年为报告提出的计划目标，非已完成事实。2021 = planned targets.")
    st.sidebar.header("底图 Basemap")
    basemaps = settings.available_basemaps()
    basemap = st.sidebar.selectbox(
        "底图 Basemap",
        options=list(basemaps),
        index=list(basemaps).index(settings.default_basemap()),
        format_func=lambda b: f"{basemaps[b].label_zh} · {basemaps[b].label_en}",
        key="basemap",
        help=(
            "离线时底图瓦片可能缺失，区界和项目图层始终显示。设置 TIANDITU_KEY 启用天地图。\n\n"
            "Offline, tiles may be missing; the boundary and layers always show. "
            "Set TIANDITU_KEY to enable Tianditu."
        ),
    )
    return ViewState(
        layers=layers,
        statuses=statuses,
        mode=mode,
        years=tuple(years),
        as_of=int(as_of),
        basemap=basemap,
    )
