"""1+1+N zone leadership: one leader and one office of the county for each zone.

"1+1+N": each collaboration zone is led by one member of the county commission's leadership
(``leaders.csv``), coordinated by one county discipline inspection office (``offices.csv``),
with its N township commissions.  Leaders and offices are two independent assignments, each
solved per county by :mod:`.model` with the levels ``conflicts``, ``max_zones``,
``max_townships``, ``max_villages`` (lexicographic: a leader or office never takes a zone
holding their (members') home township when another choice exists, then the load is
balanced -- zones per leader first, then townships, then villages).  Each county's loads are
minimal for that county; the result's ``max_*`` levels are the largest over the counties.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..errors import Refusal
from ..i18n import N_, tr
from ..data.tables import Tables
from ..errors import InternalError
from ..lex_model import LevelsView, overall_status, solve_levels
from ..results import LevelResult, Levels, Status
from .model import LEAD_LEVELS, AssignmentPart, build_assignment_model

__all__ = ["LeadershipOptions", "LeadershipResult", "assign_leadership", "zone_table", "LEADERSHIP_COLUMNS", "KINDS"]

log = logging.getLogger(__name__)

#: The two kinds: table of the tables, id column, words.
KINDS = {"leader": ("leaders", "leader_id"), "office": ("offices", "office_id")}
#: Columns of :attr:`LeadershipResult.zones` (``leadership.csv``).
LEADERSHIP_COLUMNS = ["zone", "county", "townships", "township_names", "villages", "leader", "leader_name",
                      "leader_conflict", "office", "office_name", "office_conflict"]


class LeadershipOptions(BaseModel):
    """Limits and seed of the 1+1+N assignment (the models are small: milliseconds per county)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_limit: float | None = Field(60.0, gt=0, description="wall-clock seconds for the whole solve")
    deterministic_time: float | None = Field(None, gt=0, description="CP-SAT deterministic limit per level solve")
    seed: int = Field(0, ge=0)


@dataclass
class LeadershipResult(LevelsView):
    """What :func:`assign_leadership` returns.  Never raised; read ``status``.

    Attributes
    ----------
    status
        ``OPTIMAL`` (every level of every county proven) or ``FEASIBLE``.
    levels
        ``leader.conflicts``, ``leader.max_zones``, ``leader.max_townships``,
        ``leader.max_villages`` and the same for ``office.`` (kinds without a table are left out).
    zones
        One row per zone (columns :data:`LEADERSHIP_COLUMNS`); blank leader or office where the
        county has none.
    explanations, explanations_zh
        Unavoidable conflicts and counties without leaders or offices, in English and Chinese.
    """

    status: Status
    levels: Levels
    zones: pd.DataFrame
    wall_time: float
    seed: int
    options: dict[str, Any]
    explanations: list[str] = field(default_factory=list)
    explanations_zh: list[str] = field(default_factory=list)

    def report(self, include_timing: bool = True) -> dict[str, Any]:
        """The content of report.json (timing apart, the same for the same input)."""
        out: dict[str, Any] = {
            **self.levels_report(),
            "seed": self.seed, "options": self.options,
            "zones": self.zones.astype(object).where(self.zones.notna(), None).to_dict(orient="records"),
            "explanations": self.explanations,
        }
        if include_timing:
            out["timing"] = {"wall_time": round(self.wall_time, 4)}
        return out


def zone_table(tables: Tables, zones: pd.DataFrame) -> pd.DataFrame:
    """Per zone of ``zones`` (``township_id, zone``): county, townships, names, villages.

    Zones in order of their smallest township id.
    """
    tw = tables.townships.set_index("township_id")
    z = zones[zones["zone"].astype(str) != ""]
    rows = []
    for zone, g in z.groupby("zone", sort=False):
        members = sorted(g["township_id"].astype(str))
        rows.append({"zone": str(zone), "county": str(tw.at[members[0], "county"]), "townships": ";".join(members),
                     "township_names": ";".join(str(tw.at[t, "name"]) or t for t in members),
                     "villages": int(sum(int(tw.at[t, "villages"]) for t in members))})
    out = pd.DataFrame(rows, columns=["zone", "county", "townships", "township_names", "villages"])
    if len(out):
        out = out.assign(_first=[t.split(";")[0] for t in out["townships"]]).sort_values(
            ["county", "_first"], kind="stable").drop(columns="_first")
    return out.reset_index(drop=True)


def _homes(tables: Tables, kind: str) -> list[frozenset[str]]:
    if kind == "leader":
        return [frozenset([h]) if h else frozenset() for h in tables.leaders["home_township"]]
    return [frozenset(h) for h in tables.offices["home_townships"]]


_WORDS = {"leader": N_("leader"), "office": N_("office")}
_NONE_IN_COUNTY = N_("county {county}: no {word} in {table}.csv, so its {n} zone(s) get none")
_NOT_FOUND = N_("county {county}: no {word} assignment found ({status})")
_UNAVOIDABLE = N_("zone {zone}: its {word} {who} comes from one of its townships; unavoidable, every {word} of county "
                  "{county} does: {whose}")


def _say(expl: list[str], expl_zh: list[str], msg: str, kind: str, **fields: object) -> None:
    """An explanation in English and in Chinese, both from the message catalog."""
    for out, lang in ((expl, "en"), (expl_zh, "zh")):
        out.append(tr(msg, lang, word=tr(_WORDS[kind], lang), **fields))


def assign_leadership(tables: Tables, zones: pd.DataFrame | None = None,
                      options: LeadershipOptions | None = None) -> LeadershipResult:
    """Assign one leader and one office of its county to every zone (1+1+N).

    Parameters
    ----------
    tables
        Validated input with ``leaders`` and/or ``offices`` (:func:`zoneplan.load`).
    zones
        A zoning (``township_id, zone``), e.g. ``ZoningResult.zones`` or
        :func:`zoneplan.io.side.read_zoning`; default: the ``zone`` column of the townships.
    options
        Limits and seed.

    Returns
    -------
    LeadershipResult
        Always; counties without leaders or offices are explained.

    Raises
    ------
    ValueError
        When the tables hold neither leaders nor offices, or there is no zone.
    InternalError
        When the independent checker rejects the assignment (a bug in zoneplan).
    """
    from .check import check_leadership

    options = options or LeadershipOptions()
    t0 = time.perf_counter()
    deadline = None if options.time_limit is None else t0 + options.time_limit
    if zones is None:
        zones = pd.DataFrame({"township_id": tables.townships["township_id"], "zone": tables.townships["zone"]})
    table = zone_table(tables, zones)
    if not len(table):
        raise Refusal(N_("no zone to lead: give a zoning (--zones) or fill the zone column of the townships"))
    kinds = [k for k, (tname, _) in KINDS.items() if len(getattr(tables, tname))]
    if not kinds:
        raise Refusal(N_("1+1+N needs leaders.csv (牵头领导) or offices.csv (纪检监察室) beside the tables"))
    tw_of = [set(t.split(";")) for t in table["townships"]]
    statuses: list[str] = []
    levels: list[LevelResult] = []
    expl: list[str] = []
    expl_zh: list[str] = []
    for kind in ("leader", "office"):
        tname, id_col = KINDS[kind]
        agents = getattr(tables, tname)
        table[kind] = ""
        table[f"{kind}_name"] = ""
        table[f"{kind}_conflict"] = False if kind in kinds else pd.NA
        if kind not in kinds:
            continue
        homes = _homes(tables, kind)
        vals = {n: 0 for n in LEAD_LEVELS}
        bnds = {n: 0 for n in LEAD_LEVELS}
        proven = {n: True for n in LEAD_LEVELS}
        for county in sorted(set(table["county"])):
            zs = np.flatnonzero((table["county"] == county).to_numpy())
            ag = np.flatnonzero((agents["county"] == county).to_numpy())
            if not len(ag):
                _say(expl, expl_zh, _NONE_IN_COUNTY, kind, county=county, table=tname, n=len(zs))
                continue
            conflict = np.array([[bool(homes[a] & tw_of[z]) for a in ag] for z in zs], dtype=bool).reshape(len(zs),
                                                                                                             len(ag))
            part = AssignmentPart(conflict, np.array([len(tw_of[z]) for z in zs]),
                                  table["villages"].to_numpy(dtype=np.int64)[zs])
            am = build_assignment_model(part)
            out = solve_levels(am.model, am.levels, am.extract, seed=options.seed,
                               deterministic_time=options.deterministic_time, deadline=deadline)
            statuses.append(out.status)
            if out.solution is None:
                _say(expl, expl_zh, _NOT_FOUND, kind, county=county, status=out.status)
                continue
            for lv in out.levels:
                vals[lv.name] = vals[lv.name] + lv.value if lv.name == "conflicts" else max(vals[lv.name], lv.value)
                bnds[lv.name] = bnds[lv.name] + lv.bound if lv.name == "conflicts" else max(bnds[lv.name], lv.bound)
                proven[lv.name] &= lv.proven
            for n in LEAD_LEVELS[len(out.levels):]:
                proven[n] = False
            ids = agents[id_col].to_numpy(dtype=object)
            names = agents["name"].to_numpy(dtype=object)
            for z, a in zip(zs.tolist(), out.solution.tolist()):
                g = int(ag[a])
                table.at[z, kind] = ids[g]
                table.at[z, f"{kind}_name"] = names[g] or ids[g]
                k = int(np.flatnonzero(zs == z)[0])
                if conflict[k, a]:
                    table.at[z, f"{kind}_conflict"] = True
                    whose = ", ".join(f"{ids[b]} ({'/'.join(sorted(homes[b] & tw_of[z]))})" for b in ag)
                    _say(expl, expl_zh, _UNAVOIDABLE, kind, zone=table.at[z, "zone"], who=names[g] or ids[g],
                         county=county, whose=whose)
        levels += [LevelResult(f"{kind}.{n}", "min", float(vals[n]), float(bnds[n]), proven[n]) for n in LEAD_LEVELS]
    table = table[LEADERSHIP_COLUMNS]
    report = check_leadership(tables, zones, table)
    if not report.ok:
        raise InternalError(f"the 1+1+N assignment fails its checker: {'; '.join(report.messages()[:10])}")
    return LeadershipResult(
        status=overall_status(statuses), levels=Levels(levels), zones=table, wall_time=time.perf_counter() - t0,
        seed=options.seed, options=options.model_dump(mode="json"), explanations=expl, explanations_zh=expl_zh)
