"""Vector tiles on the live map, when ``$PROJECT_MAP_TILES`` names a manifest under static/.

The tiled layers are drawn in the browser from PMTiles (``geo.vectortiles``, ``maps.tiledmap``)
instead of being sent as features; the other layers are drawn as before. A manifest that
cannot be used is one message above the map, and the map then draws every layer itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import folium
import streamlit as st

from geo import settings
from geo.db.connect import database_url
from geo.vectortiles import (
    TILES_ENV,
    Manifest,
    TilesError,
    browser_config,
    data_version,
    manifest_path,
    read_manifest,
    view_filter,
)
from geo.view import ViewState
from i18n import t
from layers import LAYERS
from layers.palette import STATUS_STYLES
from maps.tiledmap import tiles_group
from ui.assets import REPO_ROOT, _static_prefix
from ui.insight_panel import current_pick, current_radius

PLUGIN = "protomaps-leaflet/protomaps-leaflet.js"


@dataclass(frozen=True)
class Tiles:
    """Usable tiles: the manifest, its URL folder and the protomaps-leaflet URL."""

    manifest: Manifest
    base_url: str
    plugin_url: str
    lang: str = "zh"

    @property
    def layers(self) -> tuple[str, ...]:
        return tuple(self.manifest.layers)

    def group(self, view: ViewState) -> folium.FeatureGroup:
        """This rerun's filter for the tiled layers (a few hundred bytes).

        Bars picked in the insight charts narrow the tiles as they narrow the rest of the map;
        the radius question cannot be answered by tiles, and the map says so while it is on.
        """
        spec = view.project_filter
        pick = current_pick()
        shown = view_filter(
            layers=[layer for layer in view.layers if layer in self.layers],
            statuses=spec.statuses,
            years=spec.years,
            as_of=spec.as_of,
            picked_pairs=pick.pairs,
            picked_layers=pick.layers,
        )
        cap = min(f.max_features for f in self.manifest.files)
        config = browser_config(
            self.manifest,
            self.base_url,
            note=t("admin.tiles_thinned", self.lang, n=f"{cap:,}"),
        )
        # What a tooltip says beside the project's name (looked up by id in the browser).
        config["tip"] = {
            "lang": self.lang,
            "layers": {layer: _label(LAYERS[layer], self.lang) for layer in self.layers},
            "statuses": {s: _label(style, self.lang) for s, style in STATUS_STYLES.items()},
            "target": t("tip.target", self.lang, status="{status}"),
        }
        if current_radius() is not None:
            labels = [_label(LAYERS[layer], self.lang) for layer in self.layers]
            joined = ("、" if self.lang == "zh" else ", ").join(labels)
            config["notice"] = t("admin.tiles_radius", self.lang, layers=joined)
        return tiles_group(config, shown)


def _label(spec, lang: str) -> str:
    """A layer's or status's label (``label_zh`` / ``label_en``) in ``lang``."""
    return {"zh": spec.label_zh, "en": spec.label_en}.get(lang, f"{spec.label_zh} {spec.label_en}")


@st.cache_data(show_spinner=False, max_entries=4)
def _manifest(path: str, mtime_ns: int) -> Manifest:
    return read_manifest(path)


@st.cache_data(show_spinner=False, max_entries=4)
def _data_version(path: str, mtime_ns: int) -> str:
    return data_version(path)


def configured_tiles(lang: str) -> Tiles | None:
    """The tiles ``$PROJECT_MAP_TILES`` names, or None (unset, or unusable: said on the page)."""
    value = os.environ.get(TILES_ENV, "").strip()
    if not value:
        return None
    path = manifest_path(value if Path(value).is_absolute() else REPO_ROOT / value)
    static = (REPO_ROOT / "static").resolve()
    try:
        relative = path.resolve().relative_to(static)
    except ValueError:
        problem = f"{TILES_ENV}={value}: not under {static}; Streamlit serves only that folder"
        st.error(t("admin.tiles_unusable", lang, problem=problem))
        return None
    try:
        manifest = _manifest(str(path), path.stat().st_mtime_ns if path.exists() else 0)
    except TilesError as exc:
        st.error(t("admin.tiles_unusable", lang, problem=str(exc)))
        return None
    _warn_if_stale(manifest, lang)
    prefix = _static_prefix().removesuffix("/vendor")
    folder = relative.parent.as_posix()
    base_url = prefix if folder == "." else f"{prefix}/{folder}"
    return Tiles(manifest, base_url, f"{prefix}/vendor/{PLUGIN}", lang)


def _warn_if_stale(manifest: Manifest, lang: str) -> None:
    """Tiles of another version of the data would show projects the page does not know."""
    if database_url():
        return  # the database has no file to fingerprint; its edits are not in tiles anyway
    data = settings.data_path()
    try:
        now = _data_version(str(data), data.stat().st_mtime_ns)
    except OSError:
        return
    if now != manifest.data_version:
        st.warning(t("admin.tiles_stale", lang, built=manifest.data_version, now=now))
