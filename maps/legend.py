"""The legend of a printed map: layer × status rows with the map's own symbols, in a box
inside the map frame.

Rows are built from what the frame shows (``legend_rows``), measured (``measure_legend``) so
the layout can find room for the box, then drawn there (``draw_legend``) at the page's legend
size: the legend never shrinks to fit a panel; more columns are used instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath

from geo import schema
from geo.filter import split_by_placement
from i18n import t
from layers import LAYERS
from layers.palette import BOUNDARY_STYLE
from layers.spec import LegendEntry
from layers.symbols import Symbol, symbol_for
from maps import print_symbols
from maps.fonts import TEXT_COLOR, bold, cjk_font, text_width_pt

POINTS_PER_WEB_PX = print_symbols.POINTS_PER_WEB_PX
#: Line step, swatch width and padding in units of the legend's type size.
_STEP = 1.6
_SWATCH = 2.6
_PAD = 0.7


@dataclass(frozen=True)
class LegendRow:
    """One legend line: a layer heading, a status entry, or a note with its own swatch."""

    kind: str  # "heading", "entry", "target", "schematic", "boundary", "note"
    text: str
    entry: LegendEntry | None = None
    #: The symbol the swatch draws (entries, the hollow and schematic notes).
    symbol: Symbol | None = None


def _targets(gdf: gpd.GeoDataFrame):
    if "status_is_target" in gdf:
        return gdf["status_is_target"].fillna(False).astype(bool)
    return gdf["status"].map(lambda _s: False)


def legend_rows(
    gdf_shown: gpd.GeoDataFrame, *, layers: Iterable[str], lang: str = "zh"
) -> list[LegendRow]:
    """The legend by layer × status, in one language, with the map's own symbols.

    Per visible layer with features on the map: a heading (its name and count), then one row
    per status present, whose swatch is exactly the symbol drawn (layer shape, status colour,
    hollow when that layer shows that status only as a target or plan). No two swatches are
    the same. Notes follow for hollow symbols, schematic positions and the boundary.
    """
    visible = set(layers)
    rows: list[LegendRow] = []
    on_map = split_by_placement(gdf_shown)[0]
    targets = _targets(on_map)
    hollow_any = schematic_any = False
    for layer_id in (i for i in schema.LAYER_IDS if i in visible):
        in_layer = on_map["layer"] == layer_id
        part = on_map[in_layer]
        if not len(part):
            continue
        name = t(f"layer.{layer_id}", lang)
        rows.append(LegendRow("heading", t("print.layer.count", lang, layer=name, count=len(part))))
        present = tuple(s for s in schema.STATUSES if s in set(part["status"]))
        for entry in LAYERS[layer_id].legend_entries(present):
            in_status = part["status"] == entry.status
            kinds = part.loc[in_status].geometry.geom_type
            kind = kinds.str.replace("Multi", "", regex=False).mode().iloc[0]
            # Hollow only when every such feature is a target or a plan: the swatch shows what
            # most of the map shows for that cell; the note explains hollow.
            hollow_only = bool((targets[in_layer][in_status]).all()) or entry.status == "planned"
            symbol = symbol_for(layer_id, entry.status, target=hollow_only)
            hollow_any = hollow_any or bool(targets[in_layer][in_status].any())
            hollow_any = hollow_any or entry.status == "planned"
            rows.append(
                LegendRow(
                    "entry",
                    t(f"status.{entry.status}", lang),
                    replace(entry, geometry=kind),
                    symbol,
                )
            )
        precision = part.get("location_precision")
        schematic_any = schematic_any or bool(
            precision is not None and (precision == "schematic").any()
        )
    if not rows:
        rows.append(LegendRow("note", t("print.legend.none", lang)))
    if hollow_any:
        rows.append(
            LegendRow(
                "target",
                t("legend.hollow", lang),
                symbol=symbol_for("renewal", "completed", target=True),
            )
        )
    if schematic_any:
        rows.append(
            LegendRow(
                "schematic",
                t("legend.schematic", lang),
                symbol=symbol_for("renewal", "completed", precision="schematic"),
            )
        )
    rows.append(LegendRow("boundary", t("legend.boundary", lang)))
    return rows


@dataclass(frozen=True)
class LegendBox:
    """The legend's columns of rows, type size and its size in points."""

    columns: tuple[tuple[LegendRow, ...], ...]
    size: float
    width_pt: float
    height_pt: float
    column_w: float
    title: str


def _column_height(column: Sequence[LegendRow], size: float) -> float:
    headings = sum(r.kind == "heading" for r in column)
    return (len(column) + headings * 0.2) * _STEP * size


def measure_legend(
    rows: Sequence[LegendRow],
    *,
    size: float,
    max_height_pt: float,
    renderer,
    lang: str,
    min_columns: int = 1,
) -> LegendBox:
    """The fewest columns (``min_columns`` to 4) whose height fits ``max_height_pt``."""
    title = t("print.legend.title", lang)
    widest = max(
        max(
            text_width_pt(r.text, size * (1.05 if r.kind == "heading" else 1.0), renderer)
            + (0 if r.kind == "heading" else (_SWATCH + 0.6) * size)
            for r in rows
        ),
        text_width_pt(title, size * 1.2, renderer),
    )
    column_w = widest + size * 1.2
    title_h = size * 1.2 * 1.8
    for count in range(min(min_columns, 4), 5):
        columns = _split_rows(rows, count)
        height = max(_column_height(c, size) for c in columns) + title_h + 2 * _PAD * size
        if height <= max_height_pt or count == 4:
            break
    width = column_w * len(columns) - size * 1.2 + 2 * _PAD * size
    return LegendBox(tuple(tuple(c) for c in columns), size, width, height, column_w, title)


def draw_legend(fig: Figure, rect: tuple[float, float, float, float], box: LegendBox) -> Axes:
    """The legend in a white box at ``rect`` (figure fractions), over the map."""
    ax = fig.add_axes(rect, label="legend", zorder=5)
    ax.set_axis_off()
    ax.set_xlim(0, box.width_pt)
    ax.set_ylim(0, box.height_pt)
    ax.add_patch(
        Rectangle(
            (0, 0),
            box.width_pt,
            box.height_pt,
            facecolor="white",
            alpha=0.92,
            edgecolor="#4d4d4d",
            linewidth=0.6,
            clip_on=False,
        )
    )
    size, pad = box.size, _PAD * box.size
    top = box.height_pt - pad
    ax.text(
        pad,
        top,
        box.title,
        fontproperties=cjk_font(size * 1.2),
        va="top",
        color=TEXT_COLOR,
        path_effects=bold(size * 1.2),
        parse_math=False,
    )
    swatch_w = size * _SWATCH
    for c, column in enumerate(box.columns):
        y = top - size * 1.2 * 1.8 - size * _STEP * 0.5
        x = pad + c * box.column_w
        for row in column:
            if row.kind == "heading":
                y -= size * 0.2
                ax.text(
                    x,
                    y,
                    row.text,
                    fontproperties=cjk_font(size * 1.05),
                    path_effects=bold(size * 1.05),
                    va="center",
                    color=TEXT_COLOR,
                    parse_math=False,
                )
            else:
                draw_swatch(ax, row, x, y, swatch_w, size)
                ax.text(
                    x + swatch_w + size * 0.6,
                    y,
                    row.text,
                    fontproperties=cjk_font(size),
                    va="center",
                    color=TEXT_COLOR,
                    parse_math=False,
                )
            y -= size * _STEP
    return ax


def _split_rows(rows: Sequence[LegendRow], count: int) -> list[list[LegendRow]]:
    """Rows into ``count`` columns, breaking only before a heading or the notes."""
    blocks: list[list[LegendRow]] = []
    for row in rows:
        if (
            not blocks
            or row.kind == "heading"
            or (row.kind != "entry" and blocks[-1][0].kind == "heading")
        ):
            blocks.append([row])
        else:
            blocks[-1].append(row)
    target = math.ceil(sum(len(b) for b in blocks) / count)
    columns: list[list[LegendRow]] = [[]]
    for block in blocks:
        if columns[-1] and len(columns[-1]) + len(block) > target and len(columns) < count:
            columns.append([])
        columns[-1].extend(block)
    return columns


def draw_swatch(ax: Axes, row: LegendRow, x: float, y: float, width: float, size: float) -> None:
    """A small sample drawn exactly as the row's features are (sizes in points)."""
    scale = size / 9.5
    if row.kind == "boundary":
        weight = float(BOUNDARY_STYLE["weight"])
        ax.plot(
            [x, x + width],
            [y, y],
            color=BOUNDARY_STYLE["color"],
            linewidth=weight * POINTS_PER_WEB_PX * scale,
            linestyle=print_symbols.dashes(str(BOUNDARY_STYLE["dashArray"]), weight),
        )
        return
    symbol = row.symbol
    if symbol is None:
        return
    kind = row.entry.geometry if row.entry is not None else "Point"
    centre = np.array([[x + width / 2, y]])
    marker = print_symbols.marker_size_pt(symbol, scale)
    if kind == "Polygon":
        box = MplPath(
            [
                (x, y - size * 0.45),
                (x + width, y - size * 0.45),
                (x + width, y + size * 0.45),
                (x, y + size * 0.45),
                (x, y - size * 0.45),
            ],
            closed=True,
        )
        print_symbols.draw_areas(ax, [box], symbol, scale=scale, zorder=2)
        marker = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
    elif kind == "LineString":
        line = np.array([[x, y], [x + width, y]])
        print_symbols.draw_lines(ax, [line], symbol, scale=scale, zorder=2)
        marker = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
    print_symbols.draw_markers(ax, centre, symbol, size_pt=marker, zorder=3)
