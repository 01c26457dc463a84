"""The insight panel's figures, charts and targets table, answered by DuckDB.

:class:`InsightEngine` puts the attributes of one version of the data into an in-memory
DuckDB database once (projects, their milestones and their figures, one row each; no
geometry), and which features stand for each of the report's targets. Each rerun then
registers only the rows the filters keep (their index, layer, status shown and precision) and
asks for counts and sums; at 100,000 projects that is milliseconds where the row-by-row
Python of :mod:`geo.analysis` and :mod:`geo.targets` took seconds.

Every function returns exactly the frame its pandas counterpart returns (``tests/
test_engine_insight.py`` checks this on the bundled data, the test data and synthetic data):
``count_by_layer_status``, ``count_by_period``, ``figure_table``, ``measure_totals`` and
``compare_targets``. Rows are matched by the frame's index, which the filters keep.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import analysis, schema
from geo.load import read_report_text
from geo.periods import period_label
from geo.targets import LOCATED, MILESTONE_KIND, Target, measured_value, target_row
from geo.timeline import milestone_span

#: The rows a panel shows, as registered on each query's own cursor.
SHOWN: Final = "shown"
#: Answers :meth:`InsightEngine.remember` keeps (each a few rows: coverage, distances).
MEMO_SIZE: Final = 64
T = TypeVar("T")


class InsightEngine:
    """The attributes of one data version in DuckDB, shared by every session.

    Parameters
    ----------
    gdf
        Every project (``geo.load_projects``, with ``area_m2``/``length_m`` when measured);
        its index labels the rows, and frames the filters derive from it keep those labels.
    """

    def __init__(self, gdf: gpd.GeoDataFrame) -> None:
        if not gdf.index.is_unique:
            raise ValueError("the projects frame needs a unique index to match filtered rows")
        self.gdf = gdf
        #: Per list of targets, the table saying which features stand for each.
        self._standing: dict[tuple[Target, ...], str] = {}
        self._memo: OrderedDict[tuple[str, ...], Any] = OrderedDict()
        self._table: pd.DataFrame | None = None
        self._db = duckdb.connect(":memory:")
        self._lock = threading.Lock()  # one cursor is made at a time; each is then private
        areas, lengths = analysis.feature_measures(gdf)
        projects = pd.DataFrame(
            {
                "pos": _positions(gdf.index),
                "id": gdf["id"].to_numpy(dtype=object),
                "layer": gdf["layer"].to_numpy(dtype=object),
                "name_zh": gdf["name_zh"].to_numpy(dtype=object),
                "located": gdf["location_precision"].isin(LOCATED).to_numpy(),
                "schematic": (gdf["location_precision"] == "schematic").to_numpy(),
                "area": areas.fillna(0).to_numpy(dtype=float),
                "length": lengths.fillna(0).to_numpy(dtype=float),
            }
        )
        con = self._db
        con.register("projects_in", projects)
        con.execute("CREATE TABLE projects AS SELECT * FROM projects_in")
        con.register("milestones_in", _milestones(gdf))
        con.execute("CREATE TABLE milestones AS SELECT * FROM milestones_in")
        con.register("figures_in", _figures(gdf))
        con.execute("CREATE TABLE figures AS SELECT * FROM figures_in")
        for name in ("projects_in", "milestones_in", "figures_in"):
            con.unregister(name)

    def _standing_table(self, targets: Sequence[Target]) -> str:
        """The table of (target, feature) pairs for ``targets``, made once per list."""
        key = tuple(targets)
        with self._lock:
            if key not in self._standing:
                name = f"standing_{len(self._standing)}"
                cur = self._db.cursor()
                cur.register("targets_in", _targets_frame(key))
                cur.execute(_STANDING_SQL.format(table=name))
                cur.close()
                self._standing[key] = name
            return self._standing[key]

    def remember(self, name: str, parts: Sequence[pd.DataFrame], compute: Callable[[], T]) -> T:
        """``compute()``, kept for the same rows of ``parts`` (by index): geometric answers
        (coverage, distances) of a set of rows seen before are not worked out again.

        ``compute`` must depend only on the rows of ``parts`` (not on a status shown or a
        language); the last :data:`MEMO_SIZE` answers are kept. Never change what it returns.
        """
        key = (name, *(_fingerprint(part.index) for part in parts))
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def knows(self, name: str, parts: Sequence[pd.DataFrame]) -> bool:
        """Whether :meth:`remember` holds the answer for these rows (nothing is computed)."""
        key = (name, *(_fingerprint(part.index) for part in parts))
        with self._lock:
            return key in self._memo

    def _cursor(self, shown: pd.DataFrame) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (sessions run in threads) with ``shown`` registered."""
        with self._lock:
            cur = self._db.cursor()
        located = shown["location_precision"].isin(LOCATED).to_numpy()
        frame = pd.DataFrame(
            {
                "pos": _positions(shown.index),
                "ord": np.arange(len(shown)),
                "layer": shown["layer"].to_numpy(dtype=object),
                "status": shown["status"].to_numpy(dtype=object),
                "located": located,
            }
        )
        cur.register(SHOWN, frame)
        return cur

    # Charts ---------------------------------------------------------------------------------
    def count_by_layer_status(self, shown: pd.DataFrame) -> pd.DataFrame:
        """:func:`geo.analysis.count_by_layer_status` of ``shown``."""
        cur = self._cursor(shown)
        out = cur.execute(
            f"SELECT layer, status, count(*) AS count, count(*) FILTER (located) AS located, "
            f"count(*) FILTER (NOT located) AS schematic FROM {SHOWN} GROUP BY layer, status"
        ).df()
        cur.close()
        out = _ints(out, ["count", "located", "schematic"])
        out["_l"] = out["layer"].map(schema.LAYER_IDS.index)
        out["_s"] = out["status"].map(schema.STATUSES.index)
        out = out.sort_values(["_l", "_s"]).drop(columns=["_l", "_s"])
        return _plain_strings(out.reset_index(drop=True), ["layer", "status"])

    def count_by_period(
        self,
        shown: pd.DataFrame,
        *,
        years: tuple[int, int] | None = None,
        as_of: int | None = None,
    ) -> pd.DataFrame:
        """:func:`geo.analysis.count_by_period` of ``shown``."""
        clauses, params = ["TRUE"], []
        if years is not None:
            clauses.append("m.year <= ? AND m.year_end >= ?")
            params += [years[1], years[0]]
        if as_of is not None:
            clauses.append("m.year <= ?")
            params.append(as_of)
        cur = self._cursor(shown)
        out = cur.execute(
            f"""
            WITH buckets AS (
                SELECT DISTINCT s.pos, m.year, m.year_end, coalesce(m.kind, 'reported') AS kind,
                       s.layer, s.located
                FROM milestones m JOIN {SHOWN} s USING (pos)
                WHERE {" AND ".join(clauses)}
            )
            SELECT year, year_end, kind, layer, count(*) AS count,
                   count(*) FILTER (located) AS located,
                   count(*) FILTER (NOT located) AS schematic
            FROM buckets GROUP BY year, year_end, kind, layer
            """,
            params,
        ).df()
        cur.close()
        columns = ["period", "year", "year_end", "kind", "layer", "count", "located", "schematic"]
        if out.empty:
            return pd.DataFrame(columns=columns)
        out = _ints(out, ["year", "year_end", "count", "located", "schematic"])
        out["period"] = [
            period_label(a, b) for a, b in zip(out["year"], out["year_end"], strict=True)
        ]
        out["_l"] = out["layer"].map(schema.LAYER_IDS.index)
        out = out.sort_values(["year", "year_end", "kind", "_l"]).drop(columns="_l")
        return _plain_strings(out[columns].reset_index(drop=True), ["kind", "layer"])

    # Figures and measures -------------------------------------------------------------------
    def figure_table(
        self,
        shown: pd.DataFrame,
        *,
        years: tuple[int, int] | None = None,
        as_of: int | None = None,
        report_text: str | None = None,
    ) -> pd.DataFrame:
        """:func:`geo.analysis.figure_table` of ``shown``: each figure once, with its ids."""
        cur = self._cursor(shown)
        groups = cur.execute(
            f"""
            SELECT arg_min(f.pos, (s.ord, f.idx)) AS pos, arg_min(f.idx, (s.ord, f.idx)) AS idx,
                   string_agg(p.id, ', ' ORDER BY s.ord, f.idx) AS ids, count(*) AS features,
                   min((s.ord, f.idx)) AS first
            FROM figures f JOIN {SHOWN} s USING (pos) JOIN projects p USING (pos)
            GROUP BY f.quote, f.value, f.unit, f.label_zh
            ORDER BY first
            """
        ).fetchall()
        cur.close()
        report_text = report_text if report_text is not None else (read_report_text() or "")
        rows = []
        for pos, idx, ids, count, _ in groups:
            figure = self.gdf.at[_label(self.gdf.index, pos), "figures"][idx]
            row = analysis.figure_row(figure, report_text)
            if analysis.figure_in_view(row["span"], years, as_of):
                rows.append({**row, "features": int(count), "ids": ids})
        return pd.DataFrame(rows, columns=analysis.FIGURE_COLUMNS)

    def measure_totals(self, shown: pd.DataFrame) -> pd.DataFrame:
        """:func:`geo.analysis.measure_totals` of ``shown`` (located features measured)."""
        cur = self._cursor(shown)
        out = cur.execute(
            f"""
            SELECT s.layer, count(*) AS features, count(*) FILTER (s.located) AS located,
                   count(*) FILTER (NOT s.located) AS schematic,
                   coalesce(sum(p.area) FILTER (s.located), 0) AS area,
                   coalesce(sum(p.length) FILTER (s.located), 0) AS length
            FROM {SHOWN} s JOIN projects p USING (pos) GROUP BY s.layer
            """
        ).fetchall()
        cur.close()
        by_layer = {row[0]: row for row in out}
        rows = []
        for layer in (i for i in schema.LAYER_IDS if i in by_layer):
            _, features, located, schematic, area, length = by_layer[layer]
            rows.append(
                {
                    "layer": layer,
                    "features": int(features),
                    "located": int(located),
                    "schematic": int(schematic),
                    "area_m2": round(float(area), 1),
                    "area_ha": round(float(area) / 10_000, 3),
                    "length_km": round(float(length) / 1000, 3),
                }
            )
        columns = ["layer", "features", "located", "schematic", "area_m2", "area_ha", "length_km"]
        return pd.DataFrame(rows, columns=columns)

    # The project table ------------------------------------------------------------------------
    def project_table(self, shown: pd.DataFrame) -> pd.DataFrame:
        """:func:`geo.analysis.project_table` of ``shown``: the text of every project is made
        once per data version; only the status shown comes from ``shown``."""
        if not len(shown):
            return analysis.project_table(shown)
        with self._lock:
            if self._table is None:
                self._table = analysis.project_table(self.gdf)
        rows = self.gdf.index.get_indexer(shown.index)
        if (rows < 0).any():
            raise ValueError("shown holds rows that are not in the engine's data")
        table = self._table.iloc[rows].reset_index(drop=True)
        table["status"] = pd.Series(shown["status"].to_numpy(), dtype=shown["status"].dtype)
        target = shown.get("status_is_target", pd.Series(False, index=shown.index))
        table["status_is_target"] = target.astype(bool).to_numpy()
        return table

    # Targets --------------------------------------------------------------------------------
    def compare_targets(
        self, targets: Sequence[Target], shown: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """:func:`geo.targets.compare_targets` of ``targets`` and ``shown`` (default: every
        project); which features stand for each target is worked out once per list."""
        standing = self._standing_table(targets)
        shown = self.gdf if shown is None else shown
        cur = self._cursor(shown)
        found = cur.execute(
            f"""
            SELECT st.tid, count(*) AS mapped, count(*) FILTER (p.located) AS located,
                   count(*) FILTER (p.schematic) AS schematic,
                   list(p.pos ORDER BY p.pos) FILTER (p.located) AS located_pos,
                   string_agg(p.id, ', ' ORDER BY p.pos) AS ids
            FROM {standing} st JOIN {SHOWN} s USING (pos) JOIN projects p USING (pos)
            GROUP BY st.tid
            """
        ).fetchall()
        cur.close()
        by_target = {row[0]: row[1:] for row in found}
        measures = None
        rows = []
        for tid, target in enumerate(targets):
            mapped, located, schematic, located_pos, ids = by_target.get(tid, (0, 0, 0, [], ""))
            mapped_value = None
            if target.measure in ("area", "length"):
                measures = measures or analysis.feature_measures(self.gdf)
                places = self.gdf.index.get_indexer(
                    [_label(self.gdf.index, p) for p in located_pos or []]
                )
                mapped_value = measured_value(target, measures, list(places))
            rows.append(
                target_row(
                    target,
                    mapped=int(mapped),
                    located=int(located),
                    schematic=int(schematic),
                    mapped_value=mapped_value,
                    mapped_ids=ids or "",
                )
            )
        return pd.DataFrame(rows)


# Which features stand for which target (geo.targets.standing_for, as one query) ----------------
_STANDING_SQL: Final = """
CREATE TABLE {table} AS
SELECT t.tid, p.pos
FROM targets_in t JOIN projects p ON t.measure = 'figure'
WHERE EXISTS (
    SELECT 1 FROM figures f
    WHERE f.pos = p.pos AND f.value = t.value
      AND (contains(t.quote, f.quote) OR contains(f.quote, t.quote))
)
UNION ALL
SELECT t.tid, p.pos
FROM targets_in t JOIN projects p ON t.measure <> 'figure' AND list_contains(t.layers, p.layer)
WHERE (len(t.name_contains) = 0 OR list_bool_or([contains(p.name_zh, w) FOR w IN t.name_contains]))
  AND EXISTS (
    SELECT 1 FROM milestones m
    WHERE m.pos = p.pos AND m.kind = t.milestone_kind
      AND (len(t.statuses) = 0 OR list_contains(t.statuses, m.status))
      AND t.year <= m.year AND m.year_end <= t.year_end
)
"""


def _positions(index: pd.Index) -> np.ndarray:
    """Row labels as the integers the tables join on (the loaders give a RangeIndex)."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return index.to_numpy(dtype=np.int64)
    raise ValueError("the projects frame needs an integer index (as geo.load_projects gives)")


def _fingerprint(index: pd.Index) -> str:
    positions = np.ascontiguousarray(_positions(index))
    return f"{len(positions)}:{hashlib.sha1(positions.tobytes()).hexdigest()}"


def _label(index: pd.Index, pos: Any) -> Any:
    return index.dtype.type(pos)


def _milestones(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = [
        (pos, m.get("kind"), *milestone_span(m), m.get("status"))
        for pos, milestones in zip(_positions(gdf.index), gdf["milestones"], strict=True)
        for m in milestones
    ]
    columns = ["pos", "kind", "year", "year_end", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"pos": "int64", "year": "int64", "year_end": "int64"})


def _figures(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = [
        (pos, idx, f.get("quote", ""), float(f.get("value", -1)), f.get("unit"), f.get("label_zh"))
        for pos, figures in zip(_positions(gdf.index), gdf["figures"], strict=True)
        for idx, f in enumerate(figures)
    ]
    columns = ["pos", "idx", "quote", "value", "unit", "label_zh"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"pos": "int64", "idx": "int64", "value": "float64"})


def _targets_frame(targets: Sequence[Target]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tid": np.arange(len(targets), dtype=np.int64),
            "measure": [t.measure for t in targets],
            "layers": [list(t.layers) for t in targets],
            "name_contains": [list(t.name_contains) for t in targets],
            "statuses": [list(t.statuses) for t in targets],
            "milestone_kind": [MILESTONE_KIND[t.kind] for t in targets],
            "year": np.array([t.year for t in targets], dtype=np.int64),
            "year_end": np.array([t.year_end for t in targets], dtype=np.int64),
            "quote": [t.quote for t in targets],
            "value": np.array([float(t.value) for t in targets], dtype=float),
        }
    )


def _ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame[columns] = frame[columns].astype(int)
    return frame


def _plain_strings(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns as pandas builds them from Python strings (DuckDB may hand back others)."""
    for column in columns:
        frame[column] = frame[column].astype("str")
    return frame
