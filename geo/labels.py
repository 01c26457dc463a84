"""Moved to :mod:`maps.labels` (drawing lives beside ``geo/``); kept so old imports work."""

from maps.labels import LabelPlacement, LabelRequest, place_labels

__all__ = ["LabelPlacement", "LabelRequest", "place_labels"]
