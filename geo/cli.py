"""Command line: ``python -m geo validate [PATH]`` and ``python -m geo export --out PATH``.

Bad data never gives a traceback: every problem is printed on its own line and the exit
status is 1. An unknown option value (layer, status, preset, format, years) is one line
naming the valid values, with exit status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo import settings
from geo.errors import ProjectDataError
from geo.filter import ProjectFilter, apply_filter, split_by_placement
from geo.load import load_boundary
from geo.schema import LAYER_IDS, PRECISIONS, STATUSES
from geo.store import load_current_projects
from geo.text import strip_hidden
from maps.caption import default_title
from maps.extent import clamp_extent, data_extent
from maps.formats import DATA_FORMATS, IMAGE_FORMATS
from maps.page import DEFAULT_PRESET, PRESETS, PageSize, custom_page, request_pixels
from maps.snapshot import SnapshotSpec, render_layer_snapshots, render_snapshot


def _validate(args: argparse.Namespace) -> int:
    from geo.db.connect import database_url, describe  # psycopg only when validating

    path = settings.data_path(args.path)
    if args.path is None and database_url():  # the database, when one is configured
        path = describe(database_url())
    try:
        gdf = load_current_projects(args.path)
    except ProjectDataError as exc:
        exc.print_problems()
        count = len(exc.problems)
        print(f"{exc.source}: invalid, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    for layer in LAYER_IDS:
        part = gdf[gdf["layer"] == layer]
        precision = part["location_precision"].value_counts()
        detail = ", ".join(f"{p} {int(precision.get(p, 0))}" for p in PRECISIONS)
        statuses = part["status"].value_counts()
        status_text = ", ".join(f"{s} {n}" for s, n in statuses.items())
        print(f"{layer}: {len(part)} features ({detail}; {status_text})")
    print(f"{path}: valid, {len(gdf)} features")
    return 0


class UsageError(ValueError):
    """A bad option value; the message names the valid ones."""


@dataclass(frozen=True)
class ExportRequest:
    """The ``export`` options, checked."""

    out: Path
    view: ProjectFilter
    fmt: str
    page: PageSize
    per_layer: bool
    title: str | None
    #: "district", "data", or (west, south, east, north) in lon/lat.
    extent: str | tuple[float, float, float, float] = "district"
    #: Language of the legend, figures box and counts: "zh" or "en".
    lang: str = "zh"
    #: Tiles under the map: an id of ``settings.available_basemaps()`` or "none".
    basemap: str = "none"


def _export(args: argparse.Namespace) -> int:
    for problem in settings.settings_problems():
        print(f"python -m geo export: warning: {problem}", file=sys.stderr)
    try:
        request = parse_export(args)
    except UsageError as exc:
        print(f"python -m geo export: error: {exc}", file=sys.stderr)
        return 2
    try:
        gdf = load_current_projects()
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    boundary = load_boundary()
    shown = apply_filter(gdf, request.view)
    try:
        files = _export_files(shown, boundary, request)
        written = _write(request.out, files, folder=request.per_layer and not _is_zip(request.out))
    except OSError as exc:
        print(
            f"python -m geo export: cannot write {request.out}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    for path in written:
        print(path)
    print(
        f"{len(shown)} features, {len(written)} file{'s' if len(written) != 1 else ''}",
        file=sys.stderr,
    )
    return 0


def parse_export(args: argparse.Namespace) -> ExportRequest:
    """Check every ``export`` option; raise :class:`UsageError` naming the valid values."""

    layers = _choices("layer", args.layers, LAYER_IDS)
    statuses = _choices("status", args.status, STATUSES)
    years = _years(args.years) if args.years else None
    if args.as_of is not None and not settings.FIRST_YEAR <= args.as_of <= settings.LAST_YEAR:
        raise UsageError(
            f"--as-of {args.as_of}: give a year from {settings.FIRST_YEAR} to {settings.LAST_YEAR}"
        )
    out = Path(args.out)
    if _is_zip(out) and not args.per_layer:
        raise UsageError(f"--out {out.name}: a .zip holds one image per layer; add --per-layer")
    fmt = _format(args.format, out, per_layer=args.per_layer)
    if args.per_layer and fmt not in IMAGE_FORMATS:
        raise UsageError(f"--per-layer makes images; use --format {'|'.join(IMAGE_FORMATS)}")
    _check_out(out, folder=args.per_layer and not _is_zip(out), force=args.force)
    view = ProjectFilter(layers=layers, statuses=statuses, years=years, as_of=args.as_of)
    page = _page(args)
    if args.per_layer:
        try:
            request_pixels(page, 1 + len(view.layers))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return ExportRequest(
        out=out,
        view=view,
        fmt=fmt,
        page=page,
        per_layer=args.per_layer,
        title=strip_hidden(args.title).strip() or None if args.title else None,
        extent=_extent(args.extent),
        lang=getattr(args, "lang", "zh"),
        basemap=_basemap(getattr(args, "basemap", None), fmt),
    )


def _basemap(wanted: str | None, fmt: str) -> str:
    """The HTML map draws its offline background and asks for tiles only when told to; images
    try the app's default basemap (a failure is remembered, see ``maps.offline``)."""
    valid = ("none", *settings.available_basemaps())
    if wanted is None:
        return "none" if fmt == "html" else settings.default_basemap()
    if wanted not in valid:
        raise UsageError(f"unknown basemap {wanted!r}; valid: {', '.join(valid)}")
    return wanted


def _check_out(out: Path, *, folder: bool, force: bool) -> None:
    """Refuse to overwrite without --force, and to create folders other than ``out`` itself."""
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--out {out}: folder {parent} does not exist; create it first")
    if folder:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out}: is a file; give a folder for --per-layer")
        if out.is_dir() and any(out.glob("shinan-*")) and not force:
            raise UsageError(f"--out {out}: holds exported files; add --force to replace them")
        return
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name")
    if out.exists() and not force:
        raise UsageError(f"--out {out}: exists; add --force to overwrite it")


def _extent(text: str | None) -> str | tuple[float, float, float, float]:
    if text is None or text in ("district", "data"):
        return text or "district"
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(
            f"--extent {text!r}: give district, data, or WEST,SOUTH,EAST,NORTH in degrees"
        ) from None
    xmin, ymin, xmax, ymax = settings.EXPORT_FRAME
    if not (xmin <= west < east <= xmax and ymin <= south < north <= ymax):
        raise UsageError(
            f"--extent {text}: give lon {xmin}..{xmax} and lat {ymin}..{ymax}, west < east, "
            "south < north"
        )
    clamped = clamp_extent((west, south, east, north))
    if clamped != (west, south, east, north):
        print(
            f"python -m geo export: --extent widened to {settings.MIN_EXTENT_M:g} m across: "
            + ",".join(f"{v:.6f}" for v in clamped),
            file=sys.stderr,
        )
    return clamped


def _ascii_year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year like 2021")
    return int(text)


def _choices(name: str, text: str | None, valid: tuple[str, ...]) -> tuple[str, ...]:
    if text is None:
        return valid
    given = tuple(v.strip() for v in text.split(",") if v.strip())
    unknown = [v for v in given if v not in valid]
    if unknown or not given:
        shown = ", ".join(repr(v) for v in unknown) or "nothing"
        raise UsageError(f"unknown {name} {shown}; valid: {', '.join(valid)}")
    return given


def _years(text: str) -> tuple[int, int]:
    # [0-9], not \d: full-width and Arabic-Indic digits are not years here.
    match = re.fullmatch(r"\s*([0-9]{4})\s*(?:-\s*([0-9]{4})\s*)?", text)
    low, high = settings.FIRST_YEAR, settings.LAST_YEAR
    if not match:
        raise UsageError(f"--years {text!r}: give FIRST-LAST, e.g. {low}-{high}")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not low <= first <= last <= high:
        raise UsageError(f"--years {text}: give years from {low} to {high}, first not later")
    return first, last


def _format(fmt: str | None, out: Path, *, per_layer: bool) -> str:

    valid = (*IMAGE_FORMATS, *DATA_FORMATS)
    if fmt is not None:
        if fmt not in valid:
            raise UsageError(f"unknown format {fmt!r}; valid: {', '.join(valid)}")
        return fmt
    suffix = out.suffix.lower().lstrip(".")
    aliases = {"json": "geojson", "htm": "html", "zip": "png" if per_layer else ""}
    guessed = aliases.get(suffix, suffix)
    if guessed in valid:
        return guessed
    if per_layer or not suffix:
        return "png"
    raise UsageError(f"cannot tell the format from {out.name!r}; give --format {'|'.join(valid)}")


def _page(args: argparse.Namespace) -> PageSize:

    if args.preset is not None and args.preset not in PRESETS:
        raise UsageError(f"unknown preset {args.preset!r}; valid: {', '.join(PRESETS)}")
    preset = PRESETS[args.preset or DEFAULT_PRESET]
    if (args.width is None) != (args.height is None):
        raise UsageError("give both --width and --height (pixels), or neither")
    try:
        if args.width is not None:
            return custom_page(args.width, args.height, args.dpi or preset.dpi)
        if args.dpi is not None:
            width_in, height_in = preset.size_in
            return PageSize(
                preset.id,
                preset.label,
                round(width_in * args.dpi),
                round(height_in * args.dpi),
                args.dpi,
            )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return preset


def _export_files(shown, boundary, request: ExportRequest) -> dict[str, bytes]:
    """File name -> bytes for the request: one file, or one per layer."""

    # Data formats, the zip and the HTML map need folium and pyogrio: imported only for them.
    from geo.export import FORMAT_FILES, export_data, export_snapshot_zip

    suffix = FORMAT_FILES[request.fmt][0]
    if request.fmt not in IMAGE_FORMATS:
        data = export_data(
            shown,
            request.fmt,
            boundary=boundary,
            layers=request.view.layers,
            basemap=request.basemap,
            title=request.title or default_title(request.view, request.lang),
        )
        return {request.out.name: data}
    extent = request.extent
    if extent == "data":
        # District totals and unlocated projects have no site: they never frame the map.
        extent = data_extent(split_by_placement(shown)[0])
    spec = SnapshotSpec(
        view=request.view,
        page=request.page,
        fmt=request.fmt,
        title=request.title,
        basemap=request.basemap,
        extent=None if extent == "district" else extent,
        lang=request.lang,
    )
    if request.per_layer and _is_zip(request.out):
        return {request.out.name: export_snapshot_zip(shown, boundary, spec=spec)}
    if request.per_layer:
        images = render_layer_snapshots(shown, boundary, spec=spec)
        return {f"shinan-{key}{suffix}": data for key, data in images.items()}
    return {request.out.name: render_snapshot(shown, boundary, spec=spec)}


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def _write(out: Path, files: dict[str, bytes], *, folder: bool) -> list[Path]:
    """Write the files: into ``out`` when it is a folder, else as ``out`` itself."""
    directory = out if folder else out.parent
    directory.mkdir(exist_ok=True)  # only --out itself; its parent was checked
    written = []
    for name, data in files.items():
        path = directory / name if folder else out
        path.write_bytes(data)
        written.append(path)
    return written


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a projects file and summarise it")
    validate.add_argument(
        "path",
        nargs="?",
        help=f"projects GeoJSON (default: ${settings.DATA_PATH_ENV} or data/projects.geojson)",
    )
    validate.set_defaults(run=_validate)
    _add_export(commands)
    # The other commands' modules are heavy (analysis, imports): imported only when asked for.
    from geo import accounts, audit, history, insight_cli, parquet, vectortiles
    from geo.db import cli as db_cli
    from geo.imports import cli as imports_cli

    parquet.add_parser(commands)
    vectortiles.add_parser(commands)
    audit.add_parser(commands)
    insight_cli.add_parser(commands)
    imports_cli.add_parser(commands)
    history.add_parser(commands)
    db_cli.add_parser(commands)
    accounts.add_parser(commands)
    return parser


def _add_export(commands) -> None:
    export = commands.add_parser(
        "export",
        help="write a snapshot image or the filtered data",
        description=(
            "Write a map snapshot (png, svg, pdf) or the filtered data (geojson, gpkg, csv, kml, "
            "standalone html). Data: $" + settings.DATA_PATH_ENV + " or data/projects.geojson."
        ),
    )
    export.add_argument(
        "--out", required=True, help="output file; a folder (or .zip) with --per-layer"
    )
    export.add_argument("--layers", help=f"comma-separated: {','.join(LAYER_IDS)}")
    export.add_argument("--status", help=f"comma-separated: {','.join(STATUSES)}")
    when = export.add_mutually_exclusive_group()
    when.add_argument("--years", help="FIRST-LAST: projects with a milestone in these years")
    when.add_argument(
        "--as-of", type=_ascii_year, dest="as_of", help="each project's status in this year"
    )
    export.add_argument(
        "--preset",
        help="slide-16x9 (default), slide-4x3, a4-portrait, "
        "a4-landscape, a3-portrait, a3-landscape",
    )
    export.add_argument("--width", type=int, help="custom width in pixels (with --height)")
    export.add_argument("--height", type=int, help="custom height in pixels (with --width)")
    export.add_argument("--dpi", type=int, help="resolution (default: the preset's)")
    export.add_argument(
        "--format",
        help="png, svg, pdf, html, geojson, gpkg, csv, kml (default: from the --out suffix)",
    )
    export.add_argument(
        "--per-layer",
        action="store_true",
        dest="per_layer",
        help="one image per visible layer (plus all layers) into a folder or zip",
    )
    export.add_argument("--title", help="title of the snapshot (default: from the filters)")
    export.add_argument("--force", action="store_true", help="overwrite existing output")
    export.add_argument(
        "--extent",
        help="district (default), data (fit the shown projects), or WEST,SOUTH,EAST,NORTH",
    )
    export.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="language of the legend, figures box and counts (default zh)",
    )
    export.add_argument(
        "--basemap",
        help="tiles under the map: "
        + ", ".join(dict.fromkeys(("none", *settings.BASEMAPS)))
        + " (default: none for html, the app's basemap for images; unreachable tiles are "
        "skipped for 10 minutes)",
    )
    export.set_defaults(run=_export)


def _export_parser() -> argparse.ArgumentParser:
    """A parser of the export command alone: an export imports nothing it does not use."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    _add_export(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _export_parser() if argv[:1] == ["export"] else build_parser()
    args = parser.parse_args(argv)
    return args.run(args)
