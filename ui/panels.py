"""HTML panels beside the map: counts, project detail, district-wide figures, unlocated projects.

Every data string is escaped; every other string comes from the catalogue (``i18n.page``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.filter import ProjectFilter
from geo.html import escape_html as esc
from geo.load import read_report_text
from geo.targets import amount
from geo.timeline import explain_status, figure_time, figure_what, milestone_span
from geo.view import ViewState, time_label
from i18n import t
from layers import LAYERS, STATUS_STYLES
from layers.symbols import symbol_for
from ui.evidence import evidence_html

_CHIP = (
    '<span style="display:inline-block;margin:0 6px 2px 0;padding:1px 9px;border-radius:11px;'
    'background:#f0f2f6;font-size:0.85rem">'
)


def counts_html(
    gdf: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, visible: tuple[str, ...], lang: str = "zh"
) -> str:
    """'X of Y projects shown', in all and per layer."""
    totals = gdf["layer"].value_counts()
    counts = shown["layer"].value_counts()
    chips = [f"{_CHIP}{esc(t('counts.shown', lang, shown=len(shown), total=len(gdf)))}</span>"]
    for layer_id in LAYERS:
        shown_n = int(counts.get(layer_id, 0)) if layer_id in visible else 0
        hidden = "" if layer_id in visible else f" · {t('counts.hidden', lang)}"
        chips.append(
            f"{_CHIP}{esc(t('layer.' + layer_id, lang))} <b>{shown_n}</b> / "
            f"{int(totals.get(layer_id, 0))}{esc(hidden)}</span>"
        )
    return f'<div data-testid="project-counts">{"".join(chips)}</div>'


def _name(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """The project's name in ``lang`` and, under it, the other language's (or nothing)."""
    if lang == "en":
        return str(row["name_en"]), ""
    if lang == "both":
        return str(row["name_zh"]), str(row["name_en"])
    return str(row["name_zh"]), ""


def _status_span(status: str | None, lang: str) -> str:
    if status is None:
        return esc(t("status.none", lang))
    style = STATUS_STYLES[status]
    return f'<b style="color:{style.color}">{esc(t("status." + status, lang))}</b>'


def detail_html(row: Mapping[str, Any], *, view: ViewState | None = None, lang: str = "zh") -> str:
    """Everything the report says of one project, and which status the map shows and why."""
    view = view or ViewState(lang=lang)
    name, other = _name(row, lang)
    symbol = symbol_for(row["layer"], row["status"], precision=row["location_precision"])
    parts = [
        f'<h3 style="margin:0;font-size:1.15rem">{symbol.marker_svg(16)} {esc(name)}</h3>',
        f'<div style="color:#555">{esc(other)}</div>' if other else "",
        f"<p style='margin:.2rem 0'>{esc(t('layer.' + row['layer'], lang))}<br>",
        f"{esc(t('detail.current', lang))}: {_status_span(row['status'], lang)}<br>",
        _why_html(row, view, lang),
        "</p>",
        _milestones_html(row["milestones"], lang),
        _figures_html(row["figures"], lang),
        _place_html(row, lang),
        evidence_html(row, lang),
    ]
    source = row["source"]
    parts.append(
        f"<p><b>{esc(t('detail.source', lang))}</b>: {esc(source['document'])}<br>"
        f'<q style="color:#333">{esc(source["quote"])}</q></p>'
    )
    return f'<div data-testid="project-detail" style="font-size:0.9rem">{"".join(parts)}</div>'


def _why_html(row: Mapping[str, Any], view: ViewState, lang: str) -> str:
    """Which status applies in the time the map shows, and which milestone says so."""
    as_of = view.as_of if view.mode == "as_of" else None
    reason = explain_status(row["milestones"], as_of=as_of)
    label, _ = time_label(view, lang)
    span = ""
    if reason.milestone is not None:
        span = _span_text(reason.milestone, lang)
    why = t(f"why.{reason.why}", lang, span=span, year=as_of or settings.LAST_YEAR)
    return (
        f'<span data-testid="status-why">{esc(label)}: {_status_span(reason.status, lang)}'
        f"<br><small>{esc(why)}</small></span>"
    )


def _span_text(milestone: Mapping[str, Any], lang: str) -> str:
    first, last = milestone_span(milestone)
    if first == last:
        return t("span.year", lang, year=first)
    return t("span.period", lang, first=first, last=last)


def _milestones_html(milestones: list[Mapping[str, Any]], lang: str) -> str:
    rows = []
    for m in milestones:
        kind = t("milestone.target" if m.get("kind") == "target" else "milestone.reported", lang)
        style = STATUS_STYLES[m["status"]]
        rows.append(
            f"<tr><td>{esc(_span_text(m, lang))}</td><td>{esc(kind)}</td>"
            f'<td style="color:{style.color}">{esc(t("status." + m["status"], lang))}</td>'
            f"<td>{esc(m['note_zh'])}<br><small><q>{esc(m['quote'])}</q></small></td></tr>"
        )
    head = "".join(
        f"<th>{esc(t(k, lang))}</th>"
        for k in ("milestone.when", "milestone.kind", "milestone.status", "milestone.note")
    )
    return (
        f"<b>{esc(t('detail.milestones', lang))}</b>"
        '<table style="font-size:0.82rem;border-collapse:collapse">'
        f"<tr>{head}</tr>{''.join(rows)}</table>"
    )


def _figure_label(figure: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return str(figure.get("label_en") or figure["label_zh"])
    return str(figure["label_zh"])


def _figures_html(figures: list[Mapping[str, Any]], lang: str) -> str:
    if not figures:
        return ""
    items = "".join(
        f"<li>{esc(_figure_label(f, lang))}: <b>{esc(_number(f['value']))}</b> "
        f"{esc(f['unit'])}<br><small><q>{esc(f['quote'])}</q></small></li>"
        for f in figures
    )
    return f"<b>{esc(t('detail.figures', lang))}</b><ul>{items}</ul>"


def location_note(row: Mapping[str, Any], lang: str) -> str:
    """The location note in ``lang``: Chinese (``location_note_zh``) unless English is asked."""
    zh = row.get("location_note_zh")
    zh = zh if isinstance(zh, str) and zh.strip() else None
    if lang == "en" or zh is None:
        return str(row["location_note"])
    if lang == "both":
        return f"{zh} / {row['location_note']}"
    return zh


def _place_html(row: Mapping[str, Any], lang: str) -> str:
    precision = t(f"precision.{row['location_precision']}", lang)
    measure = ""
    area, length = row.get("area_m2"), row.get("length_m")
    if row["location_precision"] != "schematic":
        if area is not None and pd.notna(area):
            measure = "<br>" + esc(t("detail.area", lang, ha=f"{area / 10_000:,.2f}"))
        elif length is not None and pd.notna(length):
            measure = "<br>" + esc(t("detail.length", lang, km=f"{length / 1000:,.2f}"))
    return (
        f"<p><b>{esc(t('detail.location', lang))}</b>: {esc(precision)}{measure}<br>"
        f'<small style="color:#555">{esc(location_note(row, lang))}</small></p>'
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def figures_html(
    totals: gpd.GeoDataFrame, lang: str = "zh", view: ProjectFilter | None = None
) -> str:
    """District-wide totals as figures beside the map: value, unit, period, the report's words.

    They are not sites, so they are never drawn at a spot on the map. With ``view``, only the
    figures of its time: a 2016–2020 view does not list a 2021 target.
    """
    if not len(totals):
        return ""
    cards = []
    report = read_report_text()
    for row in totals.to_dict("records"):
        name, _ = _name(row, lang)
        for figure in row["figures"]:
            time = figure_time(row["milestones"], figure, settings.LAST_YEAR, report)
            if view is not None and not time.in_view(years=view.years, as_of=view.as_of):
                continue
            # Chinese: the number large, its counting word small; English: the amount as
            # English writes it ("10 km"; no "个" after a count whose label names the thing).
            big, small = (
                (amount(figure["value"], figure["unit"], "en"), "")
                if lang == "en"
                else (_number(figure["value"]), figure["unit"])
            )
            cards.append(
                '<div style="border-left:4px solid #888;padding:2px 8px;margin:4px 0;'
                'background:#f7f7f5">'
                f'<div style="font-size:1.25rem;font-weight:700">{esc(big)}'
                f' <span style="font-size:.85rem;font-weight:400">{esc(small)}</span>'
                f"</div><div style='font-size:.82rem'>{esc(figure_what(figure, lang))}"
                f" · <b>{esc(time.label(lang))}</b></div>"
                f'<div style="font-size:.75rem;color:#555"><q>{esc(figure["quote"])}</q></div>'
                "</div>"
            )
        if not row["figures"]:
            cards.append(f"<div>{esc(name)}</div>")
    if not cards:
        return ""
    return (
        f'<div data-testid="district-figures"><b>{esc(t("figures.title", lang))}</b>'
        f'<div style="font-size:.75rem;color:#555">{esc(t("figures.note", lang))}</div>'
        f"{''.join(cards)}</div>"
    )


def unlocated_html(unlocated: gpd.GeoDataFrame, lang: str = "zh") -> str:
    """Projects the report names without a site: listed, never placed at an invented spot."""
    if not len(unlocated):
        return ""
    items = []
    for row in unlocated.to_dict("records"):
        name, _ = _name(row, lang)
        style = STATUS_STYLES[row["status"]]
        status = t(f"status.{row['status']}", lang)
        if row.get("status_is_target"):
            status = t("tip.target", lang, status=status)
        items.append(
            f'<li>{esc(name)} · <span style="color:{style.color}">{esc(status)}</span></li>'
        )
    return (
        f'<div data-testid="unlocated"><b>{esc(t("unlocated.title", lang))}</b>'
        f'<div style="font-size:.75rem;color:#555">{esc(t("unlocated.note", lang))}</div>'
        f'<ul style="font-size:.85rem;margin:0">{"".join(items)}</ul></div>'
    )


def about_html(gdf: gpd.GeoDataFrame, lang: str = "zh") -> str:
    """Where the data came from, for the sidebar footer."""
    precision = gdf["location_precision"].value_counts()
    counts = " · ".join(
        f"{esc(t('precision.' + p, lang))} {int(precision.get(p, 0))}"
        for p in ("exact", "approximate", "schematic")
    )
    report = settings.REPORT_TITLE if lang != "en" else settings.REPORT_TITLE_EN
    return (
        f'<div style="font-size:0.8rem;color:#555">{esc(t("about.source", lang))}: '
        f"{esc(report)} ({esc(settings.REPORT_DATE)})<br>"
        f"{esc(t('about.count', lang, count=len(gdf)))} · {counts}<br>"
        f"{esc(t('about.crs', lang))}</div>"
    )
