"""Importing planners' GIS files: read safely, recognise the CRS, map columns, plan, write.

``read_source`` (files) → ``plan_import`` (plan) → ``ImportPlan.apply`` → a store's ``save``.
"""

from geo.imports.files import SourceTable, read_source
from geo.imports.message import ImportFailed, Message
from geo.imports.plan import ImportOptions, ImportPlan, Proposal, Rejection, plan_import

__all__ = [
    "ImportFailed",
    "ImportOptions",
    "ImportPlan",
    "Message",
    "Proposal",
    "Rejection",
    "SourceTable",
    "plan_import",
    "read_source",
]
