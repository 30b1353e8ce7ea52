"""zoneplan: collaboration zones and conflict-free investigation teams for township
discipline-inspection commissions.

Python API (pandas in, pandas out)::

    import zoneplan
    tables = zoneplan.load("data/examples/county")          # or zoneplan.tables_from_frames(...)
    result = zoneplan.staff(tables)                           # StaffingResult
    result.assignments, result.unstaffed, result.workload      # DataFrames
    zoneplan.check(tables, result.assignments).ok             # independent re-check
"""

from .check import CheckReport, Violation, check
from .data.load import load, tables_from_frames
from .data.tables import Tables
from .errors import InputError, InternalError, Problem
from .options import RuleOptions, SolveOptions
from .staffing import StaffingResult, build_eligibility, staff
from .reviewing import ReviewOptions, ReviewResult, check_reviews, review
from .leadership import LeadershipOptions, LeadershipResult, assign_leadership, check_leadership
from .areas import AreaOptions, AreasResult, check_areas, supervision_areas

__version__ = "0.1.0"

__all__ = [
    "load", "tables_from_frames", "Tables", "staff", "check", "build_eligibility",
    "StaffingResult", "CheckReport", "Violation", "RuleOptions", "SolveOptions",
    "InputError", "InternalError", "Problem", "__version__",
    "review", "check_reviews", "ReviewOptions", "ReviewResult",
    "assign_leadership", "check_leadership", "LeadershipOptions", "LeadershipResult",
    "supervision_areas", "check_areas", "AreaOptions", "AreasResult",
]
