"""The report's own district-wide results and targets, set against what the map holds.

``data/targets.json`` lists every district-wide figure the report gives for the map's themes
(2016–2020 review, 2020, 2021 plan), each with its sentence verbatim. :func:`compare_targets`
counts, for each, the features that stand for it and how many of them have a real place, so
the gap between "报告 33 处" and "图上 0 处有位置" is visible.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geo import schema, settings
from geo.analysis import feature_measures
from geo.errors import Problem, ProjectDataError
from geo.load import read_report_text
from geo.periods import period_label
from geo.timeline import milestone_span
from i18n import STRINGS, t

TARGETS_PATH: Final = settings.DATA_DIR / "targets.json"
KINDS: Final = ("result", "target")
#: How the map can answer a figure: count sites, carry the figure on a symbol, measure
#: polygons (万平方米) or lines (公里), or not at all (investment, floorspace).
MEASURES: Final = ("count", "figure", "area", "length", "none")
#: Milestone kind that stands for each target kind.
MILESTONE_KIND: Final = {"result": "reported", "target": "target"}
LOCATED: Final = ("exact", "approximate")


@dataclass(frozen=True)
class Target:
    """One figure the report states for the whole district."""

    id: str
    year: int
    year_end: int
    kind: str
    layer: str
    label_zh: str
    label_en: str
    value: float
    unit: str
    quote: str
    measure: str = "count"
    at_least: bool = False
    #: Layers whose features may stand for it (default: ``layer``).
    layers: tuple[str, ...] = ()
    #: A feature stands for it only when its Chinese name holds one of these.
    name_contains: tuple[str, ...] = ()
    #: ... and only with a milestone in one of these statuses.
    statuses: tuple[str, ...] = ()

    @property
    def period(self) -> str:
        """``"2016–2020"`` for a period, ``"2021"`` for one year."""
        return period_label(self.year, self.year_end)


def load_targets(path: str | os.PathLike[str] | None = None) -> list[Target]:
    """Read and check ``data/targets.json``; every problem is reported at once.

    Raises
    ------
    ProjectDataError
        Naming the target id, the field, the value and how to fix it.
    """
    path = Path(path) if path else TARGETS_PATH
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectDataError(str(path), [Problem("", "", str(path), "no such file")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fix = f"not valid UTF-8 JSON ({exc}); fix the file"
        raise ProjectDataError(str(path), [Problem("", "", path.name, fix)]) from None
    entries = doc.get("targets") if isinstance(doc, Mapping) else None
    if not isinstance(entries, list):
        fix = 'give an object with "targets": [ ... ]'
        raise ProjectDataError(str(path), [Problem("", "targets", entries, fix)])
    problems: list[Problem] = []
    targets = [
        _target(entry, index, problems, read_report_text()) for index, entry in enumerate(entries)
    ]
    seen: set[str] = set()
    for target in targets:
        if target is not None and target.id in seen:
            problems.append(Problem(target.id, "id", target.id, "ids must be unique"))
        if target is not None:
            seen.add(target.id)
    if problems:
        raise ProjectDataError(str(path), problems)
    return [t for t in targets if t is not None]


def _target(entry: Any, index: int, problems: list[Problem], report: str | None) -> Target | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(f"#{index + 1}", "", entry, "each target must be an object"))
        return None
    label = str(entry.get("id") or f"#{index + 1}")
    before = len(problems)

    def need(ok: bool, field: str, fix: str) -> None:
        if not ok:
            problems.append(Problem(label, field, entry.get(field), fix))

    need(isinstance(entry.get("id"), str) and bool(entry.get("id")), "id", "give a short id")
    need(entry.get("kind") in KINDS, "kind", f"use one of: {', '.join(KINDS)}")
    need(
        entry.get("layer") in schema.LAYER_IDS,
        "layer",
        f"use one of: {', '.join(schema.LAYER_IDS)}",
    )
    need(entry.get("measure", "count") in MEASURES, "measure", f"use one of: {', '.join(MEASURES)}")
    value = entry.get("value")
    need(
        isinstance(value, int | float) and not isinstance(value, bool) and value > 0,
        "value",
        "give a positive number",
    )
    need(
        isinstance(entry.get("unit"), str) and bool(entry.get("unit")),
        "unit",
        "give the report's unit, e.g. 处",
    )
    year, year_end = entry.get("year"), entry.get("year_end", entry.get("year"))
    lo, hi = schema.YEAR_BOUNDS
    need(isinstance(year, int) and lo <= year <= hi, "year", f"give a year from {lo} to {hi}")
    need(
        isinstance(year_end, int) and isinstance(year, int) and year <= year_end,
        "year_end",
        "give the last year, not before year",
    )
    for field in ("label_zh", "label_en"):
        need(
            isinstance(entry.get(field), str) and bool(entry.get(field)),
            field,
            "give a short label",
        )
    quote = entry.get("quote")
    need(isinstance(quote, str) and bool(quote), "quote", "copy the report's sentence verbatim")
    if report is not None and isinstance(quote, str) and quote:
        need(
            quote in report,
            "quote",
            "not found in the report; copy it verbatim (ASCII commas included)",
        )
    selector = entry.get("map") or {}
    layers = tuple(selector.get("layers") or ())
    bad = [layer for layer in layers if layer not in schema.LAYER_IDS]
    if bad:
        problems.append(Problem(label, "map.layers", bad, f"use: {', '.join(schema.LAYER_IDS)}"))
    statuses = tuple(selector.get("statuses") or ())
    bad = [status for status in statuses if status not in schema.STATUSES]
    if bad:
        problems.append(Problem(label, "map.statuses", bad, f"use: {', '.join(schema.STATUSES)}"))
    if len(problems) > before:
        return None
    return Target(
        id=entry["id"],
        year=year,
        year_end=year_end,
        kind=entry["kind"],
        layer=entry["layer"],
        label_zh=entry["label_zh"],
        label_en=entry["label_en"],
        value=value,
        unit=entry["unit"],
        quote=quote,
        measure=entry.get("measure", "count"),
        at_least=entry.get("qualifier") == "at_least",
        layers=layers or (entry["layer"],),
        name_contains=tuple(selector.get("name_contains") or ()),
        statuses=statuses,
    )


def format_value(value: float, lang: str = "zh") -> str:
    """A figure as the report writes it: ``2.01万`` in Chinese, ``20,100`` in English."""
    if lang != "en" and value >= 10_000:
        return f"{value / 10_000:g}万"
    return f"{value:,.10g}" if lang == "en" else f"{value:g}"


#: English writes these amounts in smaller units: 1.5亿元 is 150 million yuan.
_EN_FACTOR: Final = {"亿元": 100, "万平方米": 10_000}


def amount(value: float, unit: str, lang: str = "zh") -> str:
    """A report figure with its unit, as ``lang`` writes it: ``2.01万个`` / ``20,100``
    (the label names what is counted), ``10公里`` / ``10 km``, ``1.5亿元`` / ``150 million
    yuan``; "both" gives the Chinese."""
    if f"unit.{unit}" not in STRINGS:  # a unit an import brought: shown as the file gives it
        return f"{format_value(value, lang)} {unit}".strip()
    if lang == "en":
        return t(f"unit.{unit}", "en", value=format_value(value * _EN_FACTOR.get(unit, 1), "en"))
    shown = f"{value:g}" if "万" in unit or "亿" in unit else format_value(value, "zh")
    return t(f"unit.{unit}", "zh", value=shown)


def gap_line(row: Any, lang: str = "zh") -> str:
    """One row of :func:`compare_targets` as a sentence:
    ``口袋公园（2016–2020）：报告 33处，图上 0 处有位置、1 个示意``."""
    label = row.label_en if lang == "en" else row.label_zh
    if lang == "both":
        label = f"{row.label_zh} {row.label_en}"
    return t(
        "insight.targets.gap",
        lang,
        label=label,
        period=row.period,
        value=amount(row.value, row.unit, "en" if lang == "en" else "zh"),
        unit=t("insight.targets.at_least", lang) if row.at_least else "",
        located=row.located,
        schematic=row.schematic,
    )


# Comparing with the map ------------------------------------------------------------------------
def standing_for(target: Target, gdf: pd.DataFrame) -> pd.DataFrame:
    """The features that stand for ``target``.

    A "figure" target: the features carrying its sentence as a figure. Otherwise features of
    its layers (and names) with a milestone of its kind (reported for a result, target for a
    target) lying within its period (a 2016–2020 milestone never counts for 2020 alone), in
    one of its statuses.
    """
    columns = ["layer", "name_zh", "milestones", "figures"]
    keep = [_stands_for(target, *values) for values in zip(*(gdf[c] for c in columns), strict=True)]
    return gdf[keep]


def _stands_for(target: Target, layer: str, name: str, milestones, figures) -> bool:
    if target.measure == "figure":
        return any(_same_sentence(target, f) for f in figures)
    if layer not in target.layers:
        return False
    if target.name_contains and not any(word in name for word in target.name_contains):
        return False
    return any(_milestone_counts(target, m) for m in milestones)


def _same_sentence(target: Target, figure: Mapping[str, Any]) -> bool:
    # The data may quote a longer or shorter stretch of the same sentence, but the number
    # must be the same: 4 街区 and 20 社区 share one sentence and are two figures.
    quote = figure.get("quote", "")
    same = target.quote in quote or quote in target.quote
    return same and float(figure.get("value", -1)) == float(target.value)


def _milestone_counts(target: Target, milestone: Mapping[str, Any]) -> bool:
    if milestone.get("kind") != MILESTONE_KIND[target.kind]:
        return False
    if target.statuses and milestone.get("status") not in target.statuses:
        return False
    start, end = milestone_span(milestone)
    return target.year <= start and end <= target.year_end


def compare_targets(targets: Sequence[Target], gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per target: the report's figure beside what the map holds.

    Columns: ``id, period, kind, layer, label_zh, label_en, value, unit, at_least, quote,
    measure, mapped, located, schematic, mapped_value, mapped_ids``. ``located`` counts
    features with a real place (exact or approximate), ``schematic`` the symbols standing for
    a district total or an unplaced project; ``mapped_value`` is what the located features
    measure in the target's unit (area in 万平方米 or length in 公里), None when the figure is
    not an area or a length.
    """
    measures: tuple[pd.Series, pd.Series] | None = None  # measured once, only if needed
    # Plain Python over the records: selecting frames per target costs far more.
    records = list(
        zip(
            gdf["layer"],
            gdf["name_zh"],
            gdf["milestones"],
            gdf["figures"],
            gdf["location_precision"],
            gdf["id"],
            strict=True,
        )
    )
    by_layer: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_layer.setdefault(record[0], []).append(i)
    with_figures = [i for i, record in enumerate(records) if record[3]]
    rows = []
    for target in targets:
        # Only features that could stand for it: of its layers, or carrying figures.
        candidates = (
            with_figures
            if target.measure == "figure"
            else sorted(i for layer in target.layers for i in by_layer.get(layer, []))
        )
        part = [i for i in candidates if _stands_for(target, *records[i][:4])]
        located = [i for i in part if records[i][4] in LOCATED]
        mapped_value = None
        if target.measure in ("area", "length"):
            measures = measures or feature_measures(gdf)
            mapped_value = measured_value(target, measures, located)
        rows.append(
            target_row(
                target,
                mapped=len(part),
                located=len(located),
                schematic=sum(records[i][4] == "schematic" for i in part),
                mapped_value=mapped_value,
                mapped_ids=", ".join(records[i][5] for i in part),
            )
        )
    return pd.DataFrame(rows)


def target_row(
    target: Target,
    *,
    mapped: int,
    located: int,
    schematic: int,
    mapped_value: float | None,
    mapped_ids: str,
) -> dict[str, Any]:
    """One row of :func:`compare_targets` (the DuckDB engine builds the same rows)."""
    return {
        "id": target.id,
        "period": target.period,
        "year": target.year,
        "year_end": target.year_end,
        "kind": target.kind,
        "layer": target.layer,
        "label_zh": target.label_zh,
        "label_en": target.label_en,
        "value": target.value,
        "unit": target.unit,
        "at_least": target.at_least,
        "quote": target.quote,
        "measure": target.measure,
        "mapped": mapped,
        "located": located,
        "schematic": schematic,
        "mapped_value": mapped_value,
        "mapped_ids": mapped_ids,
    }


def measured_value(
    target: Target, measures: tuple[pd.Series, pd.Series], located: list[int]
) -> float:
    areas, lengths = measures
    if target.measure == "area":
        square_metres = float(areas.iloc[located].fillna(0).sum())
        return square_metres / 10_000 if target.unit == "万平方米" else square_metres
    return float(lengths.iloc[located].fillna(0).sum()) / 1000
