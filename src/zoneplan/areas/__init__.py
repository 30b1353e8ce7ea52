"""Village supervision areas (监督片区): each zone's villages split into 3-5 contiguous areas.

Typical use::

    import zoneplan
    tables = zoneplan.load("data/examples/county")          # with villages.csv
    res = zoneplan.supervision_areas(tables)                 # the current zoning
    res.areas[["village_id", "zone", "area"]], res.per_zone
"""

from .check import area_objective, check_areas
from .options import AREA_LEVELS, AreaOptions, areas_for
from .solve import AREA_COLUMNS, ZONE_COLUMNS, AreasResult, area_id, supervision_areas

__all__ = ["supervision_areas", "check_areas", "area_objective", "AreaOptions", "AreasResult", "AREA_COLUMNS",
           "ZONE_COLUMNS", "AREA_LEVELS", "areas_for", "area_id"]
