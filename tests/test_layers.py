"""Layer specs and the palette: every layer, every status, distinguishable for everyone."""

from __future__ import annotations

import itertools

import pytest

from geo import filter_projects
from geo.schema import GEOMETRY_TYPES, LAYER_IDS, STATUSES
from layers import LAYERS, STATUS_STYLES
from layers.symbols import MARKER_PATHS, symbol_for
from maps.webmap import legend_html


@pytest.mark.parametrize("layer_id", LAYER_IDS)
class TestEveryLayer:
    def test_has_labels_in_both_languages(self, layer_id):
        spec = LAYERS[layer_id]
        assert spec.id == layer_id
        assert spec.label_zh and spec.label_en and spec.description_zh and spec.description_en
        assert all(kind in GEOMETRY_TYPES for kind in spec.geometry_kinds)

    @pytest.mark.parametrize("status", STATUSES)
    def test_style_comes_from_the_palette(self, layer_id, status):
        style = LAYERS[layer_id].style(status)
        palette = STATUS_STYLES[status]
        assert style["color"] == palette.color == style["fillColor"]
        assert style["dashArray"] == palette.dash_array

    def test_target_is_paler_than_fact(self, layer_id):
        spec = LAYERS[layer_id]
        assert spec.style("open", target=True)["fillOpacity"] < spec.style("open")["fillOpacity"]

    def test_legend_entries_match_map_style(self, layer_id):
        spec = LAYERS[layer_id]
        entries = spec.legend_entries()
        assert [e.status for e in entries] == list(STATUSES)
        for entry in entries:
            assert entry.color == spec.style(entry.status)["color"]
            assert entry.dash_array == spec.style(entry.status)["dashArray"]
        assert [e.status for e in spec.legend_entries(("open",))] == ["open"]


def test_statuses_differ_in_pattern_not_only_colour():
    """Outline pattern, fill or weight tells each status apart even in greyscale."""
    looks = {(s.dash_array, s.fill_opacity, s.weight) for s in STATUS_STYLES.values()}
    assert len(looks) == len(STATUS_STYLES)


def _srgb_to_linear(c):
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour):
    return [_srgb_to_linear(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5)]


# Machado et al. (2009) full-severity simulation matrices, linear RGB.
CVD = {
    "protanopia": [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]],
    "deuteranopia": [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]],
    "tritanopia": [[1.256, -0.077, -0.179], [-0.078, 0.931, 0.148], [0.005, 0.691, 0.304]],
}


def _simulate(matrix, rgb):
    return [max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]


@pytest.mark.parametrize("vision", list(CVD))
def test_status_colours_stay_apart_for_colour_blind_viewers(vision):
    colours = {s: _simulate(CVD[vision], _rgb(style.color)) for s, style in STATUS_STYLES.items()}
    for a, b in itertools.combinations(colours, 2):
        distance = sum((x - y) ** 2 for x, y in zip(colours[a], colours[b], strict=True)) ** 0.5
        assert distance > 0.1, f"{a} and {b} look alike with {vision} ({distance:.3f})"


def test_legend_html_is_a_layer_by_status_table_of_the_map_symbols():
    html = legend_html()
    for style in STATUS_STYLES.values():
        assert style.color in html and style.label_zh in html
    for spec in LAYERS.values():
        assert spec.label_zh in html
        assert MARKER_PATHS[spec.marker] in html  # each layer's own marker shape
    assert "空心" in html and "示意位置" in html  # targets and schematic places explained
    assert "cdn" not in html.lower() and "<script" not in html


def test_legend_html_lists_only_what_is_shown(mini_gdf):
    shown = filter_projects(mini_gdf, statuses=["under_construction"])
    html = legend_html(shown, lang="en")
    assert "Under construction" in html and "Planned" not in html
    assert "West old-city renewal" in html and "Key construction" not in html
    assert "Dotted ring" not in html  # no schematic project is shown


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_layers_keep_their_identity_whatever_the_status(layer_id):
    """Shape and pattern say the layer; only colour changes with status."""
    others = [LAYERS[i] for i in LAYER_IDS if i != layer_id]
    spec = LAYERS[layer_id]
    assert all(spec.marker != o.marker for o in others)
    assert all(spec.pattern != o.pattern for o in others)
    shapes = {symbol_for(layer_id, s).shape for s in STATUSES}
    assert shapes == {spec.marker}


def test_targets_are_hollow_and_schematic_places_ringed():
    fact = symbol_for("construction", "completed")
    target = symbol_for("construction", "completed", target=True)
    schematic = symbol_for("construction", "open", precision="schematic")
    assert not fact.hollow and target.hollow and not schematic.hollow
    assert 'fill="#ffffff"' in target.marker_svg() and 'fill="#ffffff"' not in fact.marker_svg()
    assert "stroke-dasharray" in schematic.marker_svg() and schematic.marker_size < 20
    assert target.path_style()["fillColor"] == "#ffffff"  # an area target is not filled in
    faint = symbol_for("renewal", "open", target=True).path_style()
    assert faint["fillOpacity"] < symbol_for("renewal", "open").path_style()["fillOpacity"]
    assert symbol_for("renewal", "completed").path_style()["fillColor"].startswith("url(#")


def _grey(hex_colour):
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.mark.parametrize(
    ("a", "b"),
    [("completed", "open"), ("under_construction", "completed"), ("preparation", "open"),
     ("under_construction", "open"), ("preparation", "under_construction")],
)  # fmt: skip
def test_achieved_statuses_differ_in_greyscale(a, b):
    """Printed in grey, a completed project and an open one still look different."""
    assert abs(_grey(STATUS_STYLES[a].color) - _grey(STATUS_STYLES[b].color)) >= 25


def test_open_and_under_construction_markers_carry_a_white_mark():
    """The marks keep statuses apart in grey where the colours alone come close."""
    assert "#ffffff" in symbol_for("construction", "open").marker_svg()
    assert "#ffffff" in symbol_for("construction", "under_construction").marker_svg()
    assert "#ffffff" not in symbol_for("construction", "completed").marker_svg()
    assert "#ffffff" not in symbol_for("construction", "preparation").marker_svg()
