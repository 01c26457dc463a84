"""The map's visual language as data: layer × status × precision × target → symbol.

Each cue carries one meaning, so the cues can be read together:

- **colour** and outline dash: the status (``layers.palette``), with a white bar inside the
  marker for "under construction" and a white dot for "open", so statuses read in greyscale;
- **shape** of a point marker, **fill pattern** of an area: the layer (``LayerSpec.marker`` /
  ``LayerSpec.pattern``); every area and line also carries a small marker of its layer's shape;
- **hollow** (white inside, dashed outline): not achieved: a 2021 target, or a project the report
  only plans;
- **dotted grey ring**, smaller and fainter: a schematic position (the report gives no site).

The Leaflet map (``maps.webmap``), its legend and the print renderer read the same
:func:`symbol_for`, so a symbol means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from layers.palette import STATUS_STYLES

#: Marker outlines in a 20×20 box centred on (10, 10), as SVG path data.
MARKER_PATHS: Final[dict[str, str]] = {
    "circle": "M2.5 10a7.5 7.5 0 1 0 15 0a7.5 7.5 0 1 0 -15 0z",
    "square": "M3.5 3.5h13v13h-13z",
    "triangle": "M10 1.8L18.6 17.2H1.4z",
    "diamond": "M10 1.2L18.8 10L10 18.8L1.2 10z",
    "hexagon": "M10 1.8l7.2 4.1v8.2L10 18.2l-7.2-4.1V5.9z",
}
#: Area fill patterns in an 8×8 tile, drawn in the status colour; "solid" is a plain fill.
PATTERN_TILES: Final[dict[str, str]] = {
    "solid": "",
    "hatch": '<path d="M-1 1l2-2M0 8l8-8M7 9l2-2" stroke-width="1.7"/>',
    "horizontal": '<path d="M0 4h8" stroke-width="1.7"/>',
    "dots": '<circle cx="4" cy="4" r="1.7" stroke="none"/>',
    "grid": '<path d="M0 4h8M4 0v8" stroke-width="1.3"/>',
}
#: A white mark inside a filled marker for the statuses that are otherwise closest in grey:
#: a bar for "under construction" (work going on), a dot for "open" (in use).
STATUS_MARKS: Final[dict[str, str]] = {
    "under_construction": '<path d="M5.5 9h9v2.2h-9z" fill="#ffffff"/>',
    "open": '<circle cx="10" cy="10" r="2.8" fill="#ffffff"/>',
}
#: Marker size in screen pixels: a located project, and a schematic one (drawn smaller).
MARKER_SIZE: Final = 20
SCHEMATIC_MARKER_SIZE: Final = 15
#: The small layer marker on an area or line (its label point).
AREA_MARKER_SIZE: Final = 13
#: Dash of a hollow (target/planned) outline and of a schematic line or area.
HOLLOW_DASH: Final = "5 3"
SCHEMATIC_DASH: Final = "2 5"
SCHEMATIC_RING: Final = "#555555"


@dataclass(frozen=True)
class Symbol:
    """How one project looks: the same for the Leaflet map, its legend and printed maps."""

    layer: str
    status: str
    shape: str
    pattern: str
    color: str
    #: Not achieved (a 2021 target, or only planned): white inside, dashed outline.
    hollow: bool
    #: Schematic position: smaller, fainter, inside a dotted grey ring.
    schematic: bool
    dash_array: str | None
    weight: float
    fill_opacity: float

    @property
    def marker_size(self) -> int:
        return SCHEMATIC_MARKER_SIZE if self.schematic else MARKER_SIZE

    @property
    def pattern_id(self) -> str:
        """The id of the SVG ``<pattern>`` filling an area of this symbol (see :func:`defs_svg`)."""
        return f"shinan-{self.pattern}-{self.status}"

    def path_style(self) -> dict[str, object]:
        """Leaflet path options for an area or a line of this symbol."""
        if self.schematic or (self.hollow and self.pattern == "solid"):
            fill, fill_opacity = "#ffffff", 0.35 if self.hollow else 0.0
        elif self.hollow:  # a faint pattern: the layer still shows, nothing looks achieved
            fill, fill_opacity = f"url(#{self.pattern_id})", 0.3
        elif self.pattern == "solid":
            fill, fill_opacity = self.color, self.fill_opacity
        else:
            fill, fill_opacity = f"url(#{self.pattern_id})", 0.9
        return {
            "color": self.color,
            "weight": 2.0 if self.schematic else self.weight,
            "dashArray": self.dash_array,
            "fillColor": fill,
            "fillOpacity": fill_opacity,
            "opacity": 0.7 if self.schematic else 0.95,
        }

    def marker_svg(self, size: int | None = None) -> str:
        """The marker as inline SVG (``size`` pixels; default by precision)."""
        size = size or self.marker_size
        path = MARKER_PATHS[self.shape]
        fill = "#ffffff" if self.hollow else self.color
        dash = ' stroke-dasharray="3 2"' if self.hollow else ""
        stroke = self.color if self.hollow else "#1a1a1a"
        width = 2.4 if self.hollow else 1.3
        ring = ""
        box = 20
        if self.schematic:
            # The ring is drawn outside the 20-unit box: widen the view box to hold it.
            ring = (
                f'<circle cx="10" cy="10" r="12.5" fill="none" stroke="{SCHEMATIC_RING}" '
                'stroke-width="1.6" stroke-dasharray="2 2.5"/>'
            )
            box = 28
            size = round(size * box / 20)
        offset = (box - 20) / 2
        view = f"{-offset:g} {-offset:g} {box} {box}"
        opacity = ' opacity="0.85"' if self.schematic else ""
        mark = "" if self.hollow else STATUS_MARKS.get(self.status, "")
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="{view}"{opacity}>{ring}<path d="{path}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"{dash} stroke-linejoin="round"/>{mark}</svg>'
        )


def symbol_for(
    layer: str, status: str, *, precision: str = "approximate", target: bool = False
) -> Symbol:
    """The symbol of a project of ``layer`` shown in ``status``.

    Parameters
    ----------
    layer, status
        Ids from ``geo.schema``.
    precision
        ``location_precision``: "schematic" is drawn as a placeholder, not a site.
    target
        The status shown is a 2021 target, not a reported fact.

    >>> symbol_for("fiveg", "completed", target=True).hollow
    True
    >>> symbol_for("renewal", "open").shape, symbol_for("construction", "open").shape
    ('circle', 'square')
    """
    from layers import LAYERS  # layers/__init__ imports the specs, which do not import this

    spec = LAYERS[layer]
    palette = STATUS_STYLES[status]
    hollow = target or status == "planned"
    dash = SCHEMATIC_DASH if precision == "schematic" else palette.dash_array
    if hollow and precision != "schematic":
        dash = palette.dash_array or HOLLOW_DASH
    return Symbol(
        layer=layer,
        status=status,
        shape=spec.marker,
        pattern=spec.pattern,
        color=palette.color,
        hollow=hollow,
        schematic=precision == "schematic",
        dash_array=dash,
        weight=palette.weight,
        fill_opacity=palette.fill_opacity,
    )


def defs_svg() -> str:
    """A hidden SVG with one ``<pattern>`` per layer pattern × status colour.

    Areas fill with ``url(#shinan-<pattern>-<status>)``; put this once into the page.
    """
    patterns = []
    for pattern, tile in PATTERN_TILES.items():
        if not tile:
            continue
        for status, palette in STATUS_STYLES.items():
            patterns.append(
                f'<pattern id="shinan-{pattern}-{status}" width="8" height="8" '
                f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff" '
                f'fill-opacity="0.55"/><g stroke="{palette.color}" fill="{palette.color}">'
                f"{tile}</g></pattern>"
            )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" '
        'style="position:absolute" aria-hidden="true">'
        f"<defs>{''.join(patterns)}</defs></svg>"
    )
