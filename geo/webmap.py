"""The Leaflet (folium) map: a base map that never changes, and groups that carry the data.

streamlit-folium remounts the map (flash, zoom reset) whenever the base map's script changes,
so everything that follows a filter or a basemap choice goes into feature groups handed to
``st_folium(feature_group_to_add=...)``; the base map itself is the same on every rerun.
The same pieces build a standalone HTML map (:func:`standalone_map`).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement, Template
from folium.elements import ElementAddToElement

from geo import settings
from geo.coords import to_gcj02
from geo.html import escape_html
from layers import LAYERS, STATUS_STYLES, LayerSpec
from layers.palette import BOUNDARY_STYLE, PRECISION_LABELS

#: Coordinates sent to the browser are rounded to this grid (degrees, about 1 m).
BROWSER_GRID = 1e-5
_ROW = '<div style="display:flex;align-items:center;gap:6px">'
SELECTION_STYLE = {"color": "#000000", "weight": 6, "opacity": 0.9, "fillOpacity": 0.0}
#: How a project looks under the mouse (Leaflet path options).
HIGHLIGHT_STYLE = {"weight": 6, "fillOpacity": 0.6}
_DECIMALS = round(-math.log10(BROWSER_GRID))
#: Projects kept in browser form before the memo is emptied (about 6 KB each: 60 MB per 10,000).
_MEMO_LIMIT = 30_000
#: What a project's browser form is made of: its memo key (then the geometry's WKB, gcj02).
_KEY_FIELDS = (
    "id",
    "layer",
    "status",
    "status_is_target",
    "name_zh",
    "name_en",
    "location_precision",
)
_FEATURE_MEMO: dict[tuple, tuple[dict[str, Any], str]] = {}
# JSON in a <script> must not close the tag ("</") or open an HTML comment ("<!--"); U+2028/9
# end a line in older JavaScript. Escaping only these keeps the tooltip markup short.
_SCRIPT_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})

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


class _RawText(Element):
    """Text put into the page as it is, never compiled as a Jinja template.

    branca compiles every rendered script and every ``Element`` string as a template: for
    project data that lexes megabytes on each rerun, and a ``{{ ... }}`` or ``{%`` in a name
    would run as template code or crash the render.
    """

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ProjectGeoJson(folium.GeoJson):
    """One layer's projects as one Leaflet GeoJSON layer, cheap to rebuild on every rerun.

    ``folium.GeoJson`` maps a style to every feature id, serialises the data twice and then
    compiles the script as a template: seconds per rerun at 10,000 features. This takes the
    features already in browser form (:func:`_browser_features`), embeds their JSON as it is,
    looks the style up in the browser by status, and adds its script with :class:`_RawText`.
    ``.data`` holds the features (shared with the memo: do not mutate them), so folium's
    ``GeoJsonTooltip`` and streamlit-folium's click handling work as with ``folium.GeoJson``.
    Written against folium 0.20 (``render`` follows ``Layer.render``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_styles = {{ this.styles|tojson }};
function {{ this.get_name() }}_styler(feature) {
    var p = feature.properties;
    return {{ this.get_name() }}_styles[p.status + (p.target ? "/target" : "")];
}
var {{ this.get_name() }} = L.geoJson(null, {
    style: {{ this.get_name() }}_styler,
    pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {{ this.get_name() }}_styler(feature));
    },
    onEachFeature: function (feature, layer) {
        layer.on({
            mouseover: function (e) {
                if (typeof e.target.setStyle === "function") {
                    e.target.setStyle({{ this.highlight_style|tojson }});
                }
            },
            mouseout: function (e) {
                if (typeof e.target.setStyle === "function") {
                    {{ this.get_name() }}.resetStyle(e.target);
                }
            },
        });
    },
});
{{ this.get_name() }}.addData({{ this.data_json }});
{% endmacro %}
"""
    )

    def __init__(self, features: list[tuple[dict[str, Any], str]], spec: LayerSpec) -> None:
        super().__init__({"type": "FeatureCollection", "features": [f for f, _ in features]})
        joined = ", ".join(text for _, text in features)
        self.data_json = f'{{"type": "FeatureCollection", "features": [{joined}]}}'
        self.styles = {
            status + ("/target" if target else ""): spec.style(status, target=target)
            for status in STATUS_STYLES
            for target in (False, True)
        }
        self.highlight_style = HIGHLIGHT_STYLE
        self.add_child(folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True))

    def render(self, **kwargs) -> None:
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_RawText(script), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


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
        # Leaflet's keyboard handler focuses the map on mousedown; inside streamlit-folium's
        # iframe that scrolls the page mid-click and the click is lost. Arrow keys belong to
        # the scene clicker anyway.
        keyboard=False,
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
    and ``status_is_target`` marks a 2021 plan target. Each project's browser form is made
    once and reused by later reruns (:func:`_browser_features`), so a filter change only
    selects.
    """
    visible = list(layers) if layers is not None else list(LAYERS)
    gdf = gdf[gdf["layer"].isin(visible)]
    by_layer: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for layer, feature in zip(gdf["layer"], _browser_features(gdf, gcj02=gcj02), strict=True):
        by_layer.setdefault(layer, []).append(feature)
    groups = []
    for spec in sorted((LAYERS[i] for i in visible), key=lambda s: s.z_order):
        group = folium.FeatureGroup(name=f"{spec.label_zh} {spec.label_en}", show=True)
        if spec.id in by_layer:
            ProjectGeoJson(by_layer[spec.id], spec).add_to(group)
        groups.append(group)
    return groups


def selection_group(
    gdf: gpd.GeoDataFrame, selected_id: str | None, *, gcj02: bool = False
) -> folium.FeatureGroup:
    """A heavy outline around the selected project (empty when nothing is selected)."""
    group = folium.FeatureGroup(name="selection", control=False)
    part = gdf[gdf["id"] == selected_id] if selected_id else gdf.iloc[0:0]
    if len(part):
        # A point's ring is drawn as a 40 m circle polygon: folium's CircleMarker drops the
        # ``interactive`` option, and an interactive ring would swallow clicks on the project.
        metric = part.geometry.to_crs(settings.METRIC_CRS)
        rings = metric.where(~metric.geom_type.isin(["Point", "MultiPoint"]), metric.buffer(40))
        part = part.set_geometry(rings.to_crs(settings.STORAGE_CRS))
        if gcj02:
            part = to_gcj02(part)
        folium.GeoJson(
            _collection(part, []),
            style_function=lambda _feature: dict(SELECTION_STYLE),
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
            _RawText(
                '<div style="position:fixed;top:10px;left:60px;z-index:1000;'
                "background:rgba(255,255,255,.9);padding:4px 10px;font:18px sans-serif;"
                f'border-radius:4px">{escape_html(title)}</div>'
            )
        )
    if len(gdf):
        xmin, ymin, xmax, ymax = gdf.total_bounds
        m.fit_bounds([[ymin, xmin], [ymax, xmax]])
    return m


def tooltip_html(row: Mapping[str, Any]) -> str:
    """The hover text of one project: names, status (or 2021 target) and how exact it is."""
    status = STATUS_STYLES[row["status"]]
    target = bool(row.get("status_is_target", False))
    status_text = f"{status.label_zh} {status.label_en}"
    if target:
        status_text = f"2021年目标：{status_text} (2021 target)"
    precision_zh, precision_en = PRECISION_LABELS[row["location_precision"]]
    # Short markup: it is sent for every feature on every update.
    return (
        f"<b>{escape_html(row['name_zh'])}</b><br>{escape_html(row['name_en'])}<br>"
        f'<span style="color:{status.color}">■</span> {escape_html(status_text)}<br>'
        f"{escape_html(precision_zh)} · {escape_html(precision_en)}"
    )


def _browser_features(
    gdf: gpd.GeoDataFrame, *, gcj02: bool = False
) -> list[tuple[dict[str, Any], str]]:
    """Each row as the browser gets it: (GeoJSON feature, its JSON text), memoised.

    The feature is slim (id, layer, status, target, tooltip) with coordinates rounded to
    ``BROWSER_GRID``. The memo key is everything the feature is made from, the shown status and
    the geometry included, so a stale entry cannot be returned; after the first render a filter
    change finds every feature already made and only selects.
    """
    if not len(gdf):
        return []
    if "status_is_target" in gdf:
        targets = gdf["status_is_target"].astype(bool).tolist()
    else:
        targets = [False] * len(gdf)
    keys = list(
        zip(
            gdf["id"].tolist(),
            gdf["layer"].tolist(),
            gdf["status"].tolist(),
            targets,
            gdf["name_zh"].tolist(),
            gdf["name_en"].tolist(),
            gdf["location_precision"].tolist(),
            shapely.to_wkb(gdf.geometry.values),
            itertools.repeat(gcj02),
            strict=False,
        )
    )
    # Read the memo once: another session's thread may empty it meanwhile.
    found = [_FEATURE_MEMO.get(key) for key in keys]
    missing = [i for i, feature in enumerate(found) if feature is None]
    if missing:
        made = _make_features(gdf.iloc[missing], [keys[i] for i in missing], gcj02=gcj02)
        if len(_FEATURE_MEMO) + len(made) > _MEMO_LIMIT:
            _FEATURE_MEMO.clear()
        _FEATURE_MEMO.update(made)
        for i in missing:
            found[i] = made[keys[i]]
    return found


def _make_features(
    part: gpd.GeoDataFrame, keys: list[tuple], *, gcj02: bool
) -> dict[tuple, tuple[dict[str, Any], str]]:
    if gcj02:
        part = to_gcj02(part)
    # Rounding, not shapely.set_precision: ten times faster, and Leaflet needs no validity.
    rounded = shapely.transform(part.geometry.values, lambda xy: np.round(xy, _DECIMALS))
    made = {}
    for key, geometry in zip(keys, shapely.to_geojson(rounded), strict=True):
        row = dict(zip(_KEY_FIELDS, key, strict=False))
        props = {
            "id": row["id"],
            "layer": row["layer"],
            "status": row["status"],
            "target": row["status_is_target"],
            "tip": tooltip_html(row),
        }
        feature = {"type": "Feature", "properties": props, "geometry": json.loads(geometry)}
        # Python's float repr is the shortest that round-trips (GEOS writes up to 17 digits).
        shape = json.dumps(feature["geometry"], separators=(",", ":"))
        props_json = _script_safe(json.dumps(props, ensure_ascii=False))
        made[key] = (
            feature,
            f'{{"type": "Feature", "properties": {props_json}, "geometry": {shape}}}',
        )
    return made


def _script_safe(text: str) -> str:
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--").translate(_SCRIPT_SAFE)


def _collection(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """A slim FeatureCollection: only ``columns`` and coordinates rounded to ~1 m."""
    geometry = shapely.to_geojson(shapely.set_precision(gdf.geometry.values, BROWSER_GRID))
    records = gdf[columns].to_dict("records")
    features = [
        {"type": "Feature", "properties": props, "geometry": json.loads(geom)}
        for props, geom in zip(records, geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def stable_names(groups: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """Name every element by its place in ``groups`` instead of at random.

    folium names elements with random ids, so the groups' script differs on every rerun and
    streamlit-folium removes and redraws every layer even when nothing changed (a flicker, and
    a click in progress is lost). With names that depend only on position, an unchanged view
    sends an identical script, which the browser leaves alone.
    """

    def walk(element):
        yield element
        for child in element._children.values():
            yield from walk(child)

    for i, group in enumerate(groups):
        for j, element in enumerate(walk(group)):
            element._id = f"{i:03d}{j:029d}"
    return groups
