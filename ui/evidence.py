"""The "位置依据 Location evidence" part of the project detail: why a project is where it is.

A pure function of a feature row: the references it stands on (name, kind, source, date),
each relation measured in true metres, and the audit's verdict; or the reason it is
unverified. Every string from the data is escaped.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from geo import settings
from geo.audit import FeatureAudit, audit_projects
from geo.errors import ProjectDataError
from geo.evidence import LIMITS_M, REFERENCES_PATH, Reference, load_references, localised
from geo.html import escape_html as esc
from i18n import t

_VERDICT_COLOURS = {"ok": "#1a7f37", "doubtful": "#9a6700", "wrong": "#cf222e"}


def evidence_html(
    row: Mapping[str, Any],
    lang: str = "both",
    *,
    references: Mapping[str, Reference] | None = None,
) -> str:
    """HTML for one feature's location evidence ("" for schematic features).

    Parameters
    ----------
    row
        The feature's properties and ``geometry`` (WGS84), e.g. ``gdf.iloc[i].to_dict()``.
    lang
        "zh", "en" or "both".
    references
        The catalogue; default: the bundled one (an unreadable one is shown as missing).
    """
    if row.get("location_precision") not in LIMITS_M:
        return ""
    refs = _bundled_references() if references is None else references
    evidence = row.get("location_evidence")
    evidence = evidence if isinstance(evidence, Mapping) else {}
    audit = _audit(row, refs)
    items = [_link_html(link, refs, audit, lang) for link in evidence.get("references", [])]
    reason = localised(evidence, "unverified", lang)
    if not reason and audit is not None and audit.verdict == "unverified":
        reason = t("audit.reason.circular" if evidence else "audit.reason.none", lang)
    if reason:
        items.append(f"<li>{esc(t('evidence.unverified', lang))}: {esc(reason)}</li>")
    if not items:
        items.append(f"<li>{esc(t('evidence.none', lang))}</li>")
    verdict = ""
    if audit is not None:
        colour = _VERDICT_COLOURS.get(audit.verdict, "#555")
        label = t(f"audit.verdict.{audit.verdict}", lang)
        verdict = f' · <b style="color:{colour}">{esc(label)}</b>'
    return (
        f'<div data-testid="location-evidence"><b>{esc(t("evidence.title", lang))}</b>{verdict}'
        f'<ul style="margin:2px 0 8px 0;font-size:0.85rem">{"".join(items)}</ul></div>'
    )


def _link_html(link: Mapping[str, Any], refs, audit: FeatureAudit | None, lang: str) -> str:
    ids = link.get("ref") if isinstance(link.get("ref"), list) else [link.get("ref")]
    relation = t(f"evidence.relation.{link.get('relation')}", lang)
    names = " / ".join(_reference_text(refs.get(i), i, lang) for i in ids)
    check = _measured(audit, ids, link.get("relation"))
    drawn = "" if link.get("independent", True) else " " + esc(t("evidence.drawn_from", lang))
    text = localised(link, "note", lang)
    note = f"<br><small>{esc(text)}</small>" if text else ""
    return f"<li>{esc(relation)} {names}{check}{drawn}{note}</li>"


def _reference_text(ref: Reference | None, ref_id: str, lang: str) -> str:
    if ref is None:
        return esc(ref_id)
    name = ref.name_en if lang == "en" else ref.name_zh
    kind = t(f"evidence.kind.{ref.kind}", lang)
    source = ref.source
    title = esc(source.get("title", ""))
    url = source.get("url", "")
    if url.startswith(("https://", "http://")):
        title = f'<a href="{esc(url)}" target="_blank" rel="noopener">{title}</a>'
    published = f"{t('evidence.published', lang)} {ref.crs}"
    return (
        f"<b>{esc(name)}</b> <small>({esc(kind)}; {esc(published)}; "
        f"{esc(t('evidence.source', lang))}: {title}, {esc(source.get('date', ''))})</small>"
    )


def _measured(audit: FeatureAudit | None, ids: list[str], relation: str | None) -> str:
    if audit is None:
        return ""
    for check in audit.checks:
        if list(check.refs) == ids and check.relation == relation:
            mark = "✓" if check.holds else "✗"
            return f" — {check.metres:.0f} m {mark}"
    return ""


def _audit(row: Mapping[str, Any], refs) -> FeatureAudit | None:
    geometry = row.get("geometry")
    if geometry is None or geometry.is_empty:
        return None
    frame = gpd.GeoDataFrame(
        [{"id": row.get("id"), "name_zh": row.get("name_zh"), **_props(row)}],
        geometry=[geometry],
        crs=settings.STORAGE_CRS,
    )
    result = audit_projects(frame, refs)
    return result.features[0] if result.features else None


def _props(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "location_precision": row.get("location_precision"),
        "location_evidence": row.get("location_evidence"),
    }


def _bundled_references() -> Mapping[str, Reference]:
    try:
        mtime = os.stat(REFERENCES_PATH).st_mtime_ns
    except OSError:
        return {}
    return _cached_references(str(REFERENCES_PATH), mtime)


@functools.lru_cache(maxsize=2)
def _cached_references(path: str, mtime_ns: int) -> Mapping[str, Reference]:
    try:
        return load_references(path)
    except ProjectDataError:
        return {}
