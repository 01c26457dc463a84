"""Command line for planning insight: ``stats``, ``targets`` and ``compare``.

``python -m geo stats``    figures for the filtered projects (counts, periods, figures,
                           measures, coverage), as tables or CSV.
``python -m geo targets``  the report's targets and results against what the map holds.
``python -m geo compare``  two years or periods side by side in one image.

Registered by :func:`add_parser`; bad option values exit 2 with one line naming the valid
ones, bad data exits 1 naming every problem, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo import analysis, settings
from geo.compare import DEFAULT_SIDES, comparison_title, default_sides, parse_side
from geo.errors import ProjectDataError
from geo.filter import ProjectFilter, apply_filter
from geo.load import load_boundary
from geo.render import IMAGE_FORMATS, PRESETS, default_title
from geo.schema import LAYER_IDS, STATUSES
from geo.store import load_current_projects
from geo.targets import compare_targets, gap_line, load_targets
from i18n import LANGS, t
from layers import LAYERS, STATUS_STYLES


def add_parser(commands) -> None:
    """Add ``stats``, ``targets`` and ``compare`` to ``python -m geo``'s subcommands."""
    stats = commands.add_parser(
        "stats", help="figures for the filtered projects: counts, periods, measures, coverage"
    )
    _filter_options(stats)
    stats.add_argument("--csv", help="write the project table (as filtered) to this CSV file")
    stats.set_defaults(run=_run(_stats))

    targets = commands.add_parser(
        "targets", help="the report's targets and results against what the map holds"
    )
    targets.add_argument("--lang", choices=LANGS, default="zh", help="zh (default), en, both")
    targets.add_argument("--csv", help="also write the comparison to this CSV file")
    targets.set_defaults(run=_run(_targets))

    compare = commands.add_parser(
        "compare",
        help="two years or periods side by side in one image",
        description="A YEAR shows each project as of that year (2021: the report's targets); "
        "FIRST-LAST shows projects with a milestone in that period.",
    )
    compare.add_argument(
        "--out",
        help="output image (.png, .svg, .pdf); default compare_LEFT_vs_RIGHT.FORMAT here",
    )
    formats = compare.add_mutually_exclusive_group()
    formats.add_argument(
        "--format", choices=IMAGE_FORMATS, help="image format when --out has no suffix (png)"
    )
    for fmt in IMAGE_FORMATS:
        formats.add_argument(
            f"--{fmt}",
            dest="format",
            action="store_const",
            const=fmt,
            help=f"same as --format {fmt}",
        )
    compare.add_argument("--left", default=DEFAULT_SIDES[0], help="YEAR or FIRST-LAST")
    compare.add_argument("--right", default=DEFAULT_SIDES[1], help="YEAR or FIRST-LAST")
    compare.add_argument("--layers", help=f"comma-separated: {','.join(LAYER_IDS)}")
    compare.add_argument("--status", help=f"comma-separated: {','.join(STATUSES)}")
    compare.add_argument("--preset", default="a4-landscape", help=", ".join(PRESETS))
    compare.add_argument("--title", help="page title (default: from the two views)")
    compare.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="language of the titles, legends, figures and captions (default zh)",
    )
    compare.add_argument(
        "--basemap",
        default="none",
        help="none (default: offline land/sea from the bundled outlines), or a basemap id: "
        + ", ".join(settings.BASEMAPS),
    )
    compare.set_defaults(run=_run(_compare))


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layers", help=f"comma-separated: {','.join(LAYER_IDS)}")
    parser.add_argument("--status", help=f"comma-separated: {','.join(STATUSES)}")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--years", help="FIRST-LAST: projects with a milestone in these years")
    when.add_argument("--as-of", type=int, dest="as_of", help="each project's status that year")
    parser.add_argument("--lang", choices=LANGS, default="zh", help="zh (default), en, both")


def _run(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn bad option values into exit 2 and bad data into exit 1, each with a clear line."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except ProjectDataError as exc:
            exc.print_problems()
            return 1
        except ValueError as exc:
            print(f"python -m geo {args.command}: error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"python -m geo {args.command}: {exc}", file=sys.stderr)
            return 1

    return run


def _split(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(v.strip() for v in text.split(",") if v.strip())


def _view(args: argparse.Namespace) -> ProjectFilter:
    years = None
    if args.years:
        side = parse_side(args.years)
        years = side.years or (side.as_of, side.as_of)
    if args.as_of is not None:
        parse_side(str(args.as_of))  # checks the year is one the report covers
    return ProjectFilter(
        layers=_split(args.layers) or LAYER_IDS,
        statuses=_split(args.status) or STATUSES,
        years=years,
        as_of=args.as_of,
    )


def _print_table(title: str, frame: pd.DataFrame, lang: str) -> None:
    frame = frame.copy()
    for column, label in (("layer", _layer), ("status", _status), ("kind", _kind)):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda value, label=label: label(value, lang))
    names = {c: t(f"insight.field.{c}", lang) for c in frame.columns}
    print(f"\n== {title} ==")
    print(frame.rename(columns=names).to_string(index=False) if len(frame) else "-")


def _layer(layer: str, lang: str) -> str:
    spec = LAYERS[layer]
    return spec.label_en if lang == "en" else spec.label_zh


def _status(status: str, lang: str) -> str:
    style = STATUS_STYLES[status]
    return style.label_en if lang == "en" else style.label_zh


def _kind(kind: str, lang: str) -> str:
    return t(f"insight.kind.{kind}", lang) if kind else ""


def _stats(args: argparse.Namespace) -> int:
    view = _view(args)
    lang = args.lang
    shown = apply_filter(load_current_projects(), view)
    boundary = load_boundary()
    located = int(analysis.is_located(shown).sum())
    print(default_title(view))
    print(
        t("insight.shown", lang, shown=len(shown), located=located, schematic=len(shown) - located)
    )
    counts = analysis.count_by_layer_status(shown)
    _print_table(t("insight.chart.by_status", lang), counts, lang)
    periods = analysis.count_by_period(shown, years=view.years, as_of=view.as_of)
    _print_table(
        t("insight.chart.by_period", lang), periods.drop(columns=["year", "year_end"]), lang
    )
    print(t("insight.chart.period_note", lang))
    figures = analysis.figure_table(shown, years=view.years, as_of=view.as_of)
    figures = figures[["label_zh", "value", "unit", "period", "kind", "features"]]
    _print_table(
        t("insight.figures.heading", lang), figures.rename(columns={"label_zh": "label"}), lang
    )
    measures = analysis.measure_totals(shown)
    _print_table(t("insight.measures.heading", lang), measures, lang)
    print(t("insight.measures.note", lang))
    _print_coverage(shown, boundary, lang)
    if args.csv:
        Path(args.csv).write_bytes(analysis.table_csv(analysis.project_table(shown)))
        print(f"\n{args.csv}: {len(shown)} rows", file=sys.stderr)
    return 0


def _print_coverage(shown, boundary, lang: str) -> None:
    distances = "/".join(str(d) for d in analysis.SERVICE_DISTANCES_M)
    print(f"\n== {t('insight.coverage.parks', lang, distances=distances)} ==")
    parks = analysis.pocket_parks(shown)
    shares = analysis.coverage(parks, boundary)
    sites, excluded = int(shares["sites"].iloc[0]), int(shares["schematic_excluded"].iloc[0])
    if sites == 0:
        print(t("insight.coverage.no_sites", lang))
    for row in shares.itertuples() if sites else ():
        print(
            t(
                "insight.coverage.share",
                lang,
                distance=row.distance_m,
                share=f"{row.share:.1%}",
                covered=f"{row.covered_m2 / 1e6:.2f}",
                land=f"{row.land_m2 / 1e6:.2f}",
            )
        )
    print(t("insight.coverage.sites", lang, sites=sites, excluded=excluded))
    print(t("insight.coverage.sea", lang))


def _targets(args: argparse.Namespace) -> int:
    lang = args.lang
    rows = compare_targets(load_targets(), load_current_projects())
    print(t("insight.targets.note", lang))
    for row in rows.itertuples():
        print(gap_line(row, lang))
    located = int(rows["located"].sum())
    print(f"\n{len(rows)} targets; {located} located / {int(rows['schematic'].sum())} schematic")
    if args.csv:
        Path(args.csv).write_bytes(analysis.table_csv(rows))
        print(f"{args.csv}: {len(rows)} rows", file=sys.stderr)
    return 0


def _basemap(name: str) -> str:
    available = settings.available_basemaps()
    if name not in available:
        raise ValueError(f"unknown or unavailable basemap {name!r}; valid: {', '.join(available)}")
    return name


def _compare_out(args: argparse.Namespace) -> tuple[Path, str]:
    """The file to write and its format, from ``--out`` and ``--format``/``--png``..."""
    if args.out is None:
        fmt = args.format or "png"
        name = f"compare_{args.left}_vs_{args.right}.{fmt}".replace("–", "-")
        return Path(name), fmt
    out = Path(args.out)
    suffix = out.suffix.lower().lstrip(".")
    if not suffix and args.format:
        return out.with_suffix(f".{args.format}"), args.format
    if suffix not in IMAGE_FORMATS:
        raise ValueError(f"--out {out.name}: give a .png, .svg or .pdf file")
    if args.format and args.format != suffix:
        raise ValueError(f"--out {out.name} is .{suffix} but --{args.format} was asked for")
    return out, suffix


def _compare(args: argparse.Namespace) -> int:
    from maps.compare_export import render_comparison  # matplotlib only for this command

    out, fmt = _compare_out(args)
    if args.preset not in PRESETS:
        raise ValueError(f"unknown preset {args.preset!r}; valid: {', '.join(PRESETS)}")
    layers, statuses = _split(args.layers), _split(args.status)
    views = [parse_side(text, layers=layers, statuses=statuses) for text in (args.left, args.right)]
    sides = default_sides((views[0], views[1]), args.lang)
    gdf = load_current_projects()
    data = render_comparison(
        gdf,
        load_boundary(),
        sides,
        page=PRESETS[args.preset],
        fmt=fmt,
        title=args.title or comparison_title(views[0], views[1], args.lang),
        basemap=_basemap(args.basemap),
        lang=args.lang,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(out)
    return 0
