"""Village supervision areas (监督片区): each zone's villages split into 3-5 contiguous areas.

The levels, in order: areas without a liaison village, the largest area's households, the
smallest area's households, neighbouring villages split between areas.  Every zone first
gets areas from a deterministic local search (:mod:`.heuristic`); a zone of at most
``exact_villages`` villages is then solved exactly from there by CP-SAT (:mod:`.model`,
levels in order by :func:`zoneplan.lex_model.solve_levels`, each within
``deterministic_time``), and the better of the two (by the levels, in order) is kept.  Each
level's bound is CP-SAT's where it ran, else the simple one (no fewer areas without a
liaison than areas minus liaison villages; largest >= max(weight / areas, heaviest village);
smallest <= weight / areas; at least areas - 1 split neighbours).  Status and gap are
reported per zone.  Every result is re-checked by the independent checker :mod:`.check`.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Refusal
from ..i18n import N_, tr
from ..data.tables import Tables
from ..errors import InternalError
from ..graphs import UnionFind
from ..lex_model import overall_status, solve_levels
from .data import ZoneVillages, prepare_areas
from .heuristic import canonical, grow, improve, levels_of
from .model import build_area_model
from .options import AREA_LEVELS, AreaOptions

__all__ = ["AreasResult", "supervision_areas", "AREA_COLUMNS", "ZONE_COLUMNS", "area_id"]

log = logging.getLogger(__name__)

#: Columns of ``areas.csv`` (one row per village).
AREA_COLUMNS = ["village_id", "name", "township_id", "township_name", "zone", "area", "households", "population",
                "liaison", "liaison_name", "area_villages", "area_weight", "area_liaisons"]
#: Columns of the per-zone table.
ZONE_COLUMNS = ["zone", "county", "villages", "weight", "areas", "status", "no_liaison", "largest", "largest_bound",
                "smallest", "smallest_bound", "cut", "cut_bound", "gap", "time"]


def area_id(zone: str, k: int) -> str:
    """The id of a zone's ``k``-th area (from 0), in order of their lowest village id: ``<zone>-P1``..."""
    return f"{zone}-P{k + 1}"


@dataclass
class AreasResult:
    """What :func:`supervision_areas` returns.  Never raised; read ``status``.

    Attributes
    ----------
    status
        ``OPTIMAL`` (every level of every zone proven), ``FEASIBLE`` (areas for every zone,
        some level not proven within the limits: see ``per_zone`` for the gap), ``INFEASIBLE``
        or ``UNKNOWN`` (some zone has none; see ``explanations``).
    areas
        One row per village of a zoned township (columns :data:`AREA_COLUMNS`); ``area`` blank
        for zones without areas.
    per_zone
        Per zone (columns :data:`ZONE_COLUMNS`): villages, balance weight, the number of areas,
        status, each level's value and bound (``no_liaison`` blank when the zone marks no
        liaison), and ``gap`` = (largest - bound) / largest.
    weight
        What balances the areas: ``households``, ``population`` or ``villages``.
    """

    status: str
    areas: pd.DataFrame
    per_zone: pd.DataFrame
    weight: str
    wall_time: float
    seed: int
    options: dict[str, Any]
    explanations: list[str] = field(default_factory=list)
    explanations_zh: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    def by_area(self) -> pd.DataFrame:
        """One row per area (``area_summary.csv``): zone, area, villages, weight, liaisons, the
        townships it spans (names) and its liaisons' names."""
        a = self.areas[self.areas["area"] != ""]
        rows = []
        for (zone, area), g in a.groupby(["zone", "area"], sort=True):
            names = g["township_name"].where(g["township_name"] != "", g["township_id"])
            rows.append({"zone": zone, "area": area, "villages": len(g), "weight": int(g["area_weight"].iloc[0]),
                         "liaisons": int(g["liaison"].sum()), "townships": ";".join(dict.fromkeys(names)),
                         "liaison_names": ";".join(n for n in g["liaison_name"] if n)})
        return pd.DataFrame(rows, columns=["zone", "area", "villages", "weight", "liaisons", "townships",
                                           "liaison_names"])

    def report(self, include_timing: bool = True) -> dict[str, Any]:
        """The content of report.json (timing apart, the same for the same input)."""
        pz = self.per_zone.drop(columns=[] if include_timing else ["time"])
        return {
            "status": self.status, "weight": self.weight, "seed": self.seed, "options": self.options,
            "zones": pz.astype(object).where(pz.notna(), None).to_dict(orient="records"),
            "explanations": self.explanations,
            **({"timing": {"wall_time": round(self.wall_time, 4)}} if include_timing else {}),
        }


def _components(zv: ZoneVillages) -> list[list[int]]:
    uf = UnionFind(range(zv.n))
    for i, j in zv.edges:
        uf.union(i, j)
    return sorted(uf.groups())


def _simple_bounds(zv: ZoneVillages) -> dict[str, int]:
    """Bounds every partition meets (see the module docstring)."""
    total, k = int(zv.weight.sum()), zv.k
    return {"no_liaison": max(0, k - int(zv.liaison.sum())) if zv.liaison.any() else 0,
            "largest": max(-(-total // k), int(zv.weight.max())), "smallest": total // k, "cut": k - 1}


def _solve_zone(zv: ZoneVillages, options: AreaOptions, deadline: float | None
                ) -> tuple[np.ndarray | None, dict[str, int], bool]:
    """The zone's best areas, each level's bound, and whether every level is proven."""
    bounds = _simple_bounds(zv)
    start = grow(zv)
    best = None if start is None else improve(zv, start, options.seed)
    proven_by_model = False
    if zv.n <= options.exact_villages:
        am = build_area_model(zv)
        if best is not None:
            am.hint(best)
        out = solve_levels(am.model, am.levels, am.extract, seed=options.seed,
                           deterministic_time=options.deterministic_time, deadline=deadline)
        if out.solution is not None and (best is None or levels_of(zv, out.solution) <= levels_of(zv, best)):
            best = canonical(out.solution, zv.k)
            if len(out.levels) == len(am.levels):  # each bound holds given the levels before, which best meets
                for lv in out.levels:
                    bounds[lv.name] = int(lv.bound)
                proven_by_model = out.status == "OPTIMAL"
    if best is None:
        return None, bounds, False
    got = levels_of(zv, best)
    simple = (bounds["no_liaison"], bounds["largest"], -bounds["smallest"], bounds["cut"])
    return best, bounds, proven_by_model or got == simple


_APART = N_("zone {zone}: its villages fall into {n} groups with no neighbour between them (first villages "
             "{first}), more than its {k} areas; check village_adjacency")
_FEW = N_("zone {zone}: only {n} villages, so {k} areas (fewer than {m})")
_NONE_FOUND = N_("zone {zone}: no areas found within the limits")
_NO_LIAISON = N_("zone {zone}: {n} of its {k} areas have no liaison village ({m} marked in the zone)")


def _say(expl: list[str], expl_zh: list[str], msg: str, **fields: object) -> None:
    """An explanation in English and in Chinese, both from the message catalog."""
    expl.append(tr(msg, "en", **fields))
    expl_zh.append(tr(msg, "zh", **fields))


def supervision_areas(tables: Tables, zones: pd.DataFrame | None = None,
                      options: AreaOptions | None = None) -> AreasResult:
    """Split each zone's villages into contiguous supervision areas balanced by households.

    Parameters
    ----------
    tables
        Validated input with a villages table (:func:`zoneplan.load`).
    zones
        A zoning (``township_id, zone``); default: the ``zone`` column of the townships.
    options
        The number of areas, limits and seed.

    Returns
    -------
    AreasResult
        Always; zones that cannot be split are explained.

    Raises
    ------
    ValueError
        When the tables hold no villages, or no zoned township has any.
    InternalError
        When the independent checker rejects the areas (a bug in zoneplan).
    """
    from .check import check_areas

    options = options or AreaOptions()
    t0 = time.perf_counter()
    deadline = None if options.time_limit is None else t0 + options.time_limit
    if not len(tables.villages):
        raise Refusal(N_("supervision areas need a villages table (villages.csv / 村社区) beside the tables"))
    if zones is None:
        zones = pd.DataFrame({"township_id": tables.townships["township_id"], "zone": tables.townships["zone"]})
    zvs, wcol = prepare_areas(tables, zones, options)
    if not zvs:
        raise Refusal(N_("no zoned township has villages: give a zoning (--zones) or fill the zone column"))
    v = tables.villages
    area_of = np.full(len(v), -1, dtype=np.int64)
    zone_rows, statuses, expl, expl_zh = [], [], [], []
    feasible = [zv for zv in zvs if len(_components(zv)) <= zv.k]

    def timed(zv: ZoneVillages):
        tz = time.perf_counter()
        return (*_solve_zone(zv, options, deadline), time.perf_counter() - tz)

    # zones are independent; each is solved by one CP-SAT worker, so running them side by side
    # on threads does not change the areas (results are taken in zone order)
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        solved = dict(zip([zv.zone for zv in feasible], pool.map(timed, feasible)))
    for zv in zvs:
        row: dict[str, Any] = {"zone": zv.zone, "county": zv.county, "villages": zv.n, "weight": int(zv.weight.sum()),
                               "areas": zv.k}
        comps = _components(zv)
        if len(comps) > zv.k:
            first = ", ".join(v["village_id"].iat[int(zv.rows[c[0]])] for c in comps[:6])
            _say(expl, expl_zh, _APART, zone=zv.zone, n=len(comps), first=first, k=zv.k)
            row["status"] = "INFEASIBLE"
            statuses.append("INFEASIBLE")
            zone_rows.append(row)
            continue
        if zv.k < options.min_areas:
            _say(expl, expl_zh, _FEW, zone=zv.zone, n=zv.n, k=zv.k, m=options.min_areas)
        best, bounds, proven, seconds = solved[zv.zone]
        if best is None:
            _say(expl, expl_zh, _NONE_FOUND, zone=zv.zone)
            row["status"] = "UNKNOWN"
            statuses.append("UNKNOWN")
        else:
            area_of[zv.rows] = best
            got = dict(zip(AREA_LEVELS, levels_of(zv, best)))
            got["smallest"] = -got["smallest"]
            for name in AREA_LEVELS:
                if name == "no_liaison" and not zv.liaison.any():
                    continue
                row[name] = got[name]
                if name != "no_liaison":
                    row[f"{name}_bound"] = bounds[name]
            row["status"] = "OPTIMAL" if proven else "FEASIBLE"
            statuses.append(row["status"])
            row["gap"] = round((got["largest"] - bounds["largest"]) / max(1, got["largest"]), 6)
            liaisons = int(zv.liaison.sum())
            if 0 < liaisons and row.get("no_liaison", 0) > 0:
                _say(expl, expl_zh, _NO_LIAISON, zone=zv.zone, n=row["no_liaison"], k=zv.k, m=liaisons)
        row["time"] = round(seconds, 4)
        zone_rows.append(row)
        log.info("zone %s: %d villages, %d areas, %s", zv.zone, zv.n, zv.k, row["status"])
    per_zone = pd.DataFrame(zone_rows, columns=ZONE_COLUMNS)
    for c in ("no_liaison", "largest", "largest_bound", "smallest", "smallest_bound", "cut", "cut_bound"):
        per_zone[c] = pd.array([None if pd.isna(x) else int(x) for x in per_zone[c]], dtype="Int64")
    areas = _area_table(tables, zvs, area_of, wcol)
    report = check_areas(tables, zones, areas, options)
    if not report.ok:
        raise InternalError(f"the supervision areas fail their checker: {'; '.join(report.messages()[:10])}")
    return AreasResult(overall_status(statuses), areas, per_zone, wcol, time.perf_counter() - t0, options.seed,
                       options.model_dump(mode="json"), expl, expl_zh)


def _area_table(tables: Tables, zvs: list[ZoneVillages], area_of: np.ndarray, wcol: str) -> pd.DataFrame:
    v = tables.villages
    names = dict(zip(tables.townships["township_id"], tables.townships["name"]))
    rows = np.concatenate([zv.rows for zv in zvs])
    zone = np.concatenate([[zv.zone] * zv.n for zv in zvs]).astype(object)
    a = area_of[rows]
    out = pd.DataFrame({
        "village_id": v["village_id"].to_numpy(dtype=object)[rows], "name": v["name"].to_numpy(dtype=object)[rows],
        "township_id": v["township_id"].to_numpy(dtype=object)[rows],
        "township_name": [names.get(t, "") for t in v["township_id"].to_numpy(dtype=object)[rows]],
        "zone": zone, "area": [area_id(z, int(k)) if k >= 0 else "" for z, k in zip(zone, a)],
        "households": v["households"].to_numpy(dtype=np.int64)[rows],
        "population": v["population"].to_numpy(dtype=np.int64)[rows],
        "liaison": v["liaison"].to_numpy(dtype=bool)[rows], "liaison_name": v["liaison_name"].to_numpy(dtype=object)[rows],
    })
    w = np.ones(len(out), dtype=np.int64) if wcol == "villages" else out[wcol].to_numpy(dtype=np.int64)
    g = out.assign(_w=w, _l=out["liaison"].astype(int)).groupby("area")
    out["area_villages"] = g["village_id"].transform("size").where(out["area"] != "")
    out["area_weight"] = g["_w"].transform("sum").where(out["area"] != "")
    out["area_liaisons"] = g["_l"].transform("sum").where(out["area"] != "")
    for c in ("area_villages", "area_weight", "area_liaisons"):
        out[c] = pd.array([None if pd.isna(x) else int(x) for x in out[c]], dtype="Int64")
    rank = {zv.zone: k for k, zv in enumerate(zvs)}  # the listing order of zones (areas/data.py)
    out["_rank"] = out["zone"].map(lambda z: rank.get(z, len(rank)))
    out = out.sort_values(["_rank", "area", "village_id"], kind="stable").drop(columns="_rank").reset_index(drop=True)
    return out[AREA_COLUMNS]
