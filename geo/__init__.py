"""Pure data functions for the Shinan project map: load, validate, filter, measure.

Nothing in this package imports Streamlit, so the app, the command line and the tests share it.
"""

from geo.errors import Problem, ProjectDataError
from geo.filter import ProjectFilter, apply_filter, filter_projects, project_years
from geo.load import load_boundary, load_projects, read_collection, validate_collection
from geo.timeline import current_status, status_in_year

__all__ = [
    "Problem",
    "ProjectFilter",
    "apply_filter",
    "current_status",
    "ProjectDataError",
    "filter_projects",
    "load_boundary",
    "load_projects",
    "project_years",
    "read_collection",
    "status_in_year",
    "validate_collection",
]
