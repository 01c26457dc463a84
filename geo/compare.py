"""Two years or periods side by side: what each panel shows and how it is titled.

The drawing (two snapshots of one extent on one page) is :mod:`maps.compare_export`; the app
shows the same two views as synchronised maps (``ui/compare_view.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from geo import settings
from geo.filter import ProjectFilter
from geo.periods import period_label
from geo.render import default_title
from i18n import t

#: The comparison the report itself invites: its 2016–2020 review against its 2021 plan.
DEFAULT_SIDES: Final = ("2016-2020", "2021")


@dataclass(frozen=True)
class Side:
    """One panel: what it shows and its title."""

    view: ProjectFilter
    title: str


def parse_side(
    text: str, *, layers: tuple[str, ...] | None = None, statuses: tuple[str, ...] | None = None
) -> ProjectFilter:
    """A panel's view from ``"2021"`` (each project as of that year) or ``"2016-2020"``
    (projects with a milestone in that period).

    Raises
    ------
    ValueError
        Naming the text and the years the report covers.
    """
    low, high = settings.FIRST_YEAR, settings.LAST_YEAR
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", text or "")
    first = int(match.group(1)) if match else None
    last = int(match.group(2) or match.group(1)) if match else None
    if first is None or not low <= first <= last <= high:
        raise ValueError(
            f"{text!r}: give a year ({low}..{high}, each project as of that year) or a period "
            f"FIRST-LAST, e.g. {low}-2020"
        )
    base = ProjectFilter()
    base = replace(base, layers=layers or base.layers, statuses=statuses or base.statuses)
    if match.group(2) is None:
        return replace(base, as_of=first)
    return replace(base, years=(first, last))


def comparison_title(left: ProjectFilter, right: ProjectFilter, lang: str = "zh") -> str:
    """``市南区项目地图 · 2016–2020年 与 2021年 对比``: the page's title from the two views."""
    return f"{t('app.title', lang)} · " + t(
        "insight.compare.title", lang, left=_when(left, lang), right=_when(right, lang)
    )


def _when(view: ProjectFilter, lang: str) -> str:
    if view.as_of is not None:
        first = last = view.as_of
    elif view.years is not None:
        first, last = view.years
    else:
        return t("insight.compare.now", lang)
    span = period_label(first, last)
    return span if lang == "en" else f"{span}年"


def default_sides(
    views: tuple[ProjectFilter, ProjectFilter], lang: str = "zh"
) -> tuple[Side, Side]:
    """Panels titled from their filters (``市南区重点项目与城市更新 · 2016–2020年``)."""
    left, right = views
    return Side(left, default_title(left, lang)), Side(right, default_title(right, lang))
