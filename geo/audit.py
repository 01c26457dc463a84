"""The position audit: is every exact or approximate feature where its references put it?

``python -m geo audit [PATH]`` measures, for every feature whose position claims to be exact
or approximate, the distance in true metres (EPSG:4549) to each of its references, checks
each relation, and gives a verdict:

- ``wrong``: a relation fails (an ``at`` reference farther than 50 m for an exact feature,
  250 m for an approximate one; a feature on the wrong side of a street ...);
- ``unverified``: no independent reference holds it (none, only the point it was drawn
  from, or an explicit ``unverified`` reason);
- ``doubtful``: every relation holds, but only just (beyond 80 % of the limit), or only
  side-of relations (north of a street ...) bound the feature;
- ``ok``: every relation holds, with at least one independent reference.

The exit status is 1 when any feature is ``wrong``, an ``exact`` feature is unverified, or
the evidence names an unknown reference, so the audit can gate a data change.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import ProjectDataError
from geo.evidence import LIMITS_M, Reference, load_references
from i18n import t

VERDICTS: Final = ("ok", "doubtful", "wrong", "unverified")
#: Share of the limit beyond which a holding ``at`` relation is only "doubtful".
NEAR_LIMIT: Final = 0.8
_TO_METRIC = Transformer.from_crs(settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)
_SIDES: Final = {"north_of": (1, 1), "south_of": (1, -1), "east_of": (0, 1), "west_of": (0, -1)}


@dataclass(frozen=True)
class Check:
    """One relation of one feature to its reference(s), measured."""

    refs: tuple[str, ...]
    relation: str
    independent: bool
    #: Distance (at / along / between) or margin on the right side (north_of ...), metres.
    metres: float
    holds: bool


@dataclass(frozen=True)
class FeatureAudit:
    """The verdict on one feature and the checks behind it."""

    id: str
    name_zh: str
    precision: str
    verdict: str
    checks: tuple[Check, ...] = ()
    reason: str = ""


@dataclass
class AuditResult:
    """Every audited feature, and problems that stop the audit from judging some."""

    features: list[FeatureAudit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Features per verdict, in :data:`VERDICTS` order."""
        return {v: sum(f.verdict == v for f in self.features) for v in VERDICTS}

    def unverified_exact(self) -> list[str]:
        """Ids of features that claim to be exact with no independent reference."""
        return [f.id for f in self.features if f.precision == "exact" and f.verdict == "unverified"]

    @property
    def passed(self) -> bool:
        """True when no feature is wrong, none is exact but unverified, all evidence read."""
        wrong = self.counts()["wrong"]
        return not self.problems and not wrong and not self.unverified_exact()


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """A WGS84 geometry in true metres (EPSG:4549)."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_METRIC.transform(*xy.T)))


def audit_projects(gdf: gpd.GeoDataFrame, references: Mapping[str, Reference]) -> AuditResult:
    """Audit every exact or approximate feature of ``gdf`` against ``references``."""
    result = AuditResult()
    metric_refs = {key: to_metric(ref.geometry) for key, ref in references.items()}
    for row in gdf.itertuples(index=False):
        if row.location_precision not in LIMITS_M:
            continue
        evidence = getattr(row, "location_evidence", None)
        evidence = evidence if isinstance(evidence, Mapping) else {}
        unknown = [r for link in evidence.get("references", []) for r in _ids(link)]
        unknown = [r for r in unknown if r not in metric_refs]
        if unknown:
            result.problems.append(
                f"feature '{row.id}': unknown reference {', '.join(unknown)}; "
                "add it to data/references.geojson or fix the id"
            )
            continue
        result.features.append(_audit_feature(row, evidence, metric_refs))
    return result


def _audit_feature(row: Any, evidence: Mapping[str, Any], refs) -> FeatureAudit:
    limit = LIMITS_M[row.location_precision]
    geom = to_metric(row.geometry)
    checks = tuple(_check(geom, link, refs, limit) for link in evidence.get("references", []))
    independent = [c for c in checks if c.independent]
    reason = evidence.get("unverified") or ("" if evidence else t("audit.reason.none", "en"))
    if any(not c.holds for c in checks):
        verdict = "wrong"
    elif reason or not independent:
        verdict = "unverified"
        reason = reason or t("audit.reason.circular", "en")
    elif _doubtful(independent, row.location_precision, limit):
        verdict = "doubtful"
    else:
        verdict = "ok"
    return FeatureAudit(row.id, row.name_zh, row.location_precision, verdict, checks, reason)


def _doubtful(checks: list[Check], precision: str, limit: float) -> bool:
    distances = [c for c in checks if c.relation in ("at", "along", "between")]
    if not distances:  # sides alone bound a feature loosely
        return True
    return any(c.metres > NEAR_LIMIT * limit for c in distances)


def _ids(link: Mapping[str, Any]) -> tuple[str, ...]:
    ref = link.get("ref")
    return tuple(ref) if isinstance(ref, list) else (ref,)


def _check(geom: BaseGeometry, link: Mapping[str, Any], refs, limit: float) -> Check:
    ids = _ids(link)
    relation = link["relation"]
    independent = link.get("independent", True)
    if relation == "at":
        metres = geom.distance(refs[ids[0]])
        holds = metres <= limit
    elif relation == "along":
        metres = max(Point(c).distance(refs[ids[0]]) for c in _coords(geom))
        holds = metres <= limit
    elif relation == "between":
        metres, holds = _between(geom, refs[ids[0]], refs[ids[1]], limit)
    else:
        metres = _side_margin(geom, refs[ids[0]], relation)
        holds = metres >= 0
    return Check(ids, relation, independent, round(float(metres), 1), bool(holds))


def _between(geom, a, b, limit: float) -> tuple[float, bool]:
    """Distance from the feature to the segment a-b, and whether it projects inside it."""
    segment = LineString([a.centroid, b.centroid])
    centre = geom.centroid
    along = segment.project(centre, normalized=True)
    metres = centre.distance(segment)
    return metres, 0 < along < 1 and metres <= limit


def _side_margin(geom: BaseGeometry, ref: BaseGeometry, relation: str) -> float:
    """Metres by which the whole feature lies on the named side of ``ref`` (negative: not)."""
    axis, sign = _SIDES[relation]
    margins = []
    for coord in _coords(geom):
        level = _level(ref, coord, axis)
        if level is not None:
            margins.append(sign * (coord[axis] - level))
    if not margins:  # a line that does not reach across the feature: its far end counts
        level = _far(ref, axis, sign)
        margins = [sign * (c[axis] - level) for c in _coords(geom)]
    return min(margins)


def _level(ref: BaseGeometry, coord, axis: int) -> float | None:
    """The reference's y (axis 1) at the coordinate's x, or x (axis 0) at its y."""
    if ref.geom_type == "Point":
        return ref.coords[0][axis]
    other = 1 - axis
    value = coord[other]
    big = 1e7
    probe = (
        LineString([(value, -big), (value, big)])
        if other == 0
        else LineString([(-big, value), (big, value)])
    )
    crossing = ref.intersection(probe)
    if crossing.is_empty:
        return None
    points = [c[axis] for c in _coords(crossing)]
    return sum(points) / len(points)


def _far(ref: BaseGeometry, axis: int, sign: int) -> float:
    values = [c[axis] for c in _coords(ref)]
    return max(values) if sign > 0 else min(values)


def _coords(geom: BaseGeometry) -> list[tuple[float, float]]:
    return [tuple(c) for c in shapely.get_coordinates(geom)]


# Report ---------------------------------------------------------------------------------------
def format_report(result: AuditResult, lang: str = "en") -> str:
    """The audit as a plain-text table: one line per feature, then the counts."""
    lines = [
        f"{'id':48} {'precision':11} {'verdict':10} " + t("audit.col.evidence", lang),
    ]
    for item in result.features:
        evidence = "; ".join(_check_text(c, lang) for c in item.checks)
        if item.reason:
            evidence = f"{evidence}; " if evidence else ""
            evidence += t("audit.unverified_because", lang, reason=item.reason)
        verdict = t(f"audit.verdict.{item.verdict}", lang)
        lines.append(f"{item.id:48} {item.precision:11} {verdict:10} {evidence}")
    counts = result.counts()
    total = len(result.features)
    lines.append("")
    lines.append(
        t("audit.summary", lang, total=total)
        + ", ".join(f"{t(f'audit.verdict.{v}', lang)} {counts[v]}" for v in VERDICTS)
    )
    lines += result.problems
    lines += [t("audit.exact_unverified", lang, id=key) for key in result.unverified_exact()]
    return "\n".join(lines)


def _check_text(check: Check, lang: str) -> str:
    mark = "✓" if check.holds else "✗"
    tag = "" if check.independent else " " + t("audit.drawn_from", lang)
    relation = t(f"evidence.relation.{check.relation}", lang)
    return f"{relation} {'+'.join(check.refs)} {check.metres:.0f} m {mark}{tag}"


# Command line ---------------------------------------------------------------------------------
def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``audit`` to the ``python -m geo`` command line."""
    audit = commands.add_parser(
        "audit",
        help="check every exact/approximate position against the reference catalogue",
        description=__doc__.splitlines()[0],
    )
    audit.add_argument(
        "path",
        nargs="?",
        help=f"projects GeoJSON (default: ${settings.DATA_PATH_ENV} or data/projects.geojson)",
    )
    audit.add_argument("--references", help="reference catalogue (default: bundled)")
    audit.add_argument("--lang", choices=("en", "zh", "both"), default="en")
    audit.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the audit from the command line; 0 when nothing is wrong, else 1."""
    # geo.load imports geo.evidence, not this module; the store (file or PostGIS) reads it.
    from geo.store import load_current_projects

    try:
        gdf = load_current_projects(args.path)
        references = load_references(args.references)
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    result = audit_projects(gdf, references)
    print(format_report(result, args.lang))
    return 0 if result.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for tests: ``main(["path"])``."""
    parser = argparse.ArgumentParser(prog="python -m geo")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["audit", *(argv or [])])
    return args.run(args)
