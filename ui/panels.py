"""HTML panels beside the map: shown counts and the project detail. Every data string is escaped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.html import escape_html as esc
from layers import LAYERS, STATUS_STYLES
from layers.palette import PRECISION_LABELS
from ui.evidence import evidence_html

_CHIP = (
    '<span style="display:inline-block;margin:0 6px 4px 0;padding:2px 9px;border-radius:11px;'
    'background:#f0f2f6;font-size:0.9rem">'
)


def counts_html(gdf: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, visible: tuple[str, ...]) -> str:
    """'X of Y projects shown', in all and per layer."""
    totals = gdf["layer"].value_counts()
    counts = shown["layer"].value_counts()
    chips = [
        f"{_CHIP}<b>{len(shown)}</b> / {len(gdf)} 个项目显示 projects shown</span>",
    ]
    for layer_id, spec in LAYERS.items():
        shown_n = int(counts.get(layer_id, 0)) if layer_id in visible else 0
        hidden = "" if layer_id in visible else " · 已隐藏 hidden"
        chips.append(
            f"{_CHIP}{esc(spec.label_zh)} <b>{shown_n}</b> / {int(totals.get(layer_id, 0))}"
            f"{hidden}</span>"
        )
    return f'<div data-testid="project-counts">{"".join(chips)}</div>'


def detail_html(row: Mapping[str, Any], *, shown_status: str | None = None) -> str:
    """Everything the report says of one project: status, milestones, figures, source, place."""
    spec = LAYERS[row["layer"]]
    status = STATUS_STYLES[row["status"]]
    parts = [
        f'<h3 style="margin:0">{esc(row["name_zh"])}</h3>',
        f'<div style="color:#555">{esc(row["name_en"])}</div>',
        f"<p>{esc(spec.label_zh)} · {esc(spec.label_en)}<br>",
        f'当前状态 Status (2021-01): <b style="color:{status.color}">'
        f"{esc(status.label_zh)} {esc(status.label_en)}</b>",
    ]
    if shown_status and shown_status != row["status"]:
        other = STATUS_STYLES[shown_status]
        parts.append(f"<br>所选年份 In the chosen year: <b>{esc(other.label_zh)}</b>")
    parts.append("</p>")
    parts.append(_milestones_html(row["milestones"]))
    parts.append(_figures_html(row["figures"]))
    parts.append(_place_html(row))
    parts.append(evidence_html(row, "both"))
    source = row["source"]
    parts.append(
        f"<p><b>来源 Source</b>: {esc(source['document'])}<br>"
        f'<q style="color:#333">{esc(source["quote"])}</q></p>'
    )
    return f'<div data-testid="project-detail" style="font-size:0.92rem">{"".join(parts)}</div>'


def _milestones_html(milestones: list[Mapping[str, Any]]) -> str:
    rows = []
    for m in milestones:
        years = f"{m['year']}–{m['year_end']}" if m.get("year_end") else str(m["year"])
        kind = "目标 target" if m.get("kind") == "target" else "已完成 reported"
        style = STATUS_STYLES[m["status"]]
        rows.append(
            f"<tr><td>{esc(years)}</td><td>{esc(kind)}</td>"
            f'<td style="color:{style.color}">{esc(style.label_zh)}</td>'
            f"<td>{esc(m['note_zh'])}<br><small><q>{esc(m['quote'])}</q></small></td></tr>"
        )
    return (
        "<b>进展 Milestones</b>"
        '<table style="font-size:0.85rem;border-collapse:collapse">'
        "<tr><th>年份</th><th>类型</th><th>状态</th><th>说明（报告原文）</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _figures_html(figures: list[Mapping[str, Any]]) -> str:
    if not figures:
        return ""
    items = "".join(
        f"<li>{esc(f['label_zh'])} {esc(f['label_en'])}: <b>{esc(_number(f['value']))}</b> "
        f"{esc(f['unit'])}<br><small><q>{esc(f['quote'])}</q></small></li>"
        for f in figures
    )
    return f"<b>数据 Figures</b><ul>{items}</ul>"


def _place_html(row: Mapping[str, Any]) -> str:
    precision_zh, precision_en = PRECISION_LABELS[row["location_precision"]]
    measure = ""
    area, length = row.get("area_m2"), row.get("length_m")
    if row["location_precision"] != "schematic":
        if area is not None and pd.notna(area):
            measure = f"<br>图上面积 Drawn area: {area / 10_000:,.2f} 公顷 ha"
        elif length is not None and pd.notna(length):
            measure = f"<br>图上长度 Drawn length: {length / 1000:,.2f} km"
    return (
        f"<p><b>位置 Location</b>: {esc(precision_zh)} · {esc(precision_en)}{measure}<br>"
        f'<small style="color:#555">{esc(row["location_note"])}</small></p>'
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def about_html(gdf: gpd.GeoDataFrame) -> str:
    """Where the data came from, for the sidebar footer."""
    precision = gdf["location_precision"].value_counts()
    counts = " · ".join(
        f"{esc(PRECISION_LABELS[p][0])} {int(precision.get(p, 0))}" for p in PRECISION_LABELS
    )
    return (
        f'<div style="font-size:0.8rem;color:#555">数据来源 Source: {esc(settings.REPORT_TITLE)}'
        f" ({esc(settings.REPORT_DATE)})<br>{len(gdf)} 个项目 projects · {counts}<br>"
        "坐标 WGS84 (EPSG:4326); 量算 EPSG:4549</div>"
    )
