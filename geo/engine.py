"""Query engine for large project data: DuckDB over a GeoParquet file (``geo/parquet.py``).

Viewport, filter and count queries read only the columns they need (id, layer, status and
the ``bbox`` covering), so 10^6 projects are answered in tens of milliseconds without loading
the geometry into Python. A viewport keeps every project whose bounding box meets it, edges
included (a project exactly on the edge is in). With ``exact=True`` the candidates are then
tested against the true geometry by DuckDB's spatial extension, which ships as a PyPI wheel
(``duckdb-extension-spatial``) and is loaded from that package, never downloaded.

Every function takes an open connection and plain values and returns plain Python values.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb

from geo.schema import LAYER_IDS, STATUSES

#: The view every query reads: one row per project, its filter fields and its bounding box.
VIEW: Final = "projects"


@dataclass(frozen=True)
class Viewport:
    """A lon/lat rectangle, edges included."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not (self.west <= self.east and self.south <= self.north):
            raise ValueError(
                f"viewport {self.west},{self.south},{self.east},{self.north}: "
                "give west <= east and south <= north"
            )


def connect(parquet_path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the ``projects`` view over ``parquet_path``.

    The spatial extension is loaded when its wheel is installed (needed by ``exact=True``).
    """
    path = Path(parquet_path)
    con = duckdb.connect(":memory:")
    _load_spatial(con)
    # The path is a literal of our own file name; DuckDB cannot bind a parameter in a view.
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(
        f"CREATE VIEW {VIEW} AS SELECT id, layer, status, bbox.xmin AS xmin, "
        f"bbox.ymin AS ymin, bbox.xmax AS xmax, bbox.ymax AS ymax, geometry "
        f"FROM read_parquet({literal})"
    )
    return con


def _load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    try:
        import duckdb_extension_spatial
    except ImportError:
        return
    folder = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    found = sorted(folder.glob(f"v{duckdb.__version__}/spatial.duckdb_extension"))
    if found:
        literal = "'" + str(found[0]).replace("'", "''") + "'"
        con.execute(f"LOAD {literal}")


def has_spatial(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the spatial extension is loaded on ``con`` (exact geometry tests)."""
    rows = con.execute(
        "SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'spatial'"
    ).fetchall()
    return bool(rows and rows[0][0])


def _where(
    viewport: Viewport | None,
    layers: Sequence[str],
    statuses: Sequence[str],
    *,
    exact: bool = False,
) -> tuple[str, list[object]]:
    """The WHERE clause (with its parameters) for a viewport and a layer/status filter."""
    clauses = ["list_contains(?, layer)", "list_contains(?, status)"]
    params: list[object] = [list(layers), list(statuses)]
    if viewport is not None:
        # Two rectangles meet when neither lies wholly beside the other; <= keeps the edges.
        clauses.append("xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?")
        params += [viewport.east, viewport.west, viewport.north, viewport.south]
        if exact:
            clauses.append("ST_Intersects(geometry, ST_MakeEnvelope(?, ?, ?, ?))")
            params += [viewport.west, viewport.south, viewport.east, viewport.north]
    return " AND ".join(clauses), params


def viewport_ids(
    con: duckdb.DuckDBPyConnection,
    viewport: Viewport | None,
    *,
    layers: Sequence[str] = LAYER_IDS,
    statuses: Sequence[str] = STATUSES,
    exact: bool = False,
) -> list[str]:
    """Ids of the projects in ``viewport`` (None: anywhere) on the layers and statuses given,
    sorted. ``exact``: the true geometry must meet the viewport, not only its bounding box
    (needs the spatial extension; see :func:`has_spatial`)."""
    if exact and not has_spatial(con):
        raise RuntimeError("exact viewport queries need duckdb-extension-spatial installed")
    where, params = _where(viewport, layers, statuses, exact=exact)
    rows = con.execute(f"SELECT id FROM {VIEW} WHERE {where} ORDER BY id", params).fetchall()
    return [row[0] for row in rows]


def counts(
    con: duckdb.DuckDBPyConnection,
    viewport: Viewport | None = None,
    *,
    layers: Sequence[str] = LAYER_IDS,
    statuses: Sequence[str] = STATUSES,
) -> dict[str, dict[str, int]]:
    """Projects per layer and status (layer -> status -> count) in ``viewport`` (None:
    anywhere) on the layers and statuses given; every pair asked for is present, 0 if none."""
    where, params = _where(viewport, layers, statuses)
    rows = con.execute(
        f"SELECT layer, status, count(*) FROM {VIEW} WHERE {where} GROUP BY layer, status",
        params,
    ).fetchall()
    out = {layer: dict.fromkeys(statuses, 0) for layer in layers}
    for layer, status, count in rows:
        out[layer][status] = int(count)
    return out


def total(
    con: duckdb.DuckDBPyConnection,
    viewport: Viewport | None = None,
    *,
    layers: Sequence[str] = LAYER_IDS,
    statuses: Sequence[str] = STATUSES,
) -> int:
    """How many projects :func:`viewport_ids` would return, without returning them."""
    where, params = _where(viewport, layers, statuses)
    return int(con.execute(f"SELECT count(*) FROM {VIEW} WHERE {where}", params).fetchone()[0])
