"""The staffing checker, where it has always been imported from: it lives in
:mod:`zoneplan.staffing.check` (each domain folder holds its own check.py), and
:class:`~zoneplan.results.CheckReport` / :class:`~zoneplan.results.Violation` in
:mod:`zoneplan.results`.  ``from zoneplan.check import check`` keeps working.

``zoneplan/__init__.py`` imports this module first, so ``zoneplan.check`` stays the function.
"""

from .results import CheckReport, Violation
from .staffing.check import PLAN_COLUMNS, RULES, TRAVEL_TOLERANCE, check, travel_minutes
from .staffing.check import _kin_graph, _kin_path  # noqa: F401  (the review checker once took them from here)

__all__ = ["RULES", "PLAN_COLUMNS", "TRAVEL_TOLERANCE", "Violation", "CheckReport", "travel_minutes", "check"]
