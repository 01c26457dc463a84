"""A view of the map as plain values, and its round trip through a URL query string.

Every part of what the user sees (layers, statuses, years, extent, scene, presenter mode,
language) is encoded, so a link reproduces the view. Parsing never raises: a bad or hostile
parameter is dropped and named in a notice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from geo import settings
from geo.filter import ProjectFilter
from geo.schema import LAYER_IDS, STATUSES

MODES = ("all", "period", "as_of")
LANGUAGES = ("both", "zh", "en")
SCENE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Years a URL may ask for; anything else is a typo or an attack.
_YEARS = (2000, 2035)


@dataclass(frozen=True)
class ViewState:
    """Everything the map shows. ``center``/``zoom`` are None for the default framing."""

    layers: tuple[str, ...] = LAYER_IDS
    statuses: tuple[str, ...] = STATUSES
    mode: str = "all"
    years: tuple[int, int] = (settings.FIRST_YEAR, settings.LAST_YEAR)
    as_of: int = settings.LAST_YEAR
    basemap: str = "light"
    center: tuple[float, float] | None = None
    zoom: float | None = None
    scene: str | None = None
    presenter: bool = False
    lang: str = "both"
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def project_filter(self) -> ProjectFilter:
        """The filter this view applies to the projects."""
        return ProjectFilter(
            layers=self.layers,
            statuses=self.statuses,
            years=self.years if self.mode == "period" else None,
            as_of=self.as_of if self.mode == "as_of" else None,
        )


def to_query(view: ViewState) -> dict[str, str]:
    """Encode a view as query parameters; defaults are left out so links stay short."""
    default = ViewState()
    params: dict[str, str] = {}
    if view.layers != default.layers:
        params["layers"] = ",".join(view.layers) or "none"
    if view.statuses != default.statuses:
        params["status"] = ",".join(view.statuses) or "none"
    if view.mode == "period":
        params["years"] = f"{view.years[0]}-{view.years[1]}"
    elif view.mode == "as_of":
        params["as_of"] = str(view.as_of)
    if view.basemap != settings.default_basemap():
        params["basemap"] = view.basemap
    if view.center is not None and view.zoom is not None:
        params["lat"] = f"{view.center[0]:.5f}"
        params["lon"] = f"{view.center[1]:.5f}"
        params["z"] = f"{view.zoom:g}"
    if view.scene:
        params["scene"] = view.scene
    if view.presenter:
        params["presenter"] = "1"
    if view.lang != "both":
        params["lang"] = view.lang
    return params


def from_query(
    params: Mapping[str, str],
    *,
    scene_ids: tuple[str, ...] = (),
    base: ViewState | None = None,
) -> ViewState:
    """Decode query parameters into a view; what cannot be used is named in ``notices``.

    Parameters not given keep their value in ``base`` (default: the app's opening view), so a
    link naming only a scene starts from that scene's view.
    """
    notices: list[str] = []
    view = base or ViewState(basemap=settings.default_basemap())
    known = {"layers", "status", "years", "as_of", "basemap", "lat", "lon", "z"}
    known |= {"scene", "presenter", "lang"}
    for name in sorted(set(params) - known):
        notices.append(f"unknown parameter '{_show(name)}' ignored")
    updates: dict[str, object] = {}
    for parse in (_layers, _statuses, _years, _basemap, _extent, _flags):
        updates.update(parse(params, notices))
    scene = params.get("scene")
    if scene is not None:
        if SCENE_ID.match(scene) and scene in scene_ids:
            updates["scene"] = scene
        else:
            notices.append(f"scene '{_show(scene)}' not found; valid: {', '.join(scene_ids)}")
    return replace(view, **updates, notices=tuple(notices))


def _show(value: str) -> str:
    """A parameter value safe to repeat in a notice: short, printable."""
    text = "".join(c for c in str(value) if c.isprintable())
    return text[:40] + ("…" if len(text) > 40 else "")


def _choices(
    params: Mapping[str, str], name: str, valid: tuple[str, ...], notices: list[str]
) -> tuple[str, ...] | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw == "none":
        return ()
    values = [v.strip() for v in raw.split(",") if v.strip()]
    bad = [v for v in values if v not in valid]
    if bad:
        shown = ", ".join(_show(v) for v in bad)
        notices.append(f"{name}: unknown {shown} ignored; valid: {', '.join(valid)}")
    good = tuple(v for v in valid if v in values)
    return good or None


def _layers(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    layers = _choices(params, "layers", LAYER_IDS, notices)
    return {} if layers is None else {"layers": layers}


def _statuses(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    statuses = _choices(params, "status", STATUSES, notices)
    return {} if statuses is None else {"statuses": statuses}


def _year(text: str) -> int | None:
    if not re.fullmatch(r"[0-9]{4}", text.strip()):  # not \d: no full-width digits
        return None
    year = int(text)
    return year if _YEARS[0] <= year <= _YEARS[1] else None


def _years(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    if "as_of" in params:
        year = _year(params["as_of"])
        if year is None:
            notices.append(f"as_of '{_show(params['as_of'])}' is not a year; ignored")
            return {}
        year = min(max(year, settings.FIRST_YEAR), settings.LAST_YEAR)
        return {"mode": "as_of", "as_of": year}
    if "years" in params:
        parts = params["years"].split("-")
        span = [_year(p) for p in parts] if len(parts) == 2 else [None]
        if None in span or span[0] > span[1]:
            notices.append(f"years '{_show(params['years'])}' is not a range like 2019-2021")
            return {}
        first = max(span[0], settings.FIRST_YEAR)
        last = min(span[1], settings.LAST_YEAR)
        return {"mode": "period", "years": (min(first, last), max(first, last))}
    return {}


def _basemap(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    basemap = params.get("basemap")
    if basemap is None:
        return {}
    available = settings.available_basemaps()
    if basemap not in available:
        notices.append(f"basemap '{_show(basemap)}' unavailable; valid: {', '.join(available)}")
        return {}
    return {"basemap": basemap}


def _extent(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    if not {"lat", "lon", "z"} & set(params):
        return {}
    try:
        lat, lon, zoom = (float(params[k]) for k in ("lat", "lon", "z"))
    except (KeyError, ValueError):
        notices.append("map extent needs numbers lat, lon and z; ignored")
        return {}
    xmin, ymin, xmax, ymax = settings.EXTENT
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        notices.append("map extent is not finite; ignored")
    elif not (ymin <= lat <= ymax and xmin <= lon <= xmax and 10 <= zoom <= 19):
        notices.append("map extent is outside Shinan or zoom outside 10-19; ignored")
    else:
        return {"center": (lat, lon), "zoom": zoom}
    return {}


def _flags(params: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    updates: dict[str, object] = {}
    presenter = params.get("presenter")
    if presenter is not None:
        if presenter in ("1", "true", "0", "false"):
            updates["presenter"] = presenter in ("1", "true")
        else:
            notices.append(f"presenter '{_show(presenter)}' should be 1 or 0; ignored")
    lang = params.get("lang")
    if lang is not None:
        if lang in LANGUAGES:
            updates["lang"] = lang
        else:
            notices.append(f"lang '{_show(lang)}' unknown; valid: {', '.join(LANGUAGES)}")
    return updates
