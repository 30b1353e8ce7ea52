"""zoneplan: collaboration zones and conflict-free investigation teams for township
discipline-inspection commissions.

Python API (pandas in, pandas out)::

    import zoneplan
    tables = zoneplan.load("data/examples/county")          # or zoneplan.tables_from_frames(...)
    result = zoneplan.staff(tables)                           # StaffingResult
    result.assignments, result.unstaffed, result.workload      # DataFrames
    zoneplan.check(tables, result.assignments).ok             # independent re-check
    zoneplan.zone(tables)                                     # ZoningResult (zoneplan.zoning)
"""

from .check import CheckReport, Violation, check
from .data.load import load, tables_from_frames
from .data.tables import Tables
from .errors import InputError, InternalError, Problem
from .options import RuleOptions, SolveOptions
from .results import LevelResult, Levels, Status
from .runner import Cancel
from .staffing import StaffingResult, build_eligibility, staff
from .staffing.draw import DrawError, DrawOptions
from .reviewing import ReviewOptions, ReviewResult, check_reviews, review
from .leadership import LeadershipOptions, LeadershipResult, assign_leadership, check_leadership
from .areas import AreaOptions, AreasResult, check_areas, supervision_areas

__version__ = "0.1.0"

__all__ = [
    "load", "tables_from_frames", "Tables", "staff", "check", "build_eligibility",
    "StaffingResult", "CheckReport", "Violation", "RuleOptions", "SolveOptions", "DrawOptions", "DrawError",
    "InputError", "InternalError", "Problem", "__version__",
    "Status", "LevelResult", "Levels", "Cancel", "zoning", "zone", "solve_zoning", "ZoningResult",
    "ZoningInput", "ZoningOptions",
    "review", "check_reviews", "ReviewOptions", "ReviewResult",
    "assign_leadership", "check_leadership", "LeadershipOptions", "LeadershipResult",
    "supervision_areas", "check_areas", "AreaOptions", "AreasResult",
]

#: Zoning names, imported on first use (the zoning package draws maps with matplotlib).
_ZONING = {"zone": "solve", "solve_zoning": "solve", "ZoningResult": "solve", "ZoningInput": "data",
           "ZoningOptions": "data"}


def __getattr__(name: str):
    import importlib

    if name == "zoning":
        return importlib.import_module("zoneplan.zoning")
    if name in _ZONING:
        return getattr(importlib.import_module(f"zoneplan.zoning.{_ZONING[name]}"), name)
    raise AttributeError(f"module 'zoneplan' has no attribute {name!r}")
