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
from geo.schema import ID_PATTERN, LAYER_IDS, STATUSES
from i18n import t

MODES = ("all", "period", "as_of")
#: Interface languages: Chinese (the default), English, or both side by side.
LANGUAGES = ("zh", "en", "both")
SCENE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Years a URL may ask for; anything else is a typo or an attack.
_YEARS = (2000, 2035)


@dataclass(frozen=True)
class Notice:
    """Something in a link that could not be used, said to the user in their language.

    ``key`` names a string in ``i18n.page``; ``values`` fill it in.
    """

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **dict(self.values))

    def __str__(self) -> str:  # for files and the command line (geo.scenes problems)
        return self.text("en")

    def __contains__(self, part: str) -> bool:
        return part in self.key or any(part in v for _, v in self.values)


def _notice(key: str, **values: object) -> Notice:
    return Notice(key, tuple((k, str(v)) for k, v in values.items()))


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
    lang: str = "zh"
    #: The selected project (``?project=ID``): the link selects and frames it.
    project: str | None = None
    notices: tuple[Notice, ...] = field(default=(), compare=False)

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
    if view.lang != "zh":
        params["lang"] = view.lang
    if view.project:
        params["project"] = view.project
    return params


def from_query(
    params: Mapping[str, str],
    *,
    scene_ids: tuple[str, ...] = (),
    base: ViewState | None = None,
    project_ids: tuple[str, ...] | None = None,
) -> ViewState:
    """Decode query parameters into a view; what cannot be used is named in ``notices``.

    Parameters not given keep their value in ``base`` (default: the app's opening view), so a
    link naming only a scene starts from that scene's view. ``project_ids``, when given, are
    the projects a ``project`` parameter may name.
    """
    notices: list[Notice] = []
    view = base or ViewState(basemap=settings.default_basemap())
    known = {"layers", "status", "years", "as_of", "basemap", "lat", "lon", "z"}
    known |= {"scene", "presenter", "lang", "project"}
    for name in sorted(set(params) - known):
        notices.append(_notice("notice.unknown_param", name=_show(name)))
    updates: dict[str, object] = {}
    for parse in (_layers, _statuses, _years, _basemap, _extent, _flags):
        updates.update(parse(params, notices))
    scene = params.get("scene")
    if scene is not None:
        if SCENE_ID.match(scene) and scene in scene_ids:
            updates["scene"] = scene
        else:
            notices.append(_notice("notice.scene", value=_show(scene)))
    project = params.get("project")
    if project is not None:
        if ID_PATTERN.match(project) and (project_ids is None or project in project_ids):
            updates["project"] = project
        else:
            notices.append(_notice("notice.project", value=_show(project)))
    return replace(view, **updates, notices=tuple(notices))


def _show(value: str) -> str:
    """A parameter value safe to repeat in a notice: short, printable."""
    text = "".join(c for c in str(value) if c.isprintable())
    return text[:40] + ("…" if len(text) > 40 else "")


def _choices(
    params: Mapping[str, str], name: str, valid: tuple[str, ...], notices: list[Notice]
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
        notices.append(_notice(f"notice.{name}", value=shown))
    good = tuple(v for v in valid if v in values)
    return good or None


def _layers(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    layers = _choices(params, "layers", LAYER_IDS, notices)
    return {} if layers is None else {"layers": layers}


def _statuses(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    statuses = _choices(params, "status", STATUSES, notices)
    return {} if statuses is None else {"statuses": statuses}


def _year(text: str) -> int | None:
    if not re.fullmatch(r"[0-9]{4}", text.strip()):  # not \d: no full-width digits
        return None
    year = int(text)
    return year if _YEARS[0] <= year <= _YEARS[1] else None


def _years(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    if "as_of" in params:
        year = _year(params["as_of"])
        if year is None:
            notices.append(
                _notice(
                    "notice.year",
                    value=_show(params["as_of"]),
                    first=settings.FIRST_YEAR,
                    last=settings.LAST_YEAR,
                )
            )
            return {}
        year = min(max(year, settings.FIRST_YEAR), settings.LAST_YEAR)
        return {"mode": "as_of", "as_of": year}
    if "years" in params:
        parts = params["years"].split("-")
        span = [_year(p) for p in parts] if len(parts) == 2 else [None]
        if None in span or span[0] > span[1]:
            notices.append(_notice("notice.years", value=_show(params["years"])))
            return {}
        first = max(span[0], settings.FIRST_YEAR)
        last = min(span[1], settings.LAST_YEAR)
        return {"mode": "period", "years": (min(first, last), max(first, last))}
    return {}


def _basemap(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    basemap = params.get("basemap")
    if basemap is None:
        return {}
    available = settings.available_basemaps()
    if basemap not in available:
        notices.append(_notice("notice.basemap", value=_show(basemap)))
        return {}
    return {"basemap": basemap}


def _extent(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    if not {"lat", "lon", "z"} & set(params):
        return {}
    try:
        lat, lon, zoom = (float(params[k]) for k in ("lat", "lon", "z"))
    except (KeyError, ValueError):
        notices.append(_notice("notice.extent"))
        return {}
    xmin, ymin, xmax, ymax = settings.EXTENT
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        notices.append(_notice("notice.extent"))
    elif not (ymin <= lat <= ymax and xmin <= lon <= xmax and 10 <= zoom <= 19):
        notices.append(_notice("notice.extent_outside"))
    else:
        return {"center": (lat, lon), "zoom": zoom}
    return {}


def _flags(params: Mapping[str, str], notices: list[Notice]) -> dict[str, object]:
    updates: dict[str, object] = {}
    presenter = params.get("presenter")
    if presenter is not None:
        if presenter in ("1", "true", "0", "false"):
            updates["presenter"] = presenter in ("1", "true")
        else:
            notices.append(_notice("notice.presenter", value=_show(presenter)))
    lang = params.get("lang")
    if lang is not None:
        if lang in LANGUAGES:
            updates["lang"] = lang
        else:
            notices.append(_notice("notice.lang", value=_show(lang)))
    return updates


def time_label(view: ViewState, lang: str = "zh") -> tuple[str, str]:
    """The time the map shows, said as the report can support it: (label, short note).

    A 2021 view is the report's *targets*; an "as of" year inside the 2016–2020 review is not a
    year the report gives, so the label says "by the end of" the year, and the note says that
    2016–2020 progress carries no single year.

    >>> time_label(ViewState(mode="as_of", as_of=2021))[0]
    '2021年目标'
    """
    if view.mode == "as_of":
        if view.as_of >= settings.LAST_YEAR:
            return t("time.label.target", lang, year=view.as_of), t("time.note.target", lang)
        return t("time.label.as_of", lang, year=view.as_of), t("time.note.as_of", lang)
    if view.mode == "period":
        first, last = view.years
        span = str(first) if first == last else f"{first}–{last}"
        return t("time.label.period", lang, span=span), t("time.note.period", lang)
    return t("time.label.current", lang), t("time.note.current", lang)
