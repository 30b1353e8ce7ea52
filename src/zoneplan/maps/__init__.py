"""Maps as PNG bytes: zoning maps (per county, index), the assignment map of a plan.

Typical use::

    from zoneplan.maps import zone_colors, zoning_map_files, assignment_map_png
    files = zoning_map_files(inp, result.zones, stem="map", lang="zh")      # {"map.png": b"..."}
    colors = zone_colors(inp, {"current": z0, "proposal": z1})             # the same colours on both maps
    png = assignment_map_png(tables, staffing_result.assignments, lang="zh")

Chinese text is drawn with a Simplified-Chinese font found on the machine or shipped with a
dependency (:mod:`zoneplan.maps.fonts`); township areas are real polygons from
``boundaries.geojson`` (:mod:`zoneplan.maps.boundaries`) or Voronoi cells of the seats
(:mod:`zoneplan.maps.geometry`).  Nothing here changes matplotlib's global state.
"""

from .areas import areas_map_files, areas_map_png
from .assignment import assignment_map_png
from .boundaries import Boundaries, load_boundaries, read_boundaries, shared_border_edges
from .fonts import FontChoice, cjk_font
from .zoning import index_map_png, zone_colors, zoning_map_files, zoning_map_png, zoning_maps_by_county

__all__ = [
    "areas_map_files",
    "areas_map_png",
    "Boundaries",
    "FontChoice",
    "assignment_map_png",
    "cjk_font",
    "index_map_png",
    "load_boundaries",
    "read_boundaries",
    "shared_border_edges",
    "zone_colors",
    "zoning_map_files",
    "zoning_map_png",
    "zoning_maps_by_county",
]
