"""Map layers: one frozen spec per layer, all styled from one palette (``layers.palette``)."""

from __future__ import annotations

from typing import Final

from geo.schema import LAYER_IDS
from layers import construction, fiveg, parking, pocket_park, renewal
from layers.palette import STATUS_STYLES, StatusStyle
from layers.spec import LayerSpec, LegendEntry

LAYERS: Final[dict[str, LayerSpec]] = {
    spec.id: spec
    for spec in (renewal.SPEC, construction.SPEC, parking.SPEC, pocket_park.SPEC, fiveg.SPEC)
}
assert tuple(LAYERS) == LAYER_IDS, "every layer id in the data vocabulary needs a spec"

__all__ = ["LAYERS", "STATUS_STYLES", "LayerSpec", "LegendEntry", "StatusStyle"]
