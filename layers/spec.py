"""The shape of a layer spec: labels, geometry kinds and the style it gives each status."""

from __future__ import annotations

from dataclasses import dataclass

from layers.palette import STATUS_STYLES, TARGET_FILL_FACTOR, StatusStyle


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: what a status looks like in a layer."""

    layer: str
    status: str
    label_zh: str
    label_en: str
    color: str
    dash_array: str | None
    fill_opacity: float
    geometry: str


@dataclass(frozen=True)
class LayerSpec:
    """One map layer. Styles come from the shared palette; a layer sets only its own shape."""

    id: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    #: Geometry kinds the layer holds, first the one its legend swatch shows.
    geometry_kinds: tuple[str, ...]
    #: Radius in pixels of a point feature's circle.
    point_radius: float = 7.0
    #: Drawing order: higher draws on top (points over lines over areas).
    z_order: int = 0
    #: The layer's own identity, independent of status colour (see ``layers.symbols``):
    #: the shape of its point markers, the fill pattern of its areas and the matplotlib hatch
    #: that prints the same pattern.
    marker: str = "circle"
    pattern: str = "solid"
    hatch: str = ""

    def style(self, status: str, *, target: bool = False) -> dict[str, object]:
        """Leaflet path options for a feature of this layer in ``status``."""
        palette = STATUS_STYLES[status]
        fill = palette.fill_opacity * (TARGET_FILL_FACTOR if target else 1.0)
        return {
            "color": palette.color,
            "weight": palette.weight,
            "dashArray": palette.dash_array,
            "fillColor": palette.color,
            "fillOpacity": round(fill, 3),
            "opacity": 0.95,
            "radius": self.point_radius,
        }

    def legend_entries(self, statuses: tuple[str, ...] | None = None) -> list[LegendEntry]:
        """Legend rows for the given statuses (all, in palette order, by default)."""
        chosen = [s for s in STATUS_STYLES if statuses is None or s in statuses]
        return [self._entry(STATUS_STYLES[s]) for s in chosen]

    def _entry(self, palette: StatusStyle) -> LegendEntry:
        return LegendEntry(
            layer=self.id,
            status=palette.status,
            label_zh=palette.label_zh,
            label_en=palette.label_en,
            color=palette.color,
            dash_array=palette.dash_array,
            fill_opacity=palette.fill_opacity,
            geometry=self.geometry_kinds[0],
        )
