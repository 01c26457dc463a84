"""Command line: ``python -m geo validate [PATH]``.

Bad data never gives a traceback: every problem is printed on its own line and the exit
status is 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import settings
from geo.errors import ProjectDataError
from geo.load import load_projects
from geo.schema import LAYER_IDS, PRECISIONS


def _validate(args: argparse.Namespace) -> int:
    path = settings.data_path(args.path)
    try:
        gdf = load_projects(path)
    except ProjectDataError as exc:
        for problem in exc.problems:
            print(f"{exc.source}: {problem}", file=sys.stderr)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
