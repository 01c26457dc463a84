"""Find projects by part of their name: the search box asks here instead of listing them all.

The search box used to send every project's name to the page (~8.6 MB at 100,000 projects)
and let the browser filter them; now the page sends the typed text and gets back at most a
page of matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

#: Matches offered at once; more means the text should be longer.
SEARCH_LIMIT: Final = 50
#: Columns searched, in the order their matches rank.
SEARCHED: Final = ("name_zh", "name_en", "id")


@dataclass(frozen=True)
class SearchResult:
    """The ids of the first matches, best first, and how many projects matched in all."""

    ids: tuple[str, ...]
    total: int


def find_projects(gdf: gpd.GeoDataFrame, text: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Projects whose Chinese or English name, or id, contains ``text`` (any case).

    A name equal to the text ranks first, then names starting with it, then the rest, each
    in the data's order. Blank text finds nothing. The text is matched as it is, never as a
    pattern: ``.*`` finds names containing ``.*``.

    Parameters
    ----------
    gdf
        Projects as :func:`geo.load.load_projects` gives them; not modified.
    text
        What the user typed; surrounding spaces are ignored.
    limit
        At most this many ids are returned (``total`` still counts every match).
    """
    if limit < 0:
        raise ValueError(f"limit {limit}: give zero or more")
    needle = text.strip().lower()
    if not needle or gdf.empty:
        return SearchResult((), 0)
    rank = np.full(len(gdf), np.inf)
    for column in SEARCHED:
        if column not in gdf:
            continue
        values = gdf[column].astype("string").str.lower()
        found = np.flatnonzero(values.str.contains(needle, regex=False).fillna(False))
        # 0: the whole name, 1: its start, 2: anywhere in it; the best over the columns wins.
        matched = values.iloc[found]
        here = np.where(matched == needle, 0, np.where(matched.str.startswith(needle), 1, 2))
        rank[found] = np.minimum(rank[found], here)
    hits = np.flatnonzero(np.isfinite(rank))
    order = hits[np.argsort(rank[hits], kind="stable")][:limit]
    ids = pd.Series(gdf["id"]).iloc[order]
    return SearchResult(tuple(str(i) for i in ids), len(hits))
