"""The project list under the map: what the filters show, sortable, a row click selects it."""

from __future__ import annotations

import functools

import geopandas as gpd
import pandas as pd
import streamlit as st

from i18n import t
from ui.state import frame_project

_KEY = "project_table"


def project_list(shown: gpd.GeoDataFrame, lang: str = "zh") -> None:
    """A sortable table of the projects the filters keep; selecting a row selects the project."""
    table = list_frame(shown, lang)
    with st.expander(t("list.title", lang, count=len(table)), expanded=False):
        st.dataframe(
            table.drop(columns=["id"]),
            hide_index=True,
            width="stretch",
            on_select=functools.partial(_choose, shown, table["id"].tolist()),
            selection_mode="single-row",
            key=_KEY,
        )


def list_frame(shown: gpd.GeoDataFrame, lang: str = "zh") -> pd.DataFrame:
    """The list's rows: id, name, layer, status shown (target marked), where it is."""
    name = shown["name_en"] if lang == "en" else shown["name_zh"]
    targets = shown.get("status_is_target", pd.Series(False, index=shown.index)).fillna(False)
    status = [
        t("tip.target", lang, status=t(f"status.{s}", lang)) if target else t(f"status.{s}", lang)
        for s, target in zip(shown["status"], targets, strict=True)
    ]
    placement = shown.get("map_placement", pd.Series("", index=shown.index)).fillna("")
    where = [
        t(f"list.placement.{p}", lang) if p else t(f"precision.{precision}", lang)
        for p, precision in zip(placement, shown["location_precision"], strict=True)
    ]
    return pd.DataFrame(
        {
            "id": shown["id"].tolist(),
            t("list.name", lang): name.tolist(),
            t("list.layer", lang): [t(f"layer.{x}", lang) for x in shown["layer"]],
            t("list.status", lang): status,
            t("list.where", lang): where,
        }
    )


def _choose(shown: gpd.GeoDataFrame, ids: list[str]) -> None:
    selection = st.session_state.get(_KEY)
    rows = getattr(getattr(selection, "selection", None), "rows", None)
    if rows is None and isinstance(selection, dict):
        rows = selection.get("selection", {}).get("rows")
    if rows:
        frame_project(shown, ids[rows[0]])
