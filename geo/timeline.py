"""A project's status over time, from the milestones the report gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Milestone = Mapping[str, Any]


def milestone_span(milestone: Milestone) -> tuple[int, int]:
    """Return the first and last year (inclusive) a milestone covers."""
    year = int(milestone["year"])
    return year, int(milestone.get("year_end") or year)


def current_status(milestones: Sequence[Milestone]) -> str | None:
    """Status at the report date: that of the last reported milestone.

    A project the report only plans (every milestone a target) is ``planned``.
    """
    reported = [m for m in milestones if m.get("kind") == "reported"]
    if reported:
        return str(reported[-1]["status"])
    return "planned" if milestones else None


def milestone_in_year(milestones: Sequence[Milestone], year: int) -> Milestone | None:
    """Return the milestone in force in ``year``: the last one that starts on or before it."""
    current = None
    for milestone in milestones:
        if int(milestone["year"]) <= year:
            current = milestone
    return current


def status_in_year(milestones: Sequence[Milestone], year: int) -> str | None:
    """Return a project's status in ``year``, or None before its first milestone.

    Examples
    --------
    >>> ms = [{"year": 2016, "year_end": 2020, "kind": "reported", "status": "preparation"},
    ...       {"year": 2021, "kind": "target", "status": "under_construction"}]
    >>> status_in_year(ms, 2015), status_in_year(ms, 2018), status_in_year(ms, 2021)
    (None, 'preparation', 'under_construction')
    """
    milestone = milestone_in_year(milestones, year)
    return None if milestone is None else str(milestone["status"])


def active_in_years(milestones: Sequence[Milestone], first: int, last: int) -> bool:
    """True when any milestone's span overlaps the years ``first``..``last`` (inclusive)."""
    for milestone in milestones:
        start, end = milestone_span(milestone)
        if start <= last and end >= first:
            return True
    return False
