"""The one place where a sweep calls zoning and staffing.

:func:`run_scenario` draws a scenario's zoning exactly as ``zoneplan zone`` does, staffs under
it as ``zoneplan staff --zones`` does (through :func:`zoneplan.compare.comparison`, so its
measures are those of ``zoneplan compare``), and re-plans after random drop-outs.
:func:`staff_group` and :func:`merge_group_results` are the pieces of a staffing run split by
county across a cluster.  Everything a worker needs travels in one :class:`Payload`;
everything it returns is plain Python (numbers, strings, lists, dicts).

Only the public API is used: ``zoneplan.staff`` (``.status``, ``.objective``, ``.bound``,
``.assignments``, ``.unstaffed``, ``.workload``) and ``zoneplan.zoning.solve_zoning``
(``.status``, ``.zones``, ``.objective``, ``.per_county``), so a change there stays here.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..options import RuleOptions, SolveOptions
from .scenarios import Scenario

__all__ = ["Payload", "run_scenario", "check_scenarios", "draw_seed", "draw_dropouts", "replan_after_dropouts", "staffed_cases",
           "zoning_table_for", "StaffPayload", "county_groups", "group_tables", "staff_group",
           "merge_group_results", "FLOOR_ID"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Payload:
    """The input of a sweep, shipped once to every worker.

    Attributes
    ----------
    tables
        The loaded tables (the townships' ``zone`` column is the current zoning).
    rules, options
        Staffing rules and solve options, as for ``zoneplan staff``; ``options.workers`` is
        forced to 1 (one CP-SAT worker per scenario, so results never depend on the cluster).
    zoning_time_limit, seed
        Zoning limits as ``zoneplan zone --time-limit --seed``.
    with_roster
        Staff and cases per township enter the zoning balance (``zone`` without ``--no-roster``).
    dropouts, draws, dropout_seed
        Per draw, ``dropouts`` people of each county's teams drop out; ``draws`` draws per
        scenario, seeded from ``dropout_seed`` (see :func:`draw_seed`).
    """

    tables: Tables
    rules: RuleOptions = dataclasses.field(default_factory=RuleOptions)
    options: SolveOptions = dataclasses.field(default_factory=SolveOptions)
    zoning_time_limit: float = 60.0
    seed: int = 0
    with_roster: bool = True
    dropouts: int = 0
    draws: int = 0
    dropout_seed: int = 0
    _inp: Any = dataclasses.field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.options.workers != 1:
            self.options = self.options.model_copy(update={"workers": 1})

    def __getstate__(self) -> dict[str, Any]:  # the zoning input is rebuilt where it is used
        return {**self.__dict__, "_inp": None}

    def zoning_input(self):
        """The zoning problem of the tables, built once per process."""
        if self._inp is None:
            from ..zoning.adapter import zoning_input

            self._inp = zoning_input(self.tables, with_roster=self.with_roster)
        return self._inp

    def zoning_options(self, sc: Scenario):
        """The :class:`~zoneplan.zoning.ZoningOptions` of a scenario (as ``zone`` builds them)."""
        from ..zoning import ZoningOptions

        return ZoningOptions(time_limit=self.zoning_time_limit, seed=self.seed, **sc.zoning_kwargs())


def check_scenarios(payload: Payload, scenarios: Sequence[Scenario]) -> None:
    """Refuse, before any solve, what-ifs naming townships or zones the tables do not have.

    Raises
    ------
    ValueError
        Naming the scenario and what is wrong.
    """
    from ..zoning.checks import resolve_whatifs

    inp = payload.zoning_input()
    for sc in scenarios:
        if sc.current:
            continue
        try:
            resolve_whatifs(inp, payload.zoning_options(sc))
        except ValueError as exc:
            raise ValueError(f"scenario {sc.name}: {exc}") from None


def _plain(v: Any) -> Any:
    """A JSON/CSV-ready Python value (numpy scalars unwrapped, NaN as None)."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def draw_seed(seed: int, draw: int) -> int:
    """The seed of drop-out draw ``draw``: fixed by the sweep seed and the draw number.

    Every scenario uses the same seeds (common random numbers): two scenarios with the same
    plan lose the same people and cases, so differences between scenarios come from their
    zonings, not from the luck of the draw.

    Examples
    --------
    >>> draw_seed(0, 0) == draw_seed(0, 0) != draw_seed(0, 1)
    True
    """
    ss = np.random.SeedSequence([int(seed), int(draw)])
    return int(ss.generate_state(1)[0])


def draw_dropouts(teams: dict[str, list[str]], k: int, seed: int) -> list[str]:
    """``k`` people drawn from each county's teams (fewer when it has fewer), sorted.

    ``teams`` maps each county to the ids of the people on its cases' teams; counties and
    people are taken in sorted order, so the draw depends on ``seed`` alone.
    """
    rng = np.random.default_rng(seed)
    out: list[str] = []
    for county in sorted(teams):
        people = sorted(set(teams[county]))
        take = min(k, len(people))
        if take:
            out.extend(people[j] for j in sorted(rng.choice(len(people), size=take, replace=False).tolist()))
    return sorted(out)


def replan_after_dropouts(payload: Payload, zoned: Tables, plan: Any, dropped: Sequence[str]):
    """The re-plan after ``dropped`` people leave: they are marked unavailable and the
    scenario's plan is re-planned with the least change (``staff(..., previous=plan)``,
    the changes level right after staffed), as a county would re-plan a published plan.

    This is the one place that decides how a drop-out is re-planned.  Returns the
    :class:`~zoneplan.staffing.result.StaffingResult`; its ``change_summary`` counts the
    memberships that moved.
    """
    from .. import staff

    inv = zoned.investigators.copy()
    inv.loc[inv["investigator_id"].isin(list(dropped)), "available"] = False
    return staff(dataclasses.replace(zoned, investigators=inv), payload.rules, payload.options,
                 previous=plan.assignments)


def staffed_cases(result: Any) -> set[str]:
    """The cases a plan staffs."""
    return set(result.assignments["case_id"]) if len(result.assignments) else set()


def _county_figures(tables: Tables, plan: Any | None, zones: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per county: zones, cases, cases staffed, priority-weighted staffed, max workload, travel."""
    from ..travel import round_minutes

    tw = tables.townships
    county_of = dict(zip(tw["township_id"], tw["county"]))
    counties = sorted(set(tw["county"]))
    zone_of = dict(zip(zones["township_id"], zones["zone"].fillna("")))
    out = {c: {"zones": len({zone_of.get(t, "") for t in tw.loc[tw["county"] == c, "township_id"]} - {""}),
               "cases": 0, "cases_staffed": 0, "weighted_staffed": 0.0, "max_workload": 0.0, "travel": 0}
           for c in counties}
    cs = tables.cases
    case_county = [county_of[t] for t in cs["township_id"]]
    for c in case_county:
        out[c]["cases"] += 1
    if plan is None:  # no cases, nothing staffed: blank, not zero
        return {c: {**f, "cases_staffed": None, "weighted_staffed": None, "max_workload": None, "travel": None}
                for c, f in out.items()}
    a = plan.assignments
    staffed = set(a["case_id"]) if len(a) else set()
    for cid, c, p in zip(cs["case_id"], case_county, cs["priority"]):
        if cid in staffed:
            out[c]["cases_staffed"] += 1
            out[c]["weighted_staffed"] += float(p)
    inv = tables.investigators
    posted = dict(zip(inv["investigator_id"], inv["township_id"]))
    if len(a):  # the travel level's own rounding: road minutes per member, rounded half up
        from ..staffing.check import travel_minutes

        case_c = dict(zip(cs["case_id"], case_county))
        case_t = dict(zip(cs["case_id"], cs["township_id"]))
        raw = travel_minutes(tables, [posted[i] for i in a["investigator_id"]], [case_t[c] for c in a["case_id"]])
        for cid, m in zip(a["case_id"], round_minutes(raw).tolist()):
            out[case_c[cid]]["travel"] += int(m)
    for iid, w in zip(plan.workload["investigator_id"], plan.workload["workload"]):
        c = county_of.get(posted.get(iid))
        if c is not None:
            out[c]["max_workload"] = max(out[c]["max_workload"], round(float(w), 2))
    return out


def _case_county(tables: Tables) -> dict[str, str]:
    """Case id -> county of its township."""
    county_of = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    return dict(zip(tables.cases["case_id"], (county_of[t] for t in tables.cases["township_id"])))


def _teams_by_county(case_county: dict[str, str], assignments: pd.DataFrame) -> dict[str, list[str]]:
    """County -> the people on its cases' teams."""
    teams: dict[str, list[str]] = {}
    for cid, iid in zip(assignments["case_id"], assignments["investigator_id"]):
        teams.setdefault(case_county[cid], []).append(iid)
    return teams


def run_scenario(payload: Payload, sc: Scenario) -> dict[str, Any]:
    """Zone, staff and drop out one scenario; the figures as plain Python.

    Returns
    -------
    dict
        ``scenario``; ``row`` (the scenario's line of sweep.csv: zoning status and objective,
        the zoning measures and staffing figures of ``compare``, objective levels);
        ``counties`` (county -> figures, with ``lost`` per draw); ``draws`` (seed, people
        dropped, cases lost, per draw); ``zones`` (township -> zone); ``explanations``;
        ``wall_time`` and ``cpu_time`` (seconds; the only fields that vary run to run).  Never raises for an infeasible zoning: it is a status.
    """
    from ..compare import comparison
    from ..zoning import solve_zoning, zoning_objective
    from ..zoning.adapter import current_zoning

    t0, c0 = time.perf_counter(), time.process_time()
    tables = payload.tables
    inp = payload.zoning_input()
    row: dict[str, Any] = {"scenario": sc.name, "min_size": None if sc.current else sc.min_size,
                           "max_size": None if sc.current else sc.max_size, "target_zones": sc.target_zones,
                           "whatif": sc.whatif}
    explanations: list[str] = []
    county_status: dict[str, Any] = {}
    if sc.current:
        zones = current_zoning(tables)
        row.update(zoning_status="CURRENT", zoning_objective=zoning_objective(inp, zones))
        tw = tables.townships
        for c in sorted(set(tw["county"])):
            zc = zones[(tw["county"] == c).to_numpy()]
            county_status[c] = ("CURRENT", zoning_objective(inp, zc))
        feasible = True
    else:
        zres = solve_zoning(inp, payload.zoning_options(sc))
        zones = zres.zones[["township_id", "zone"]]
        row.update(zoning_status=zres.status, zoning_objective=zres.objective)
        explanations = list(zres.explanations)
        county_status = {r.county: (r.status, _plain(r.objective)) for r in zres.per_county.itertuples(index=False)}
        feasible = zres.feasible
    counties: dict[str, dict[str, Any]] = {}
    draws: list[dict[str, Any]] = []
    if feasible:
        staffing = len(tables.cases) > 0
        comp = comparison(tables, {sc.name: zones}, staffing=staffing, rules=payload.rules, options=payload.options)
        summary = {k: _plain(v) for k, v in comp.summary.iloc[0].to_dict().items() if k != "zoning"}
        plan = comp.plans.get(sc.name)
        if plan is not None:
            summary["weighted_staffed"] = summary.pop("priority_staffed")
            summary["travel"] = _plain(plan.objective.get("travel"))
        row.update(summary)
        counties = _county_figures(tables, plan, zones)
        if plan is not None and payload.dropouts > 0 and payload.draws > 0:
            from ..compare import apply_zoning

            zoned = apply_zoning(tables, zones)
            before = staffed_cases(plan)
            case_county = _case_county(tables)
            teams = _teams_by_county(case_county, plan.assignments)
            for c in counties:
                counties[c]["lost"] = []
            for d in range(payload.draws):
                seed = draw_seed(payload.dropout_seed, d)
                dropped = draw_dropouts(teams, payload.dropouts, seed)
                after = replan_after_dropouts(payload, zoned, plan, dropped)
                lost = sorted(before - staffed_cases(after))
                changes = int(after.change_summary["changes"]) if after.change_summary else 0
                draws.append({"draw": d, "seed": seed, "dropped": dropped, "lost": lost, "changes": changes})
                for c in counties:
                    counties[c]["lost"].append(sum(1 for x in lost if case_county[x] == c))
            n_lost = [len(d["lost"]) for d in draws]
            n_changes = [d["changes"] for d in draws]
            row.update(dropouts=payload.dropouts, draws=payload.draws,
                       lost_mean=round(float(np.mean(n_lost)), 2), lost_worst=int(max(n_lost)),
                       changes_mean=round(float(np.mean(n_changes)), 2), changes_worst=int(max(n_changes)))
    for c, (st, obj) in county_status.items():
        counties.setdefault(c, {})
        counties[c] = {"zoning_status": st, "zoning_objective": obj, **counties[c]}
    zone_of = dict(zip(zones["township_id"], zones["zone"].fillna("")))
    return {"scenario": sc.name, "row": row, "counties": counties, "draws": draws,
            "zones": {t: zone_of.get(t, "") for t in tables.townships["township_id"]},
            "explanations": explanations, "wall_time": time.perf_counter() - t0,
            "cpu_time": time.process_time() - c0}


def zoning_table_for(payload: Payload, zones: pd.DataFrame) -> pd.DataFrame:
    """zones.csv of a zoning (``township_id, zone``), as ``zoneplan zone`` writes it."""
    from ..io.side import zoning_table

    return zoning_table(payload.zoning_input(), zones)


# --- a staffing run split by county ------------------------------------------------------------

#: Id of the stand-in person that carries the global workload floor into a group's run.
FLOOR_ID = "~workload-floor"


@dataclasses.dataclass
class StaffPayload:
    """The input of a staffing run split by county, shipped once to every worker."""

    tables: Tables
    rules: RuleOptions
    options: SolveOptions
    _components: Any = dataclasses.field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_components": None}

    def relation_components(self) -> tuple[np.ndarray, dict[str, int]]:
        """Connected component of each relations row and of each person in it (built once)."""
        if self._components is None:
            import networkx as nx

            rel = self.tables.relations
            g = nx.Graph()
            if len(rel):
                g.add_edges_from(zip(rel["a"], rel["b"]))
            node = {n: k for k, comp in enumerate(nx.connected_components(g)) for n in comp}
            rows = np.array([node[a] for a in rel["a"]], dtype=np.int64) if len(rel) else np.zeros(0, np.int64)
            self._components = (rows, node)
        return self._components


def county_groups(tables: Tables, groups: int = 16) -> list[tuple[str, ...]]:
    """Counties (sorted by name) cut into at most ``groups`` consecutive runs of about equal cases.

    Depends on the data alone, never on the cluster, so the plan does not either.
    """
    tw = tables.townships
    counties = sorted(set(tw["county"]))
    county_of = dict(zip(tw["township_id"], tw["county"]))
    cases = {c: 0 for c in counties}
    for t in tables.cases["township_id"]:
        cases[county_of[t]] += 1
    k = max(1, min(groups, len(counties)))
    total = sum(cases.values()) or 1
    out: list[list[str]] = [[]]
    acc = 0
    for c in counties:
        if out[-1] and acc >= total * len(out) / k and len(out) < k:
            out.append([])
        out[-1].append(c)
        acc += cases[c]
    return [tuple(g) for g in out]


def group_tables(payload: StaffPayload, counties: Sequence[str]) -> Tables:
    """The tables of some counties: their townships, the people posted there, their cases.

    Relations keep every connected group of people that holds one of their investigators or
    subjects (a kin path never leaves its group); declared conflicts, adjacency and travel
    are cut to the counties.  Without ``cross_county`` no team crosses a county, so the
    groups together pose the whole problem.
    """
    t = payload.tables
    tw = t.townships
    keep_tw = tw["county"].isin(list(counties))
    towns = set(tw.loc[keep_tw, "township_id"])
    inv = t.investigators[t.investigators["township_id"].isin(towns)].reset_index(drop=True)
    cases = t.cases[t.cases["township_id"].isin(towns)].reset_index(drop=True)
    rel = t.relations
    if len(rel):
        rows, node = payload.relation_components()
        wanted = {node[p] for p in list(inv["investigator_id"]) + list(cases["subject_id"]) if p in node}
        rel = rel[np.isin(rows, sorted(wanted))].reset_index(drop=True)
    conf = t.conflicts
    if len(conf):
        conf = conf[conf["case_id"].isin(set(cases["case_id"]))].reset_index(drop=True)
    adj = t.adjacency
    if adj is not None:
        adj = adj[adj["a"].isin(towns) & adj["b"].isin(towns)].reset_index(drop=True)
    trav = t.travel
    if trav is not None:
        trav = trav[trav["from"].isin(towns) & trav["to"].isin(towns)].reset_index(drop=True)
    return dataclasses.replace(t, townships=tw[keep_tw].reset_index(drop=True), investigators=inv, cases=cases,
                               relations=rel, conflicts=conf, adjacency=adj, travel=trav, sources={})


def staff_group(payload: StaffPayload, counties: Sequence[str], floor: float | None = None):
    """``zoneplan.staff`` on some counties; with ``floor``, under the whole run's workload floor.

    The lexicographic max-workload level is global: the whole run minimises the largest
    workload of *anyone*, then lets every part use that much for the travel level.
    ``floor`` (the whole run's optimum) enters as one unavailable stand-in person
    (:data:`FLOOR_ID`) who already carries that workload, so the group's travel level is
    solved under the same cap as in the whole run.
    """
    from .. import staff

    tables = group_tables(payload, counties)
    if floor is not None and len(tables.townships):
        inv = tables.investigators
        stand_in = {c: inv[c].iloc[0] if len(inv) else None for c in inv.columns}
        stand_in.update(investigator_id=FLOOR_ID, name="", township_id=tables.townships["township_id"].iloc[0],
                        level="township", home_township="", home_village="", skills=(), can_lead=False,
                        max_cases=0, available=False, current_cases=0, current_workload=float(floor))
        inv = pd.concat([inv, pd.DataFrame([stand_in], columns=inv.columns).astype(inv.dtypes.to_dict())],
                        ignore_index=True)
        tables = dataclasses.replace(tables, investigators=inv)
    return staff(tables, payload.rules, payload.options)


def merge_group_results(tables: Tables, rules: RuleOptions, options: SolveOptions, results: Sequence[Any],
                        first: Sequence[Any], wall_time: float):
    """One staffing result from the group results of :func:`staff_group`, re-checked whole.

    ``results`` are the final group runs, ``first`` the runs without a floor (their pools
    and part counts, which the stand-in would inflate, give the statistics).  Sum levels
    (staffed, travel) add up, the max-workload level is the largest; the plan is re-checked
    against the whole tables by the independent checker.

    Raises
    ------
    InternalError
        When the merged plan breaks a rule (a bug: groups share no one).
    """
    from ..staffing.check import check
    from ..errors import InternalError
    from ..results import LevelResult, Levels, overall_status
    from ..staffing import StaffingResult

    a = pd.concat([r.assignments for r in results], ignore_index=True)
    a["_r"] = (a["role"] != "lead").astype(int)
    a = a.sort_values(["case_id", "_r", "investigator_id"], kind="stable").drop(columns="_r").reset_index(drop=True)
    un = pd.concat([r.unstaffed for r in results], ignore_index=True)
    un = un.sort_values("case_id", kind="stable").reset_index(drop=True)
    wl = pd.concat([r.workload[r.workload["investigator_id"] != FLOOR_ID] for r in results], ignore_index=True)
    wl = wl.sort_values("investigator_id", kind="stable").reset_index(drop=True)
    report = check(tables, a[["case_id", "investigator_id", "role", "travel_minutes"]], rules)
    if not report.ok:
        raise InternalError(f"the county plans together break {len(report.violations)} rule(s)")
    levels = []
    for name, first_lv in results[0].levels.items():
        lvs = [r.levels[name] for r in results]
        agg = max if name == "max_workload" else sum
        bounds = [lv.bound for lv in lvs]
        levels.append(LevelResult(name, first_lv.sense, float(agg(lv.value for lv in lvs)),
                                  None if any(b is None for b in bounds) else float(agg(bounds)),
                                  all(lv.proven for lv in lvs)))
    status = overall_status(r.status for r in results)
    stats: dict[str, Any] = {}
    for key in first[0].stats:
        vals = [r.stats.get(key, 0) for r in first]
        stats[key] = bool(all(vals)) if isinstance(vals[0], bool) else \
            int(max(vals) if key == "largest_part_pairs" else sum(vals))  # "canonical": every group's
    stats.update(townships=int(len(tables.townships)), investigators=int(len(tables.investigators)),
                 cases=int(len(tables.cases)))
    return StaffingResult(
        status=status, levels=Levels(levels), assignments=a, unstaffed=un, workload=wl, wall_time=wall_time,
        timings={"groups": float(sum(r.wall_time for r in list(first) + list(results)))}, seed=options.seed,
        options={"rules": rules.model_dump(), "solve": options.model_dump(mode="json")}, stats=stats,
        check_violations=0, warnings=list(tables.warnings))
