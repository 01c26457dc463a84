"""The Leaflet (folium) map: a base map that never changes, and groups that carry the data.

streamlit-folium remounts the map (flash, zoom reset) whenever the base map's script changes,
so everything that follows a filter or a basemap choice goes into feature groups handed to
``st_folium(feature_group_to_add=...)``; the base map itself is the same on every rerun.
The same pieces build a standalone HTML map (:func:`standalone_map`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement, Template

from geo import settings
from geo.coords import to_gcj02
from geo.html import escape_html
from layers import LAYERS, STATUS_STYLES
from layers.palette import BOUNDARY_STYLE, PRECISION_LABELS

#: Coordinates sent to the browser are rounded to this grid (degrees, about 1 m).
BROWSER_GRID = 1e-5
_ROW = '<div style="display:flex;align-items:center;gap:6px">'
SELECTION_STYLE = {"color": "#000000", "weight": 6, "opacity": 0.9, "fillOpacity": 0.0}

_LEGEND_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "project-map-legend");
    div.innerHTML = {{ this.html|tojson }};
    L.DomEvent.disableClickPropagation(div);
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
)


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only (folium's ``control_scale`` adds feet and miles)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )


class HtmlLegend(MacroElement):
    """A Leaflet control holding a legend drawn as HTML (no d3, no CDN, no colormap)."""

    _template = _LEGEND_TEMPLATE

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "HtmlLegend"
        self.html = html


def legend_html(
    *, statuses: Iterable[str] | None = None, title: str = "项目状态 Status", scale: float = 1.0
) -> str:
    """The status legend as HTML: a swatch in each status's colour and dash pattern."""
    chosen = [s for s in STATUS_STYLES if statuses is None or s in set(statuses)]
    font = round(13 * scale)
    rows = []
    for status in chosen:
        style = STATUS_STYLES[status]
        dash = f' stroke-dasharray="{style.dash_array}"' if style.dash_array else ""
        swatch = (
            f'<svg width="{round(34 * scale)}" height="{round(14 * scale)}" viewBox="0 0 34 14">'
            f'<rect x="2" y="2" width="30" height="10" fill="{style.color}" '
            f'fill-opacity="{style.fill_opacity}" stroke="{style.color}" '
            f'stroke-width="{style.weight}"{dash}/></svg>'
        )
        label = f"{escape_html(style.label_zh)} {escape_html(style.label_en)}"
        rows.append(f"{_ROW}{swatch}{label}</div>")
    boundary = (
        f'<svg width="{round(34 * scale)}" height="{round(14 * scale)}" viewBox="0 0 34 14">'
        f'<line x1="2" y1="7" x2="32" y2="7" stroke="{BOUNDARY_STYLE["color"]}" '
        f'stroke-width="2" stroke-dasharray="{BOUNDARY_STYLE["dashArray"]}"/></svg>'
    )
    rows.append(f"{_ROW}{boundary}区界 Boundary</div>")
    return (
        f'<div style="background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;'
        f'font:{font}px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        f"<b>{escape_html(title)}</b>{''.join(rows)}</div>"
    )


#: Bigger type for a projector, read from the back of a meeting room.
_PRESENTER_CSS = (
    "<style>.leaflet-tooltip{font-size:20px;line-height:1.35}"
    ".leaflet-control-scale-line{font-size:16px}</style>"
)


def base_map(*, presenter: bool = False) -> folium.Map:
    """The map every rerun starts from: view, scale bar and status legend, but no data.

    ``presenter`` enlarges the legend, tooltips and scale bar for a projector.
    """
    m = folium.Map(
        location=settings.DEFAULT_CENTER,
        zoom_start=settings.DEFAULT_ZOOM,
        tiles=None,
        min_zoom=10,
        max_zoom=19,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    xmin, ymin, xmax, ymax = settings.DISTRICT_BOUNDS
    m.fit_bounds([[ymin, xmin], [ymax, xmax]], padding=(12, 12))
    MetricScale().add_to(m)
    HtmlLegend(legend_html(scale=1.6 if presenter else 1.0)).add_to(m)
    if presenter:
        m.get_root().header.add_child(folium.Element(_PRESENTER_CSS))
    return m


def basemap_group(basemap_id: str) -> folium.FeatureGroup:
    """A group holding the tile layers of one basemap (empty for "none")."""
    basemap = settings.available_basemaps().get(basemap_id) or settings.BASEMAPS["none"]
    group = folium.FeatureGroup(name=f"basemap-{basemap.id}", control=False)
    for provider in basemap.tiles:
        folium.TileLayer(
            tiles=settings.tile_url(provider, basemap),
            attr=provider.html_attribution,
            name=provider.name,
            max_zoom=19,
            max_native_zoom=provider.get("max_zoom", 18),
            subdomains=provider.get("subdomains", "abc"),
            overlay=False,
            control=False,
        ).add_to(group)
    return group


def boundary_group(boundary: gpd.GeoDataFrame, *, gcj02: bool = False) -> folium.FeatureGroup:
    """The district boundary as a line (shifted to GCJ-02 over Gaode tiles)."""
    if gcj02:
        boundary = to_gcj02(boundary)
    group = folium.FeatureGroup(name="区界 District boundary", control=False)
    folium.GeoJson(
        _collection(boundary.assign(geometry=boundary.boundary), []),
        style_function=lambda _feature: dict(BOUNDARY_STYLE),
        interactive=False,
    ).add_to(group)
    return group


def layer_groups(
    gdf: gpd.GeoDataFrame, *, layers: Iterable[str] | None = None, gcj02: bool = False
) -> list[folium.FeatureGroup]:
    """One feature group per visible layer, each holding one GeoJson of its features.

    ``gdf`` is a filtered frame (``geo.filter_projects``): ``status`` is the status to show
    and ``status_is_target`` marks a 2021 plan target.
    """
    visible = list(layers) if layers is not None else list(LAYERS)
    if gcj02:
        gdf = to_gcj02(gdf)
    groups = []
    for spec in sorted((LAYERS[i] for i in visible), key=lambda s: s.z_order):
        part = gdf[gdf["layer"] == spec.id]
        group = folium.FeatureGroup(name=f"{spec.label_zh} {spec.label_en}", show=True)
        if len(part):
            _project_geojson(part, spec.point_radius).add_to(group)
        groups.append(group)
    return groups


def selection_group(
    gdf: gpd.GeoDataFrame, selected_id: str | None, *, gcj02: bool = False
) -> folium.FeatureGroup:
    """A heavy outline around the selected project (empty when nothing is selected)."""
    group = folium.FeatureGroup(name="selection", control=False)
    part = gdf[gdf["id"] == selected_id] if selected_id else gdf.iloc[0:0]
    if len(part):
        if gcj02:
            part = to_gcj02(part)
        folium.GeoJson(
            _collection(part, []),
            style_function=lambda _feature: dict(SELECTION_STYLE),
            marker=folium.CircleMarker(radius=12),
            interactive=False,
        ).add_to(group)
    return group


def standalone_map(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    basemap_id: str = "none",
    title: str | None = None,
) -> folium.Map:
    """A complete map with data inside it, for an HTML file that opens with no server."""
    m = base_map()
    basemap = settings.available_basemaps().get(basemap_id) or settings.BASEMAPS["none"]
    for group in [
        basemap_group(basemap.id),
        boundary_group(boundary, gcj02=basemap.gcj02),
        *layer_groups(gdf, layers=layers, gcj02=basemap.gcj02),
    ]:
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if title:
        m.get_root().html.add_child(
            folium.Element(
                '<div style="position:fixed;top:10px;left:60px;z-index:1000;'
                "background:rgba(255,255,255,.9);padding:4px 10px;font:18px sans-serif;"
                f'border-radius:4px">{escape_html(title)}</div>'
            )
        )
    if len(gdf):
        xmin, ymin, xmax, ymax = gdf.total_bounds
        m.fit_bounds([[ymin, xmin], [ymax, xmax]])
    return m


def tooltip_html(row) -> str:
    """The hover text of one project: names, status (or 2021 target) and how exact it is."""
    status = STATUS_STYLES[row["status"]]
    target = bool(row.get("status_is_target", False))
    status_text = f"{status.label_zh} {status.label_en}"
    if target:
        status_text = f"2021年目标：{status_text} (2021 target)"
    precision_zh, precision_en = PRECISION_LABELS[row["location_precision"]]
    return (
        f"<b>{escape_html(row['name_zh'])}</b><br>{escape_html(row['name_en'])}<br>"
        f'<span style="color:{status.color}">&#9632;</span> {escape_html(status_text)}<br>'
        f"<i>{escape_html(precision_zh)} · {escape_html(precision_en)}</i>"
    )


def _project_geojson(part: gpd.GeoDataFrame, radius: float) -> folium.GeoJson:
    slim = part[["id", "layer", "status", "geometry"]].copy()
    slim["target"] = part["status_is_target"].astype(bool) if "status_is_target" in part else False
    slim["tip"] = [tooltip_html(row) for row in part.drop(columns="geometry").to_dict("records")]
    return folium.GeoJson(
        _collection(slim, ["id", "layer", "status", "target", "tip"]),
        style_function=_style,
        highlight_function=_highlight,
        marker=folium.CircleMarker(radius=radius),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        zoom_on_click=False,
    )


def _style(feature: dict) -> dict:
    props = feature["properties"]
    return LAYERS[props["layer"]].style(props["status"], target=bool(props["target"]))


def _highlight(feature: dict) -> dict:
    return {"weight": 6, "fillOpacity": 0.6}


def _collection(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """A slim FeatureCollection: only ``columns`` and coordinates rounded to ~1 m."""
    geometry = shapely.to_geojson(shapely.set_precision(gdf.geometry.values, BROWSER_GRID))
    records = gdf[columns].to_dict("records")
    features = [
        {"type": "Feature", "properties": props, "geometry": json.loads(geom)}
        for props, geom in zip(records, geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
