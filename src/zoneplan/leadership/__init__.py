"""1+1+N zone leadership: one county leader and one county office for every zone.

Typical use::

    import zoneplan
    tables = zoneplan.load("data/examples/county")      # with leaders.csv and offices.csv
    res = zoneplan.assign_leadership(tables)             # the current zoning (zone column)
    res.zones[["zone", "leader_name", "office_name"]]
"""

from .check import check_leadership, leadership_objective
from .model import LEAD_LEVELS
from .solve import KINDS, LEADERSHIP_COLUMNS, LeadershipOptions, LeadershipResult, assign_leadership, zone_table

__all__ = ["assign_leadership", "check_leadership", "leadership_objective", "LeadershipOptions", "LeadershipResult",
           "LEADERSHIP_COLUMNS", "LEAD_LEVELS", "KINDS", "zone_table"]
