"""Title and caption of a snapshot: the filters in words, counts, sources and the map
furniture line (审图号 or 内部用图, 制图单位, 制图日期, 1:n).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

import geopandas as gpd
from matplotlib.figure import Figure

from geo import schema, settings
from geo.filter import ProjectFilter
from i18n import t
from layers import LAYERS, STATUS_STYLES
from maps.fonts import (
    TEXT_COLOR,
    bold,
    cjk_font,
    text_width_pt,
)
from maps.layout import MAX_CAPTION_LINES, Layout

if TYPE_CHECKING:  # only named in a signature; the snapshot module imports this one
    from maps.snapshot import SnapshotSpec

MUTED_COLOR: Final = "#5a5a5a"


def default_title(view: ProjectFilter, lang: str = "zh") -> str:
    """A title from the filters, e.g. ``市南区西部老城区更新项目 · 2021年目标 · 在建``.

    >>> default_title(ProjectFilter(layers=("renewal",), statuses=("under_construction",),
    ...                             as_of=2021))
    '市南区西部老城区更新项目 · 2021年目标 · 在建'
    >>> default_title(ProjectFilter(layers=("construction",)))
    '市南区重点建设项目 · 2021年1月现状'
    >>> default_title(ProjectFilter(layers=("construction",), years=(2016, 2020)), "en")
    'Shinan District: Key construction projects · 2016–2020'
    """
    if lang == "en":
        return _title_en(view)
    layers = [LAYERS[i].label_zh for i in schema.LAYER_IDS if i in view.layers]
    if len(layers) == len(schema.LAYER_IDS):
        subject = "市南区重点项目与城市更新"
    else:
        named = "、".join(layers)
        subject = f"市南区{named}" + ("" if named.endswith("项目") else "项目")
    parts = [subject, _period_zh(view)]
    if set(view.statuses) != set(schema.STATUSES):
        parts.append(
            "、".join(STATUS_STYLES[s].label_zh for s in schema.STATUSES if s in view.statuses)
        )
    return " · ".join(parts)


def _title_en(view: ProjectFilter) -> str:
    if set(view.layers) == set(schema.LAYER_IDS):
        subject = "Shinan District: key projects and urban renewal"
    else:
        named = ", ".join(LAYERS[i].label_en for i in schema.LAYER_IDS if i in view.layers)
        subject = f"Shinan District: {named}"
    if view.as_of is not None:
        when = (
            f"{view.as_of} targets"
            if view.as_of >= settings.LAST_YEAR
            else f"as of the end of {view.as_of}"
        )
    elif view.years is not None:
        when = _year_span(view.years)
    else:
        when = "status in January 2021"
    parts = [subject, when]
    if set(view.statuses) != set(schema.STATUSES):
        parts.append(
            ", ".join(STATUS_STYLES[s].label_en for s in schema.STATUSES if s in view.statuses)
        )
    return " · ".join(parts)


def describe_filters(view: ProjectFilter, lang: str = "zh") -> str:
    """The filters in one caption line: layers, statuses and years.

    >>> describe_filters(ProjectFilter(years=(2016, 2020)), "en")
    'Layers: all; Statuses: all; Time: projects with progress in 2016–2020'
    """
    names = t("print.filter.list", lang)
    if set(view.layers) == set(schema.LAYER_IDS):
        layers = t("print.filter.all", lang)
    else:
        layers = names.join(_label(LAYERS[i], lang) for i in schema.LAYER_IDS if i in view.layers)
    if set(view.statuses) == set(schema.STATUSES):
        statuses = t("print.filter.all", lang)
    else:
        statuses = names.join(
            _label(STATUS_STYLES[s], lang) for s in schema.STATUSES if s in view.statuses
        )
    if view.as_of is not None:
        # The report gives 2016-2020 as one period: say "by the end of", never "in", a year.
        years = t("print.time.as_of", lang, year=view.as_of)
        if view.as_of >= settings.LAST_YEAR:
            years = t("print.time.target", lang, year=settings.LAST_YEAR)
    elif view.years is not None:
        years = t("print.time.years", lang, years=_year_span(view.years))
    else:
        years = t("print.time.report", lang)
    none = t("print.filter.none", lang)
    return t("print.sep.part", lang).join(
        (
            t("print.filter.layers", lang, layers=layers or none),
            t("print.filter.statuses", lang, statuses=statuses or none),
            t("print.filter.time", lang, time=years),
        )
    )


def _label(spec, lang: str) -> str:
    return spec.label_en if lang == "en" else spec.label_zh


def _period_zh(view: ProjectFilter) -> str:
    if view.as_of is not None:
        if view.as_of >= settings.LAST_YEAR:
            return f"{view.as_of}年目标"
        return f"截至{view.as_of}年底"
    if view.years is not None:
        return f"{_year_span(view.years)}年"
    return "2021年1月现状"


def _year_span(years: tuple[int, int]) -> str:
    first, last = years
    return str(first) if first == last else f"{first}–{last}"


def _fit_size(text: str, size: float, width_pt: float, renderer, *, floor: float = 0.5) -> float:
    """``size``, reduced (down to ``floor`` of it) until ``text`` fits ``width_pt``."""
    width = text_width_pt(text, size, renderer)
    return size if width <= width_pt else max(size * width_pt / width, size * floor)


def draw_title(fig: Figure, layout: Layout, title: str, renderer) -> None:
    width_pt = layout.text_width * fig.get_figwidth() * 72
    size = _fit_size(title, layout.sizes["title"], width_pt, renderer)
    x, y = layout.title_xy
    fig.text(
        x,
        y,
        title,
        fontproperties=cjk_font(size),
        va="center",
        color=TEXT_COLOR,
        path_effects=bold(size),
        parse_math=False,
    )


def caption_paragraphs(
    spec: SnapshotSpec,
    shown: gpd.GeoDataFrame,
    *,
    off_map: tuple[int, int] = (0, 0),
    omitted: int,
    outside: int = 0,
    attribution: str | None,
    numeric_scale: int | None = None,
) -> list[list[str]]:
    """Caption paragraphs as segments: filters and counts; then sources and credits.

    ``shown`` is what the map draws; ``off_map`` counts district totals and unlocated projects,
    which the caption names but the map never places.
    """
    lang = spec.lang
    counts = [t("print.count.on_map", lang, count=len(shown))]
    precision = shown.get("location_precision")
    schematic = int((precision == "schematic").sum()) if precision is not None else 0
    if schematic:
        counts.append(t("print.count.schematic", lang, count=schematic))
    totals, unlocated = off_map
    if totals:
        counts.append(t("print.count.totals", lang, count=totals))
    if unlocated:
        counts.append(t("print.count.unlocated", lang, count=unlocated))
    if outside:
        counts.append(t("print.count.outside", lang, count=outside))
    if omitted:
        counts.append(t("print.count.omitted", lang, count=omitted))
    filters = [*describe_filters(spec.view, lang).split(t("print.sep.part", lang)), tuple(counts)]
    # The counts are one segment of items: split between items only when too long.
    if not spec.furniture:  # sources and furniture in a footer the page shares
        return [filters, [_basemap_credit(lang, attribution)]] if attribution else [filters]
    return [
        filters,
        *credit_paragraphs(
            lang, attribution=attribution, made_on=spec.made_on, numeric_scale=numeric_scale
        ),
    ]


def credit_paragraphs(
    lang: str,
    *,
    attribution: str | None = None,
    made_on: date | None = None,
    numeric_scale: int | None = None,
) -> list[list[str]]:
    """The sources (report, boundaries, basemap, coordinate system) and the furniture line
    (审图号 or 内部用图, 制图单位, 制图日期, 1:n), as caption paragraphs."""
    report = settings.REPORT_TITLE_EN if lang == "en" else settings.REPORT_TITLE
    credits = [
        t("print.credit.data", lang, title=report, date=settings.REPORT_DATE),
        t("print.credit.boundary", lang),
        _basemap_credit(lang, attribution),
        t("print.crs", lang),
    ]
    furniture = [
        settings.map_approval(lang),
        t("print.maker", lang, maker=settings.map_maker(lang)),
        t("print.made_on", lang, date=(made_on or date.today()).isoformat()),
    ]
    if numeric_scale:
        furniture.append(t("print.scale", lang, n=f"{numeric_scale:,}"))
    # Last, so that the 审图号 / 内部用图 line sits at the bottom left, as is the convention.
    return [credits, furniture]


def _basemap_credit(lang: str, attribution: str | None) -> str:
    if attribution:
        return t("print.credit.basemap", lang, attribution=attribution)
    return t("print.credit.offline", lang)


def _wrap(
    segments: Sequence[str | tuple[str, ...]],
    sep: str,
    size: float,
    width_pt: float,
    renderer,
    item_sep: str,
) -> list[str]:
    """Segments joined by ``sep`` into as few lines as fit ``width_pt``; a tuple segment is
    items joined by ``item_sep``, broken between items when it is wider than a line."""
    lines: list[str] = []

    def add(piece: str, joiner: str) -> None:
        candidate = f"{lines[-1]}{joiner}{piece}" if lines else piece
        if lines and text_width_pt(candidate, size, renderer) <= width_pt:
            lines[-1] = candidate
            return
        if lines and joiner == item_sep:
            lines[-1] += item_sep.rstrip()
        lines.append(piece)

    for segment in segments:
        if not isinstance(segment, tuple):
            add(segment, sep)
            continue
        whole = item_sep.join(segment)
        if len(segment) < 2 or text_width_pt(whole, size, renderer) <= width_pt:
            add(whole, sep)
            continue
        add(segment[0], sep)
        for item in segment[1:]:
            add(item, item_sep)
    return lines


#: The caption shrinks to this share of its type size before it takes another line.
CAPTION_MIN_SHARE: Final = 0.8


def _wrapped(paragraphs, size: float, width_pt: float, renderer, lang: str) -> list:
    sep, item_sep = t("print.sep.part", lang), t("print.sep.item", lang)
    return [
        (i, line)
        for i, segments in enumerate(paragraphs)
        for line in _wrap(segments, sep if i == 0 else " · ", size, width_pt, renderer, item_sep)
    ]


def caption_lines(fig: Figure, layout: Layout, paragraphs, renderer, lang: str = "zh") -> int:
    """Lines the caption needs at no less than ``CAPTION_MIN_SHARE`` of its type size (at
    most ``MAX_CAPTION_LINES``): the page layout keeps that many."""
    width_pt = layout.text_width * fig.get_figwidth() * 72
    size = layout.sizes["caption"] * CAPTION_MIN_SHARE
    needed = len(_wrapped(paragraphs, size, width_pt, renderer, lang))
    return min(max(needed, 1), MAX_CAPTION_LINES)


def draw_caption(fig: Figure, layout: Layout, paragraphs, renderer, lang: str = "zh") -> None:
    """The caption wrapped into the layout's caption lines, type reduced if need be."""
    width_pt = layout.text_width * fig.get_figwidth() * 72
    size = layout.sizes["caption"]
    for _ in range(8):
        wrapped = _wrapped(paragraphs, size, width_pt, renderer, lang)
        if len(wrapped) <= layout.caption_lines:
            break
        size *= 0.9
    step = size * 1.55 / 72 / fig.get_figheight()
    x = layout.title_xy[0]
    for row, (paragraph, line) in enumerate(wrapped):
        size_fit = _fit_size(line, size, width_pt, renderer)
        fig.text(
            x,
            layout.caption_y - row * step,
            line,
            fontproperties=cjk_font(size_fit),
            va="top",
            color=MUTED_COLOR if paragraph == 1 else TEXT_COLOR,
            parse_math=False,
        )
