"""The project list under the map: what the filters show, sorted and paged on the server, a
row click selects it.

Only one page of rows reaches the browser: at 10,000 projects the whole list was ~4 MB per new
filter state, a page of 100 rows is tens of KB. Sorting is done here over every row, before
paging, so "status, descending" puts the whole list in order, not one page.
"""

from __future__ import annotations

import functools
import math
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import schema
from i18n import t
from ui.state import frame_project

_KEY = "project_table"
#: The last row selection acted on: (table key, row).
_CHOSEN: Final = "project_table_chosen"
SORT_KEY: Final = "project_sort"
DESCENDING_KEY: Final = "project_descending"
PAGE_KEY: Final = "project_page"
#: Rows per page: enough to scan, small enough that a new filter state sends tens of KB.
PAGE_ROWS: Final = 100
#: What the list can be sorted by: the data's own order, then each column it shows.
SORTS: Final = ("file", "name", "layer", "status", "where")


def project_list(shown: gpd.GeoDataFrame, lang: str = "zh") -> None:
    """A sorted, paged table of the projects the filters keep; selecting a row selects it."""
    total = len(shown)
    with st.expander(t("list.title", lang, count=total), expanded=False):
        if not total:
            st.caption(t("listing.none", lang))
            return
        pages = max(1, math.ceil(total / PAGE_ROWS))
        sort, descending, page = _controls(pages, lang)
        order = sort_order(shown, sort, descending=descending, lang=lang)
        first = (page - 1) * PAGE_ROWS
        rows = shown.iloc[order[first : first + PAGE_ROWS]]
        table = list_frame(rows, lang)
        ids = table["id"].tolist()
        st.caption(t("listing.rows", lang, first=first + 1, last=first + len(ids), total=total))
        # A key per page and order: a row selected on one page is not shown selected on the
        # next. Not per set of rows: a key that changed with the rows would remount the table
        # (and rerun the page) whenever the shown projects change.
        view = (sort, descending, page)
        key = _KEY if view == ("file", False, 1) else f"{_KEY}_{sort}_{int(descending)}_{page}"
        st.dataframe(
            table.drop(columns=["id"]),
            hide_index=True,
            width="stretch",
            on_select=functools.partial(_choose, shown, ids, key),
            selection_mode="single-row",
            key=key,
        )
        if _choose(shown, ids, key):
            # The callback did not see this selection (AppTest sets it directly): draw again
            # so that the map and the side panel follow it.
            st.rerun()


def _controls(pages: int, lang: str) -> tuple[str, bool, int]:
    """Sort column, direction and page (kept within the pages the current filter gives)."""
    sort_col, direction_col, page_col = st.columns([2, 1, 1.4], vertical_alignment="bottom")
    labels = {s: t("listing.sort.file" if s == "file" else f"list.{s}", lang) for s in SORTS}
    sort = sort_col.selectbox(
        t("listing.sort", lang),
        options=SORTS,
        format_func=labels.__getitem__,
        key=SORT_KEY,
        on_change=_first_page,
    )
    descending = direction_col.toggle(
        t("listing.descending", lang), key=DESCENDING_KEY, on_change=_first_page
    )
    return sort, bool(descending), page_picker(pages, PAGE_KEY, lang, page_col)


def page_picker(pages: int, key: str, lang: str, where=st) -> int:
    """The page (1-based) of ``pages`` picked in ``where``, kept within them when a filter
    leaves fewer pages than the one last picked."""
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    page = where.number_input(
        t("listing.page", lang, pages=f"{pages:,}"),
        min_value=1,
        max_value=pages,
        step=1,
        key=key,
    )
    return int(page)


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def sort_order(
    shown: gpd.GeoDataFrame, sort: str, *, descending: bool = False, lang: str = "zh"
) -> np.ndarray:
    """Row positions of ``shown`` in the chosen order; ties keep the data's order.

    Layers sort in the legend's order and statuses by stage (planned first), not by the
    alphabet of their names; a 2021 target comes after a reported status of the same stage.
    """
    positions = np.arange(len(shown))
    if sort == "file" or sort not in SORTS:
        return positions[::-1] if descending else positions
    keys = _sort_keys(shown, sort, lang)
    # pandas keeps ties in the data's order in both directions when the sort is stable.
    return keys.sort_values(kind="stable", ascending=not descending).index.to_numpy()


def _sort_keys(shown: gpd.GeoDataFrame, sort: str, lang: str) -> pd.Series:
    index = pd.RangeIndex(len(shown))
    if sort == "name":
        name = shown["name_en"] if lang == "en" else shown["name_zh"]
        return pd.Series(name.to_numpy(), index=index)
    if sort == "layer":
        rank = {layer: i for i, layer in enumerate(schema.LAYER_IDS)}
        return pd.Series(shown["layer"].map(rank).to_numpy(), index=index)
    if sort == "status":
        rank = {status: i for i, status in enumerate(schema.STATUSES)}
        target = _targets(shown).to_numpy(dtype=bool)
        return pd.Series(shown["status"].map(rank).to_numpy() * 2 + target, index=index)
    return pd.Series(_where(shown, lang), index=index)


def _targets(shown: gpd.GeoDataFrame) -> pd.Series:
    targets = shown.get("status_is_target", pd.Series(False, index=shown.index))
    return targets.fillna(False).astype(bool)


def _where(shown: gpd.GeoDataFrame, lang: str) -> list[str]:
    placement = shown.get("map_placement", pd.Series("", index=shown.index)).fillna("")
    return [
        t(f"list.placement.{p}", lang) if p else t(f"precision.{precision}", lang)
        for p, precision in zip(placement, shown["location_precision"], strict=True)
    ]


def list_frame(shown: gpd.GeoDataFrame, lang: str = "zh") -> pd.DataFrame:
    """The list's rows: id, name, layer, status shown (target marked), where it is."""
    name = shown["name_en"] if lang == "en" else shown["name_zh"]
    status = [
        t("tip.target", lang, status=t(f"status.{s}", lang)) if target else t(f"status.{s}", lang)
        for s, target in zip(shown["status"], _targets(shown), strict=True)
    ]
    return pd.DataFrame(
        {
            "id": shown["id"].tolist(),
            t("list.name", lang): name.tolist(),
            t("list.layer", lang): [t(f"layer.{x}", lang) for x in shown["layer"]],
            t("list.status", lang): status,
            t("list.where", lang): _where(shown, lang),
        }
    )


def _choose(shown: gpd.GeoDataFrame, ids: list[str], key: str) -> bool:
    """Select the project of a newly selected row; whether there was one."""
    selection = st.session_state.get(key)
    rows = getattr(getattr(selection, "selection", None), "rows", None)
    if rows is None and isinstance(selection, dict):
        rows = selection.get("selection", {}).get("rows")
    if not rows or not 0 <= rows[0] < len(ids):
        st.session_state[_CHOSEN] = None
        return False
    mark = (key, rows[0])
    if st.session_state.get(_CHOSEN) == mark:  # already taken (by the callback)
        return False
    st.session_state[_CHOSEN] = mark
    frame_project(shown, ids[rows[0]])
    return True
