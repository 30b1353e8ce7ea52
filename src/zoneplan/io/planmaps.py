"""The maps of a plan written as one report: the zones in force and who travels where.

Drawn by :func:`zoneplan.io.plan.iter_plan_files`, or meanwhile by the run's second process
(:mod:`zoneplan.io.sideworker`) from what :func:`draw_maps` reads of the result.
"""

from __future__ import annotations

import pandas as pd

from ..data.tables import Tables
from ..i18n import N_

__all__ = ["MAP_TOWNSHIP_LIMIT", "plan_maps", "draw_maps", "draws_maps", "map_args"]


#: Above this many townships the plan's maps are left out of a staffing run (they would take
#: longer than the solve); ``zoneplan zone`` / ``compare`` draw county maps at any size.
MAP_TOWNSHIP_LIMIT = 500

_CAPTIONS = {
    "zones": N_("Collaboration zones in force (stars: hub townships)"),
    "assignments": N_("Who travels where: posted township -> case township"),
}


def plan_maps(result, tables: Tables, lang: str) -> dict[str, tuple[str, bytes]]:
    """The plan's maps: file name -> (caption, PNG bytes).

    ``map_zones.png``, the zones in force (the index map when there are several counties),
    and ``map_assignments.png``, who travels from where to which case, drawn for print (the
    width of an A4 page less its margins, no text under 8 pt).  None above
    :data:`MAP_TOWNSHIP_LIMIT` townships.
    """
    return draw_maps(*map_args(result, tables, lang))


def map_args(result, tables: Tables, lang: str) -> tuple:
    """The arguments of :func:`draw_maps` for ``result``: what the maps read of it (the
    assignments, and whether the pools were its zones), so the second process draws them
    from these without the whole result."""
    use_zones = bool(result.options.get("rules", {}).get("use_zones", True)) if isinstance(result.options, dict) \
        else True
    return tables, result.assignments, use_zones, lang


def draws_maps(tables: Tables) -> bool:
    """Whether a plan of ``tables`` written as one report has maps (:func:`plan_maps`)."""
    return 0 < len(tables.townships) <= MAP_TOWNSHIP_LIMIT


def draw_maps(tables: Tables, assignments: pd.DataFrame, use_zones: bool, lang: str
              ) -> dict[str, tuple[str, bytes]]:
    """:func:`plan_maps` from what it reads of the result: the assignments, whether zones
    were the pools (the second process draws them from these)."""
    from ..i18n import pick
    from ..maps import assignment_map_png, index_map_png, zoning_map_png
    from ..zoning.adapter import current_zoning, zoning_input

    if not draws_maps(tables):
        return {}
    out: dict[str, tuple[str, bytes]] = {}
    if use_zones and (tables.townships["zone"] != "").any():
        inp = zoning_input(tables, with_roster=False)
        draw = zoning_map_png if len(inp.counties()) == 1 else index_map_png
        out["map_zones.png"] = (pick(_CAPTIONS["zones"], lang),
                                draw(inp, current_zoning(tables), lang=lang, boundaries=tables.boundaries,
                                     layout="print"))
    if len(tables.cases):
        out["map_assignments.png"] = (pick(_CAPTIONS["assignments"], lang),
                                      assignment_map_png(tables, assignments, lang=lang,
                                                         boundaries=tables.boundaries, layout="print"))
    return out
