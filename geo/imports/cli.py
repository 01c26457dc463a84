"""``python -m geo import PATH --layer LAYER [--crs EPSG:XXXX | --gcj02 | --bd09] ...``.

Prints the plan (added / changed / unchanged / rejected) and writes it through the store unless
``--dry-run``. Exit 0 when every row imports, 1 when a row is rejected (one line per row on
stderr: row, field, value, why) or the file cannot be used, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from geo import settings
from geo.errors import ProjectDataError
from geo.imports.columns import FIELD_NAMES, parse_overrides
from geo.imports.crs import parse_crs
from geo.imports.files import read_source
from geo.imports.message import ImportFailed
from geo.imports.plan import ImportOptions, ImportPlan, plan_import
from geo.load import read_report_text, validate_collection
from geo.schema import LAYER_IDS
from geo.store import GeoJSONFileStore, VersionConflict, open_store
from i18n import t

LANG = "en"


def add_parser(commands) -> None:
    """Add the ``import`` subcommand to ``python -m geo``."""
    cmd = commands.add_parser(
        "import",
        help="import a GIS file (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV, XLSX)",
        description=__doc__.splitlines()[0],
    )
    cmd.add_argument("path", help="the file to import")
    cmd.add_argument("--layer", required=True, help=f"project layer: {', '.join(LAYER_IDS)}")
    cmd.add_argument("--source-layer", dest="source_layer", help="layer of a GeoPackage or KML")
    grid = cmd.add_mutually_exclusive_group()
    grid.add_argument("--crs", help="the file's CRS when it declares none, e.g. EPSG:4549")
    grid.add_argument("--gcj02", action="store_true", help="lon/lat are GCJ-02 (Amap/Gaode)")
    grid.add_argument("--bd09", action="store_true", help="lon/lat are BD-09 (Baidu)")
    cmd.add_argument(
        "--map",
        dest="mapping",
        help=f"FIELD=COLUMN,... overriding guessed columns; fields: {', '.join(FIELD_NAMES)}",
    )
    cmd.add_argument("--dry-run", action="store_true", dest="dry_run", help="print, write nothing")
    cmd.add_argument("--out", help="write the result to this file instead of the data file")
    cmd.add_argument(
        "--skip-rejected",
        action="store_true",
        dest="skip_rejected",
        help="write the rows that import even when some are rejected",
    )
    cmd.add_argument("--who", help="name recorded in the change log (default: login name)")
    cmd.add_argument("--data", help=f"projects file (default: ${settings.DATA_PATH_ENV})")
    cmd.set_defaults(run=run)


def _options(args: argparse.Namespace) -> ImportOptions:
    """Check the options; raise ValueError with the usage message."""
    if args.layer not in LAYER_IDS:
        raise ValueError(
            t("import.usage.layer", LANG, layer=args.layer, layers=", ".join(LAYER_IDS))
        )
    crs = None
    if args.crs:
        try:
            crs = parse_crs(args.crs)
        except ValueError:
            raise ValueError(t("import.crs.bad", LANG, crs=args.crs)) from None
    try:
        overrides = parse_overrides(args.mapping)
    except ValueError as exc:
        raise ValueError(
            t("import.map.bad", LANG, part=str(exc), fields=", ".join(FIELD_NAMES))
        ) from None
    shift = "gcj02" if args.gcj02 else "bd09" if args.bd09 else None
    who = args.who or getpass.getuser()
    return ImportOptions(layer=args.layer, crs=crs, shift=shift, overrides=overrides, who=who)


def run(args: argparse.Namespace) -> int:
    try:
        options = _options(args)
    except ValueError as exc:
        print(f"python -m geo import: error: {exc}", file=sys.stderr)
        return 2
    store = open_store(path=args.data)
    try:
        base = store.load()
        report = read_report_text()
        problems = validate_collection(base.collection, report_text=report)
        if problems:
            raise ProjectDataError(store.label, problems)
        table = read_source(args.path, source_layer=args.source_layer)
        plan = plan_import(table, base.collection, options, report_text=report)
    except ImportFailed as exc:
        print(exc.text(LANG), file=sys.stderr)
        return 1
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    target = args.out or store.label
    print_plan(plan, target)
    for rejection in plan.rejected:
        print(f"{plan.source}: {rejection.text(LANG)}", file=sys.stderr)
    if args.dry_run:
        print(t("import.plan.dry_run", LANG))
    elif plan.rejected and not args.skip_rejected:
        print(t("import.plan.not_written", LANG), file=sys.stderr)
    else:
        status = _write(plan, store, base, args, target)
        if status:
            return status
    return 1 if plan.rejected else 0


def _write(plan: ImportPlan, store, base, args, target: str) -> int:
    if not plan.added and not plan.changed:
        print(t("import.plan.nothing", LANG))
        return 0
    who = args.who or getpass.getuser()
    new = plan.apply(base.collection)
    try:
        if args.out:
            out = GeoJSONFileStore(args.out)
            out.save(new, base=out.load(), who=who, source=plan.source)
        else:
            store.save(new, base=base, who=who, source=plan.source)
    except VersionConflict as exc:
        print(f"{target}: {exc}", file=sys.stderr)
        return 1
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    except OSError as exc:
        print(f"{target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(t("import.plan.written", LANG, path=target))
    return 0


def plan_lines(plan: ImportPlan, target: str, lang: str = LANG) -> list[str]:
    """The plan as text lines: head, notes, column mapping, and one line per row."""
    lines = [
        t(
            "import.plan.head",
            lang,
            file=plan.source,
            target=target,
            layer=plan.layer,
            rows=plan.rows,
        )
    ]
    lines += [f"  {note.text(lang)}" for note in plan.notes]
    pairs = ", ".join(f"{f}={c}" for f, c in plan.mapping.items())
    lines.append("  " + t("import.plan.mapping", lang, pairs=pairs or "-"))
    lines.append(t("import.plan.added", lang, count=len(plan.added)))
    for p in plan.added:
        lines.append(f"  row {p.row}  {p.id}  {p.feature['properties']['name_zh']}")
        lines += [f"    {r.text(lang)}" for r in p.repairs]
    lines.append(t("import.plan.changed", lang, count=len(plan.changed)))
    for p in plan.changed:
        lines.append(f"  row {p.row}  {p.id}  {', '.join(p.fields)}")
        lines += [f"    {r.text(lang)}" for r in p.repairs]
    lines.append(t("import.plan.unchanged", lang, count=len(plan.unchanged)))
    lines.append(t("import.plan.rejected", lang, count=len(plan.rejected)))
    return lines


def print_plan(plan: ImportPlan, target: str) -> None:
    print("\n".join(plan_lines(plan, target)))
