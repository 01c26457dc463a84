"""A project's status over time, from the milestones the report gives, at the report's grain.

The report reviews 2016–2020 as one period (十三五) and names a few single years (2020) and the
2021 plan. A milestone dated "2016–2020" says the step happened at some time in those years,
not in 2016 nor in each of them. So a milestone is *known by* the end of its span: "as of" a
year shows each project in the last milestone that ends on or before that year, and a year
inside a period shows nothing the report does not give. The years a view can honestly stand
on are the ends of the milestones (:func:`time_steps`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo.periods import report_period
from i18n import t

Milestone = Mapping[str, Any]


def milestone_span(milestone: Milestone) -> tuple[int, int]:
    """Return the first and last year (inclusive) a milestone covers."""
    year = int(milestone["year"])
    return year, int(milestone.get("year_end") or year)


def is_period(milestone: Milestone) -> bool:
    """True when the report dates the milestone by a period of years, not one year."""
    start, end = milestone_span(milestone)
    return end > start


def current_status(milestones: Sequence[Milestone]) -> str | None:
    """Status at the report date: that of the last reported milestone.

    A project the report only plans (every milestone a target) is ``planned``.
    """
    reported = [m for m in milestones if m.get("kind") == "reported"]
    if reported:
        return str(reported[-1]["status"])
    return "planned" if milestones else None


def milestone_in_year(milestones: Sequence[Milestone], year: int) -> Milestone | None:
    """The milestone known by the end of ``year``: the last one whose span ends by then.

    A "2016–2020" milestone is known only from 2020: the report does not say in which of those
    years it happened.
    """
    current = None
    for milestone in milestones:
        if milestone_span(milestone)[1] <= year:
            current = milestone
    return current


def status_in_year(milestones: Sequence[Milestone], year: int) -> str | None:
    """Return a project's status known by the end of ``year``, or None if the report gives none.

    Examples
    --------
    >>> ms = [{"year": 2016, "year_end": 2020, "kind": "reported", "status": "preparation"},
    ...       {"year": 2021, "kind": "target", "status": "under_construction"}]
    >>> status_in_year(ms, 2018), status_in_year(ms, 2020), status_in_year(ms, 2021)
    (None, 'preparation', 'under_construction')
    """
    milestone = milestone_in_year(milestones, year)
    return None if milestone is None else str(milestone["status"])


def active_in_years(milestones: Sequence[Milestone], first: int, last: int) -> bool:
    """True when a milestone's whole span lies within ``first``..``last`` (inclusive).

    A "2016–2020" milestone is not "in 2018": it belongs to a range that holds all of it.
    """
    for milestone in milestones:
        start, end = milestone_span(milestone)
        if first <= start and end <= last:
            return True
    return False


def time_steps(milestone_lists: Iterable[Sequence[Milestone]]) -> list[int]:
    """The years an "as of" view can stand on: the end year of every milestone, sorted.

    >>> time_steps([[{"year": 2016, "year_end": 2020}, {"year": 2021}], [{"year": 2020}]])
    [2020, 2021]
    """
    return sorted({milestone_span(m)[1] for ms in milestone_lists for m in ms})


def period_steps(milestone_lists: Iterable[Sequence[Milestone]]) -> list[tuple[int, int]]:
    """Every distinct span the report dates a milestone by, ordered by end then start.

    >>> period_steps([[{"year": 2016, "year_end": 2020}, {"year": 2021}], [{"year": 2020}]])
    [(2016, 2020), (2020, 2020), (2021, 2021)]
    """
    spans = {milestone_span(m) for ms in milestone_lists for m in ms}
    return sorted(spans, key=lambda span: (span[1], span[0]))


@dataclass(frozen=True)
class StatusReason:
    """Which status a project shows in a view, and which milestone says so.

    ``why`` is a key of the string catalogue (``i18n.page``): "report", "planned_only",
    "period", "year", "target" or "unknown".
    """

    status: str | None
    milestone: Milestone | None
    why: str


def explain_status(milestones: Sequence[Milestone], *, as_of: int | None = None) -> StatusReason:
    """Why a project shows the status it shows: at the report date, or as of a year.

    >>> ms = [{"year": 2016, "year_end": 2020, "kind": "reported", "status": "preparation"},
    ...       {"year": 2021, "kind": "target", "status": "open"}]
    >>> explain_status(ms, as_of=2020).why, explain_status(ms, as_of=2021).why
    ('period', 'target')
    >>> explain_status(ms, as_of=2018).why
    'unknown'
    """
    if as_of is None:
        reported = [m for m in milestones if m.get("kind") == "reported"]
        if not reported:
            return StatusReason("planned" if milestones else None, None, "planned_only")
        return StatusReason(str(reported[-1]["status"]), reported[-1], "report")
    milestone = milestone_in_year(milestones, as_of)
    if milestone is None:
        return StatusReason(None, None, "unknown")
    if milestone.get("kind") == "target":
        why = "target"
    else:
        why = "period" if is_period(milestone) else "year"
    return StatusReason(str(milestone["status"]), milestone, why)


@dataclass(frozen=True)
class FigureTime:
    """The years a district-wide figure stands for, and whether it is a plan target."""

    first: int
    last: int
    target: bool

    def in_view(self, *, years: tuple[int, int] | None = None, as_of: int | None = None) -> bool:
        """Whether a view of ``years`` (a period) or ``as_of`` (one year) shows the figure.

        A period shows the figures whose span meets it. "As of" a year shows what was known
        by then: a result once its span has ended (a 2016–2020 total from 2020 on), a target
        once it has been set (the 2021 targets, and the 2021–2025 goals, from 2021 on).

        >>> total = FigureTime(2016, 2020, target=False)
        >>> total.in_view(years=(2016, 2020)), total.in_view(as_of=2018), total.in_view(as_of=2021)
        (True, False, True)
        >>> goal = FigureTime(2021, 2025, target=True)
        >>> goal.in_view(years=(2016, 2020)), goal.in_view(as_of=2020), goal.in_view(as_of=2021)
        (False, False, True)
        """
        if years is not None:
            return self.first <= years[1] and self.last >= years[0]
        if as_of is not None:
            return (self.first if self.target else self.last) <= as_of
        return True

    def label(self, lang: str = "zh") -> str:
        """The period as the side panel and print give it: a 2021 target, 2020, 2016–2020."""
        if self.target:
            return t("time.label.target", lang, year=self.last)
        if self.first == self.last:
            return t("span.year", lang, year=self.first)
        return t("span.period", lang, first=self.first, last=self.last)


# A figure's label may end with its period ("（2016–2020年）", "in 2021", ", 2021 target"),
# which a card or box that states the period beside it would then say twice.
_ZH_PERIOD = re.compile(r"（[^（）]*\d{4}[^（）]*）$")
_EN_PERIOD = re.compile(r"(,?\s*\b(in|by|during))?,?\s*\d{4}(–\d{4})?( targets?)?$")


def figure_what(figure: Mapping[str, Any], lang: str = "zh") -> str:
    """A figure's label in ``lang`` without the period its label may end with.

    >>> figure_what({"label_zh": "新建及联网停车位（2016–2020年）"})
    '新建及联网停车位'
    >>> figure_what({"label_zh": "建成口袋公园", "label_en": "Pocket parks built in 2021"}, "en")
    'Pocket parks built'
    """
    if lang == "en":
        return _EN_PERIOD.sub("", str(figure.get("label_en") or figure["label_zh"]))
    return _ZH_PERIOD.sub("", str(figure["label_zh"]))


def figure_time(
    milestones: Sequence[Milestone],
    figure: Mapping[str, Any],
    plan_year: int,
    report_text: str | None = None,
) -> FigureTime:
    """When a district figure holds.

    The report itself says it first: the part holding the figure's sentence (the 2016–2020
    review, 2020, the 2021–2025 goals or the 2021 plan; a figure from ``plan_year`` on is a
    target). Without the report, or for a sentence not in it: a target (its label says 目标,
    or the project is only planned) in the year of the last target (``plan_year`` when none),
    else the span of the last reported milestone.
    """
    found = report_figure_time(figure, report_text, plan_year) if report_text else None
    if found is not None:
        return found
    targets = [m for m in milestones if m.get("kind") == "target"]
    reported = [m for m in milestones if m.get("kind") != "target"]
    if "目标" in str(figure.get("label_zh", "")) or not reported:
        year = milestone_span(targets[-1])[1] if targets else plan_year
        return FigureTime(year, year, target=True)
    first, last = milestone_span(reported[-1])
    return FigureTime(first, last, target=False)


def report_figure_time(
    figure: Mapping[str, Any], report_text: str, plan_year: int
) -> FigureTime | None:
    """The years the report's part holding the figure's sentence speaks of, or None when the
    sentence is not in a dated part of ``report_text``."""
    span = report_period(str(figure.get("quote", "")), report_text)
    if span is None:
        return None
    return FigureTime(span[0], span[1], target=span[0] >= plan_year)
