"""Zoning core: partition each county's townships into connected collaboration zones.

Typical use::

    from zoneplan.zoning import ZoningInput, ZoningOptions, solve_zoning, zone_metrics
    inp = ZoningInput.from_coordinates(ids, names, county, lat, lon, villages)
    res = solve_zoning(inp, ZoningOptions(min_size=2, max_size=3))
    summary, per_zone = zone_metrics(inp, res.zones)
"""

from zoneplan.zoning.data import COST_SCALE, ZoningInput, ZoningOptions, ZoningWeights
from zoneplan.zoning.draw import draw_map
from zoneplan.zoning.metrics import check_zoning, current_zones, zone_metrics, zoning_objective
from zoneplan.zoning.solve import STATUSES, ZoningResult, solve_zoning

__all__ = [
    "COST_SCALE",
    "STATUSES",
    "ZoningInput",
    "ZoningOptions",
    "ZoningResult",
    "ZoningWeights",
    "check_zoning",
    "current_zones",
    "draw_map",
    "solve_zoning",
    "zone_metrics",
    "zoning_objective",
]
