"""The independent plan checker: the specification of a valid staffing plan.

:func:`check` takes the normalised input :class:`~zoneplan.data.tables.Tables`, a plan
(one row per investigator on a case) and the :class:`~zoneplan.options.RuleOptions` in
force, re-derives every hard rule from the tables, and returns a :class:`CheckReport`
with one :class:`Violation` per broken rule plus the objective recomputed from the plan.

It deliberately shares no code with the solver or its eligibility engine: the two are
written independently from the same rule text, and the solver runs this checker on every
plan it emits.  Only :mod:`zoneplan.geo` (distance estimate), the table container, the
options and the report types (:mod:`zoneplan.results`) are imported.  ``zoneplan.check``
re-exports it.

Rule ids
--------
Pair rules (one violation per offending plan row):

``cross-check``
    A township-level investigator works a case of the township they are posted in
    (unless ``allow_own_township``).  County-level staff are exempt.
``home``
    The investigator's home township is the case's township, or their home village is the
    case's village (villages compared as written; empty values never match).
``kin``
    The investigator is within ``max_hops`` edges of the case's subject in the undirected
    relations graph (the subject themself is 0 hops).  The detail names the path.
``declared``
    The (investigator, case) pair is a declared recusal in ``conflicts``.
``pool``
    County staff work only inside their own county.  Township staff work inside the case
    township's zone when ``use_zones`` and that zone is set; otherwise within
    ``max_travel`` road minutes and (unless ``cross_county``) inside the same county.
``team.available``
    The investigator is not available.

Team rules (one violation per case or per offending row):
``team.size`` (exactly ``team_size`` distinct members), ``team.skills`` (members' skills
cover ``required_skills``), ``team.lead`` (exactly one lead who ``can_lead`` when the case
``needs_lead`` or is ``escalated``; no lead otherwise), ``team.escalated`` (an escalated
case's lead is county-level).

Investigator rule: ``team.capacity`` (cases in the plan + ``current_cases`` <=
``max_cases``).

Team conflict rules (one violation per offending couple / township; off unless set):
``team.kin`` (two members of one team within ``team_kin_hops`` edges of each other in
the relations graph; the detail names the path), ``team.township`` (more than
``max_per_township`` township-level members of one team posted in the same township;
county-level staff are exempt).

Plan-format rules: ``plan.format`` (missing column, unreadable travel value),
``plan.unknown`` (unknown case or investigator id), ``plan.duplicate`` (same pair twice),
``plan.role`` (role not ``lead``/``member``), ``plan.travel`` (reported minutes differ from
the recomputed ones by more than :data:`TRAVEL_TOLERANCE`).

Re-planning rules (only when ``locks`` / ``forbid`` are given): ``plan.locked`` (a locked
membership is not in the plan), ``plan.forbidden`` (a forbidden membership is).

Policies
--------
* Rows with an unknown id are reported under ``plan.unknown`` and take no further part;
  of duplicated pairs only the first row takes part in the other rules and the objective.
* A plan without ``travel_minutes`` (hand-made) is fine; ``NaN`` values are not checked.
  A plan without ``case_id``, ``investigator_id`` or ``role`` gets ``plan.format``; rules
  that need the missing column are skipped.
* Objective: ``staffed`` = sum of ``priority`` over cases with exactly ``team_size``
  distinct members; ``max_workload`` = max over all investigators of
  ``current_workload`` + workload of their planned cases (0.0 without investigators);
  ``travel`` = sum over plan pairs of ``floor(minutes + 0.5)`` (road minutes rounded half
  up per member, an integer).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..geo import estimated_minutes
from ..options import RuleOptions
from ..results import CheckReport, Violation

__all__ = [
    "RULES",
    "PLAN_COLUMNS",
    "TRAVEL_TOLERANCE",
    "Violation",
    "CheckReport",
    "travel_minutes",
    "check",
]

logger = logging.getLogger(__name__)

#: Every rule id the checker can report, in the order of the specification.
RULES = (
    "cross-check",
    "home",
    "kin",
    "declared",
    "pool",
    "team.size",
    "team.skills",
    "team.lead",
    "team.escalated",
    "team.available",
    "team.capacity",
    "team.kin",
    "team.township",
    "plan.unknown",
    "plan.duplicate",
    "plan.role",
    "plan.format",
    "plan.travel",
    "plan.locked",
    "plan.forbidden",
)

#: Columns of a plan; ``travel_minutes`` is optional.
PLAN_COLUMNS = ("case_id", "investigator_id", "role", "travel_minutes")
_REQUIRED_PLAN_COLUMNS = ("case_id", "investigator_id", "role")
_ROLES = ("lead", "member")

#: Largest accepted difference (minutes) between reported and recomputed travel.
TRAVEL_TOLERANCE = 0.05

# --------------------------------------------------------------------------- helpers


def _as_str(values: Iterable) -> np.ndarray:
    """Object array of Python str; missing values become ""."""
    arr = pd.Series(values, dtype=object).to_numpy(dtype=object, copy=True)
    arr[pd.isna(arr)] = ""
    if len(arr) and pd.api.types.infer_dtype(arr, skipna=False) != "string":
        arr = np.fromiter((v if type(v) is str else str(v) for v in arr), dtype=object, count=len(arr))
    return arr


def _fmt(x: float) -> str:
    return "nan" if x != x else f"{x:.1f}"


class _Collector:
    """Accumulates violations; vectorised rules hand over aligned arrays."""

    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(self, rule: str, case_id: str, investigator_id: str, detail: str) -> None:
        self.items.append(Violation(rule, case_id, investigator_id, detail))

    def add_many(self, rule: str, case_ids, investigator_ids, details) -> None:
        for c, i, d in zip(case_ids, investigator_ids, details):
            self.items.append(Violation(rule, c, i, d))


# ------------------------------------------------------------------------ travel


def travel_minutes(tables: Tables, from_township_ids, to_township_ids) -> np.ndarray:
    """Road minutes between townships, element-wise (vectorised).

    Same township gives 0.0; otherwise the travel table's ``(from, to)`` minutes, else its
    ``(to, from)`` minutes, else :func:`zoneplan.geo.estimated_minutes` from the two
    townships' lat/lon.  A pair involving an unknown township (no table entry, no
    coordinates) gives ``nan``.

    Examples
    --------
    >>> travel_minutes(tables, ["T1", "T2"], ["T1", "T1"])  # doctest: +SKIP
    array([ 0. , 20.4])
    """
    f = _as_str(from_township_ids)
    t = _as_str(to_township_ids)
    if len(f) != len(t):
        raise ValueError(f"from_township_ids has {len(f)} items, to_township_ids has {len(t)}")
    out = np.full(len(f), np.nan, dtype=float)
    if len(f) == 0:
        return out

    towns = tables.townships.drop_duplicates("township_id")
    travel = tables.travel
    if travel is not None and len(travel):
        tf = _as_str(travel["from"])
        tt = _as_str(travel["to"])
        tm = travel["minutes"].to_numpy(dtype=float)
    else:
        tf = tt = np.empty(0, dtype=object)
        tm = np.empty(0, dtype=float)

    ids = pd.Index(pd.unique(np.concatenate([_as_str(towns["township_id"]), tf, tt, f, t])))
    n = np.int64(len(ids))
    fi = ids.get_indexer(f).astype(np.int64)
    ti = ids.get_indexer(t).astype(np.int64)

    if len(tm):
        keys = ids.get_indexer(tf).astype(np.int64) * n + ids.get_indexer(tt).astype(np.int64)
        table = pd.Series(tm, index=keys)
        table = table[~table.index.duplicated(keep="first")]
        out = table.reindex(fi * n + ti).to_numpy(dtype=float, copy=True)
        back = np.isnan(out)
        if back.any():
            out[back] = table.reindex(ti[back] * n + fi[back]).to_numpy(dtype=float)

    est = np.isnan(out)
    if est.any():
        coords = towns.set_index(_as_str(towns["township_id"]))[["lat", "lon"]].astype(float)
        a = coords.reindex(f[est])
        b = coords.reindex(t[est])
        out[est] = estimated_minutes(a["lat"].to_numpy(), a["lon"].to_numpy(),
                                     b["lat"].to_numpy(), b["lon"].to_numpy())
    out[f == t] = 0.0
    return out


# ------------------------------------------------------------------------- plan


def _read_plan(assignments: pd.DataFrame, out: _Collector) -> tuple[pd.DataFrame, bool]:
    """Plan rows as str columns plus ``reported`` minutes and ``row`` (1-based position).

    Returns the frame and whether the role column exists.  Missing id columns give an
    empty frame after reporting ``plan.format``.
    """
    if not isinstance(assignments, pd.DataFrame):
        raise TypeError(f"assignments must be a pandas DataFrame, got {type(assignments).__name__}")
    cols = set(map(str, assignments.columns))
    for name in _REQUIRED_PLAN_COLUMNS:
        if name not in cols:
            out.add("plan.format", "", "",
                    f"plan has no column {name!r}; expected columns {', '.join(PLAN_COLUMNS)}")
    has_ids = "case_id" in cols and "investigator_id" in cols
    has_role = "role" in cols
    n = len(assignments) if has_ids else 0
    plan = pd.DataFrame({
        "case_id": _as_str(assignments["case_id"]) if has_ids else np.empty(0, dtype=object),
        "investigator_id": _as_str(assignments["investigator_id"]) if has_ids else np.empty(0, dtype=object),
    })
    plan["role"] = _as_str(assignments["role"]) if (has_role and has_ids) else np.full(n, "", dtype=object)
    plan["row"] = np.arange(1, n + 1, dtype=np.int64)
    if has_ids and "travel_minutes" in cols:
        raw = assignments["travel_minutes"].to_numpy(dtype=object)
        blank = pd.isna(raw) | np.fromiter((type(v) is str and not v.strip() for v in raw), dtype=bool, count=n)
        reported = pd.to_numeric(pd.Series(np.where(blank, np.nan, raw), dtype=object),
                                 errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(reported) & ~blank
        if bad.any():
            vals = raw[bad]
            out.add_many("plan.format", plan["case_id"].to_numpy()[bad], plan["investigator_id"].to_numpy()[bad],
                         [f"travel_minutes {v!r} is not a number" for v in vals])
        plan["reported"] = reported
    else:
        plan["reported"] = np.full(n, np.nan)
    return plan, has_role


# ----------------------------------------------------------------------- rules


def _kin_graph(relations: pd.DataFrame) -> nx.Graph:
    """Undirected people graph; parallel rows join their relation labels with '/'."""
    return _graph_of(_kin_edges(relations))


def _graph_of(edges: pd.DataFrame | None) -> nx.Graph:
    g = nx.Graph()
    if edges is not None:
        g.add_edges_from((x, y, {"relation": r}) for x, y, r in
                         zip(edges["x"].to_numpy(), edges["y"].to_numpy(), edges["relation"].to_numpy()))
    return g


def _kin_edges(relations: pd.DataFrame) -> pd.DataFrame | None:
    """The relations as undirected edges ``x < y`` in (x, y) order, parallel rows joined."""
    if relations is None or len(relations) == 0:
        return None
    a = _as_str(relations["a"])
    b = _as_str(relations["b"])
    rel = _as_str(relations["relation"]) if "relation" in relations.columns else np.full(len(a), "", dtype=object)
    keep = (a != "") & (b != "") & (a != b)
    a, b, rel = a[keep], b[keep], rel[keep]
    swap = b < a
    edges = pd.DataFrame({"x": np.where(swap, b, a), "y": np.where(swap, a, b), "relation": rel},
                         dtype=object).drop_duplicates()
    multi = edges.duplicated(["x", "y"], keep=False).to_numpy()
    if multi.any():
        joined = (edges[multi].groupby(["x", "y"], sort=False)["relation"]
                  .agg(lambda r: "/".join(sorted(v for v in r if v))).reset_index())
        edges = pd.concat([edges[~multi], joined], ignore_index=True)
    return edges.sort_values(["x", "y"], kind="stable")


def _kin_path(g: nx.Graph, path: list[str]) -> str:
    """``I07 -[夫妻]- P12 -[兄弟]- S3 (2 hops)`` for a path investigator -> subject."""
    parts = [path[0]]
    for x, y in zip(path, path[1:]):
        parts.append(f"-[{g.edges[x, y]['relation']}]-")
        parts.append(y)
    hops = len(path) - 1
    return f"{' '.join(parts)} ({hops} hop{'' if hops == 1 else 's'})"


def _reasons(*parts: tuple[bool, str]) -> str:
    """The reasons that hold, joined with ``; `` (a row excluded by two rules of one family)."""
    return "; ".join(text for holds, text in parts if holds)


def _check_kin(rows: pd.DataFrame, tables: Tables, rules: RuleOptions, out: _Collector) -> None:
    subj = rows["subject_id"].to_numpy(dtype=object)
    inv = rows["investigator_id"].to_numpy(dtype=object)
    case = rows["case_id"].to_numpy(dtype=object)
    # the subject themself: 0 hops, no graph needed
    same = (subj != "") & (subj == inv)
    out.add_many("kin", case[same], inv[same], [f"{i} is the case's subject (0 hops)" for i in inv[same]])
    if rules.max_hops == 0:
        return
    edges = _kin_edges(tables.relations)
    if edges is None or not len(edges):
        return
    adj: dict[str, list[str]] = {}
    for x, y in zip(edges["x"].tolist(), edges["y"].tolist()):
        adj.setdefault(x, []).append(y)
        adj.setdefault(y, []).append(x)
    nodes = set(adj)
    # rows whose subject and investigator are both people of the graph (a national plan: 12,000
    # of 68,000 rows, 7,800 subjects)
    todo = (subj != "") & ~same & pd.Series(subj, dtype=object).isin(nodes).to_numpy() & \
        pd.Series(inv, dtype=object).isin(nodes).to_numpy()
    if not todo.any():
        return
    groups = pd.Series(np.flatnonzero(todo)).groupby(subj[todo], sort=True).indices
    pos_all = np.flatnonzero(todo)
    g = None  # the networkx graph, built only to name the path of a breach
    for s, local in groups.items():
        near = _within(adj, s, rules.max_hops)
        hit = [p for p in pos_all[local] if inv[p] in near]
        if not hit:
            continue
        g = _graph_of(edges) if g is None else g
        paths = nx.single_source_shortest_path(g, s, cutoff=rules.max_hops)
        for p in hit:
            out.add("kin", case[p], inv[p], _kin_path(g, paths[inv[p]][::-1]))


def _within(adj: dict[str, list[str]], source: str, hops: int) -> set[str]:
    """Everybody at most ``hops`` relations from ``source`` (breadth first; a plain loop over
    the adjacency lists: networkx's graph and path search per subject cost 1.3 s on a
    national plan, where nobody breaks the rule)."""
    seen = {source}
    layer = [source]
    for _ in range(hops):
        nxt = []
        for n in layer:
            for m in adj[n]:
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        if not nxt:
            break
        layer = nxt
    return seen


def _check_pairs(rows: pd.DataFrame, tables: Tables, rules: RuleOptions, out: _Collector) -> None:
    """Rules judged on each (case, investigator) row on its own."""
    case = rows["case_id"].to_numpy(dtype=object)
    inv = rows["investigator_id"].to_numpy(dtype=object)
    level = rows["level"].to_numpy(dtype=object)
    posted = rows["inv_township"].to_numpy(dtype=object)
    ctown = rows["case_township"].to_numpy(dtype=object)
    township_level = level == "township"

    # cross-check
    if not rules.allow_own_township:
        m = township_level & (posted == ctown)
        out.add_many("cross-check", case[m], inv[m],
                     [f"township-level investigator posted in {t} works a case of their own township"
                      for t in posted[m]])

    # home
    home_t = rows["home_township"].to_numpy(dtype=object)
    home_v = rows["home_village"].to_numpy(dtype=object)
    village = rows["village"].to_numpy(dtype=object)
    m_t = (home_t != "") & (home_t == ctown)
    m_v = (home_v != "") & (village != "") & (home_v == village)
    m = m_t | m_v
    out.add_many("home", case[m], inv[m],
                 [_reasons((a, f"home township {t} is the case's township"),
                           (b, f"home village {v} is the case's village"))
                  for t, v, a, b in zip(home_t[m], home_v[m], m_t[m], m_v[m])])

    # kin
    _check_kin(rows, tables, rules, out)

    # declared
    conf = tables.conflicts
    if conf is not None and len(conf):
        declared = pd.DataFrame({
            "investigator_id": _as_str(conf["investigator_id"]),
            "case_id": _as_str(conf["case_id"]),
            "reason": _as_str(conf["reason"]) if "reason" in conf.columns else np.full(len(conf), "", dtype=object),
        })
        pairs = pd.DataFrame({"investigator_id": inv, "case_id": case, "pos": np.arange(len(inv))})
        hits = pairs.merge(declared, on=["investigator_id", "case_id"], how="inner")
        for (p, c, i), reasons in hits.groupby(["pos", "case_id", "investigator_id"], sort=True)["reason"]:
            r = "; ".join(dict.fromkeys(x for x in reasons if x))
            out.add("declared", c, i, f'declared recusal: "{r}"' if r else "declared recusal (no reason given)")

    # pool
    icounty = rows["inv_county"].to_numpy(dtype=object)
    ccounty = rows["case_county"].to_numpy(dtype=object)
    izone = rows["inv_zone"].to_numpy(dtype=object)
    czone = rows["case_zone"].to_numpy(dtype=object)
    minutes = rows["minutes"].to_numpy(dtype=float)
    same_county = pd.notna(icounty) & (icounty == ccounty)
    county_level = level == "county"
    m = county_level & ~same_county
    out.add_many("pool", case[m], inv[m],
                 [f"county-level investigator of county {a!r} ({t}) cannot work a case in county {b!r} ({u})"
                  for a, t, b, u in zip(icounty[m], posted[m], ccounty[m], ctown[m])])
    by_zone = township_level & rules.use_zones & (czone != "") & pd.notna(czone)
    m = by_zone & ~(pd.notna(izone) & (izone == czone))
    out.add_many("pool", case[m], inv[m],
                 [f"posted in {t} (zone {a!r}); the case's township {u} is in zone {b!r}"
                  for t, a, u, b in zip(posted[m], izone[m], ctown[m], czone[m])])
    by_travel = township_level & ~by_zone
    too_far = by_travel & ~(minutes <= rules.max_travel)
    other_county = by_travel & ~same_county & (not rules.cross_county)
    m = too_far | other_county
    out.add_many("pool", case[m], inv[m],
                 [_reasons((far, f"{_fmt(mins)} road minutes from {t} to {u} > max_travel {_fmt(rules.max_travel)}"),
                           (oc, f"posted in county {a!r} ({t}), case in county {b!r} ({u}) and cross_county is off"))
                  for t, u, mins, a, b, far, oc in zip(posted[m], ctown[m], minutes[m], icounty[m], ccounty[m],
                                                       too_far[m], other_county[m])])

    # team.available
    m = ~rows["available"].to_numpy(dtype=bool)
    out.add_many("team.available", case[m], inv[m], [f"{i} is not available" for i in inv[m]])

    # plan.travel
    rep = rows["reported"].to_numpy(dtype=float)
    m = ~np.isnan(rep) & (np.abs(rep - minutes) > TRAVEL_TOLERANCE)
    out.add_many("plan.travel", case[m], inv[m],
                 [f"reported {r:g} travel minutes, recomputed {x:.2f} ({t} -> {u})"
                  for r, x, t, u in zip(rep[m], minutes[m], posted[m], ctown[m])])


def _check_teams(rows: pd.DataFrame, cases: pd.DataFrame, has_role: bool, out: _Collector) -> pd.Series:
    """Team rules; returns the number of distinct members per planned case."""
    size = rows.groupby("case_id", sort=False)["investigator_id"].size()
    want = cases.set_index("case_id")["team_size"].reindex(size.index).to_numpy(dtype=np.int64)
    m = size.to_numpy() != want
    out.add_many("team.size", size.index[m], [""] * int(m.sum()),
                 [f"{k} member{'' if k == 1 else 's'}, team_size is {w}"
                  for k, w in zip(size.to_numpy()[m], want[m])])

    # team.skills: required (case, skill) pairs not covered by any member
    planned = cases[cases["case_id"].isin(size.index)]
    need = pd.DataFrame({"case_id": planned["case_id"].to_numpy(dtype=object),
                         "skill": planned["required_skills"].to_numpy(dtype=object)}).explode("skill")
    need = need[need["skill"].notna()]
    if len(need):
        have = pd.DataFrame({"case_id": rows["case_id"].to_numpy(dtype=object),
                             "skill": rows["skills"].to_numpy(dtype=object)}).explode("skill")
        have = have[have["skill"].notna()].drop_duplicates()
        miss = need.merge(have, on=["case_id", "skill"], how="left", indicator=True)
        miss = miss[miss["_merge"] == "left_only"]
        for c, skills in miss.groupby("case_id", sort=True)["skill"]:
            s = sorted(set(skills))
            out.add("team.skills", c, "", f"required skill{'' if len(s) == 1 else 's'} not covered by the team: "
                    + ", ".join(s))

    if not has_role:
        return size

    # team.lead and team.escalated
    is_lead = rows["role"].to_numpy(dtype=object) == "lead"
    leads = rows[is_lead]
    info = cases.set_index("case_id").reindex(size.index)
    needs = (info["needs_lead"].to_numpy(dtype=bool) | info["escalated"].to_numpy(dtype=bool))
    n_leads = leads.groupby("case_id", sort=False).size().reindex(size.index, fill_value=0).to_numpy()
    esc_case = info["escalated"].to_numpy(dtype=bool)
    m = (needs & (n_leads != 1)) | (~needs & (n_leads > 0))
    if m.any():
        bad = leads[leads["case_id"].isin(size.index[m])]
        named = {c: sorted(g) for c, g in bad.groupby("case_id", sort=False)["investigator_id"]}
        for c, need_lead, esc in zip(size.index[m], needs[m], esc_case[m]):
            lst = named.get(c, [])
            if need_lead:
                why = "escalated" if esc else "needs_lead"
                have = f"has {len(lst)}: {', '.join(lst)}" if lst else "no row has role 'lead'"
                out.add("team.lead", c, "", f"case is {why} and needs exactly one lead; {have}")
            else:
                for i in lst:
                    out.add("team.lead", c, i, f"case needs no lead (needs_lead and escalated are false) but {i} "
                            "has role 'lead'")
    if len(leads):
        c_arr = leads["case_id"].to_numpy(dtype=object)
        i_arr = leads["investigator_id"].to_numpy(dtype=object)
        lvl = leads["level"].to_numpy(dtype=object)
        can = leads["can_lead"].to_numpy(dtype=bool)
        by_case = cases.set_index("case_id")
        esc = by_case["escalated"].reindex(c_arr).to_numpy(dtype=bool)
        need_l = by_case["needs_lead"].reindex(c_arr).to_numpy(dtype=bool) | esc
        m = need_l & ~can
        out.add_many("team.lead", c_arr[m], i_arr[m],
                     [f"{i} has role 'lead' but can_lead is false" for i in i_arr[m]])
        m = esc & (lvl != "county")
        out.add_many("team.escalated", c_arr[m], i_arr[m],
                     [f"escalated case led by {lv}-level {i}; the lead must be county-level"
                      for lv, i in zip(lvl[m], i_arr[m])])
    return size


def _check_capacity(rows: pd.DataFrame, investigators: pd.DataFrame, out: _Collector) -> None:
    k = rows.groupby("investigator_id", sort=True).size()
    inv = investigators.drop_duplicates("investigator_id").set_index("investigator_id").reindex(k.index)
    n = k.to_numpy(dtype=np.int64)
    cur = inv["current_cases"].to_numpy(dtype=np.int64)
    cap = inv["max_cases"].to_numpy(dtype=np.int64)
    m = n + cur > cap
    if not m.any():
        return
    over = k.index[m]
    sub = rows[rows["investigator_id"].isin(over)]
    listed = {i: sorted(g) for i, g in sub.groupby("investigator_id", sort=False)["case_id"]}
    out.add_many("team.capacity", [""] * int(m.sum()), over,
                 [f"{a} planned case{'' if a == 1 else 's'} ({', '.join(listed[i])}) + {c} current = {a + c} "
                  f"> max_cases {x}"
                  for i, a, c, x in zip(over, n[m], cur[m], cap[m])])


def _check_team_conflicts(rows: pd.DataFrame, tables: Tables, rules: RuleOptions, out: _Collector) -> None:
    """``team.kin`` and ``team.township``, from the tables alone."""
    if rules.team_kin_hops > 0:
        g = _kin_graph(tables.relations)
        for c, members in rows.groupby("case_id", sort=True)["investigator_id"]:
            team = sorted(set(members))
            inside = [m for m in team if m in g]
            for k, a in enumerate(inside):
                near = nx.single_source_shortest_path(g, a, cutoff=rules.team_kin_hops)
                for b in inside[k + 1:]:
                    if b in near:
                        out.add("team.kin", c, f"{a};{b}",
                                f"{a} and {b} on one team are kin: {_kin_path(g, near[b])} "
                                f"(team_kin_hops {rules.team_kin_hops})")
    if rules.max_per_township is not None:
        town = rows[rows["level"] == "township"]
        counts = town.groupby(["case_id", "inv_township"], sort=True)["investigator_id"]
        for (c, t), members in counts:
            if len(members) > rules.max_per_township:
                out.add("team.township", c, ";".join(sorted(members)),
                        f"{len(members)} members posted in {t}; max_per_township is {rules.max_per_township}")


# ------------------------------------------------------------------------ check


def check(tables: Tables, assignments: pd.DataFrame, rules: RuleOptions = RuleOptions(), *,
          locks: Iterable[tuple[str, str]] = (), forbid: Iterable[tuple[str, str]] = ()) -> CheckReport:
    """Check a staffing plan against every hard rule and recompute its objective.

    Parameters
    ----------
    tables : Tables
        Normalised input tables.
    assignments : pandas.DataFrame
        The plan: ``case_id``, ``investigator_id``, ``role`` (``lead``/``member``) and
        optionally ``travel_minutes``.  It is not modified.
    rules : RuleOptions
        The rules in force.
    locks, forbid : iterables of (case_id, investigator_id)
        Re-planning: memberships that must be in the plan, and memberships that may not.

    Returns
    -------
    CheckReport
        Violations (empty for a valid plan), objective, staffed and unstaffed cases.
        Format problems of the plan are violations, never exceptions.

    Raises
    ------
    TypeError
        If ``assignments`` is not a DataFrame.
    """
    out = _Collector()
    plan, has_role = _read_plan(assignments, out)
    cases = tables.cases.drop_duplicates("case_id")
    invs = tables.investigators.drop_duplicates("investigator_id")

    # plan.role
    if has_role:
        m = ~plan["role"].isin(_ROLES).to_numpy()
        out.add_many("plan.role", plan["case_id"].to_numpy()[m], plan["investigator_id"].to_numpy()[m],
                     [f"role {r!r} is not 'lead' or 'member'" for r in plan["role"].to_numpy()[m]])

    # plan.unknown
    known_case = plan["case_id"].isin(cases["case_id"]).to_numpy()
    known_inv = plan["investigator_id"].isin(invs["investigator_id"]).to_numpy()
    for mask, what in ((~known_case, "case_id"), (~known_inv, "investigator_id")):
        sub = plan[mask]
        out.add_many("plan.unknown", sub["case_id"], sub["investigator_id"],
                     [f"unknown {what} {v!r} (plan row {r})" for v, r in zip(sub[what], sub["row"])])

    # plan.duplicate
    dup = plan.duplicated(["case_id", "investigator_id"], keep=False).to_numpy()
    if dup.any():
        for (c, i), r in plan[dup].groupby(["case_id", "investigator_id"], sort=True)["row"]:
            out.add("plan.duplicate", c, i, f"pair appears {len(r)} times (plan rows {', '.join(map(str, r))})")

    # the rows that take part in the rules: known ids, first of each pair
    rows = plan[known_case & known_inv]
    rows = rows[~rows.duplicated(["case_id", "investigator_id"], keep="first")].reset_index(drop=True)
    inv_cols = ["investigator_id", "township_id", "level", "home_township", "home_village", "skills",
                "can_lead", "available"]
    rows = rows.merge(invs[inv_cols].rename(columns={"township_id": "inv_township"}),
                      on="investigator_id", how="left", validate="many_to_one")
    case_cols = ["case_id", "township_id", "village", "subject_id", "workload"]
    rows = rows.merge(cases[case_cols].rename(columns={"township_id": "case_township"}),
                      on="case_id", how="left", validate="many_to_one")
    for col in ("inv_township", "case_township", "level", "home_township", "home_village", "village", "subject_id"):
        rows[col] = _as_str(rows[col])
    towns = tables.townships.drop_duplicates("township_id").set_index("township_id")
    for side in ("inv", "case"):
        key = rows[f"{side}_township"].to_numpy(dtype=object)
        rows[f"{side}_county"] = towns["county"].reindex(key).to_numpy(dtype=object)
        rows[f"{side}_zone"] = towns["zone"].reindex(key).to_numpy(dtype=object)
    rows["minutes"] = travel_minutes(tables, rows["inv_township"], rows["case_township"])

    _check_pairs(rows, tables, rules, out)
    size = _check_teams(rows, cases, has_role, out)
    _check_capacity(rows, invs, out)
    _check_team_conflicts(rows, tables, rules, out)
    have = set(zip(plan["case_id"].tolist(), plan["investigator_id"].tolist()))
    for c, i in sorted(set(map(tuple, locks)) - have):
        out.add("plan.locked", c, i, f"locked membership {c}:{i} is not in the plan")
    for c, i in sorted(set(map(tuple, forbid)) & have):
        out.add("plan.forbidden", c, i, f"forbidden membership {c}:{i} is in the plan")

    # objective
    team_size = cases.set_index("case_id")["team_size"]
    full = size[size.to_numpy() == team_size.reindex(size.index).to_numpy()]
    full_set = set(full.index)
    staffed_cases = [c for c in cases["case_id"] if c in full_set]
    unstaffed_cases = [c for c in cases["case_id"] if c not in full_set]
    staffed = float(cases.loc[cases["case_id"].isin(full_set), "priority"].sum())
    if len(invs):
        load = rows.groupby("investigator_id", sort=False)["workload"].sum()
        total = invs["current_workload"].to_numpy(dtype=float) + \
            load.reindex(invs["investigator_id"]).fillna(0.0).to_numpy(dtype=float)
        max_workload = float(total.max())
    else:
        max_workload = 0.0
    mins = rows["minutes"].to_numpy(dtype=float)
    travel = int(np.floor(mins[~np.isnan(mins)] + 0.5).sum())

    violations = sorted(out.items, key=lambda v: (v.rule, v.case_id, v.investigator_id, v.detail))
    if violations:
        logger.debug("plan check: %d violation(s)", len(violations))
    return CheckReport(
        violations=violations,
        objective={"staffed": staffed, "max_workload": max_workload, "travel": travel},
        staffed_cases=staffed_cases,
        unstaffed_cases=unstaffed_cases,
    )
