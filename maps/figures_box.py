"""The figures box (数据框): district-wide totals inside the map frame, never drawn as sites.

A total such as "新建及联网停车位2.01万个" belongs to the whole district; a dot in the middle of
the district would claim a site the report never gives. Each figure reads value and unit,
what it counts, and its period (a 2021 target says 目标).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from geo import settings
from geo.filter import ProjectFilter
from geo.load import read_report_text
from geo.targets import amount
from geo.timeline import figure_time, figure_what
from i18n import t


@dataclass(frozen=True)
class Figure:
    """One line of the box."""

    value: str
    what: str
    period: str

    def text(self) -> str:
        return f"{self.value}  {self.what} · {self.period}"


def district_figures(
    totals: gpd.GeoDataFrame, lang: str = "zh", view: ProjectFilter | None = None
) -> list[Figure]:
    """The figures of the district-total features, in data order; with ``view``, only those
    of its time (a 2016–2020 panel does not list a 2021 target)."""
    out = []
    report = read_report_text()
    for row in totals.to_dict("records"):
        for figure in row.get("figures") or []:
            time = figure_time(row.get("milestones") or [], figure, settings.LAST_YEAR, report)
            if view is not None and not time.in_view(years=view.years, as_of=view.as_of):
                continue
            what = figure_what(figure, lang)
            out.append(
                Figure(
                    value=amount(
                        float(figure["value"]), str(figure["unit"]), "en" if lang == "en" else "zh"
                    ),
                    what=what,
                    period=time.label(lang),
                )
            )
    return out


# Drawing --------------------------------------------------------------------------------------
def measure_box(figures: list[Figure], lang: str, size: float, renderer) -> tuple[float, float]:
    """Width and height in display pixels of the figures box at ``size`` points."""
    from maps.fonts import text_width_pt

    px = renderer.points_to_pixels(1.0)
    title = t("print.figures.title", lang)
    widest = max(
        text_width_pt(text, size, renderer) for text in [title, *map(Figure.text, figures)]
    )
    pad, step = size * 0.6, size * 1.55
    return (widest + 2 * pad) * px, (step * (len(figures) + 1) + pad * 1.4) * px


def draw_box(ax, box, figures: list[Figure], lang: str, size: float, renderer) -> None:
    """The figures box at ``box`` (display pixels) on the map axes ``ax``."""
    from matplotlib.patches import Rectangle

    from maps.fonts import TEXT_COLOR, bold, cjk_font

    px = renderer.points_to_pixels(1.0)
    x0, y0, x1, y1 = box
    frame = ax.get_window_extent(renderer)
    to_axes = ax.transAxes.inverted()
    (ax0, ay0), (ax1, ay1) = to_axes.transform([(x0, y0), (x1, y1)])
    ax.add_patch(
        Rectangle(
            (ax0, ay0),
            ax1 - ax0,
            ay1 - ay0,
            transform=ax.transAxes,
            facecolor="white",
            alpha=0.92,
            edgecolor="#4d4d4d",
            linewidth=0.6,
            zorder=11,
        )
    )
    pad, step = size * 0.6, size * 1.55
    rows = [(t("print.figures.title", lang), True), *((f.text(), False) for f in figures)]
    for row, (text, heading) in enumerate(rows):
        _, ay = to_axes.transform((x0, y1 - (pad * 0.7 + step * (row + 0.5)) * px))
        ax.text(
            ax0 + pad * px / frame.width,
            ay,
            text,
            transform=ax.transAxes,
            fontproperties=cjk_font(size),
            path_effects=bold(size) if heading else None,
            va="center",
            color=TEXT_COLOR,
            zorder=12,
            parse_math=False,
        )
