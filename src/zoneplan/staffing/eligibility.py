"""The eligibility ("conflict") engine: which investigator may work which case, and why not.

For every case the *pool* (rule 6, "nearby") is computed first: county-level staff of the
case's county, plus township-level staff posted in the case township's zone (or, without a
zone, within ``max_travel`` road minutes in the same county).  Every pool pair is then tested
against the conflict rules; a pair that breaks none becomes a model variable.  Pairs outside
the pool are excluded by rule ``pool`` and are not enumerated (there are N x M of them);
:meth:`Eligibility.explain_pair` answers for any single pair on demand.

Rule ids: ``cross-check``, ``home``, ``kin``, ``declared``, ``pool``, ``team.available``,
``team.capacity`` (nobody with no capacity left is eligible); ``forbidden`` (a pair the
planner forbade, :func:`forbid_pairs`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..options import RuleOptions
from ..travel import TravelTable, round_minutes

__all__ = ["Eligibility", "build_eligibility", "forbid_pairs", "RULES", "RULE_WORDS"]

log = logging.getLogger(__name__)

RULES = ("cross-check", "home", "kin", "declared", "team.available", "team.capacity", "forbidden")
#: How each exclusion is counted in explanations ("4 posted locally, 2 kin of the subject").
RULE_WORDS = {
    "cross-check": "posted locally",
    "home": "from the case's township or village",
    "kin": "kin of the subject",
    "declared": "declared a conflict",
    "team.available": "unavailable",
    "team.capacity": "with no capacity left",
    "forbidden": "forbidden by the planner",
}


@dataclass
class Eligibility:
    """Eligible pairs (the model's variables) and the reasons for every excluded pool pair.

    Attributes
    ----------
    pair_inv, pair_case : int arrays
        Dense indices of eligible (investigator, case) pairs, sorted by case then investigator.
    pair_minutes : float array
        Road minutes posted township -> case township; ``pair_cost`` the rounded integer.
    pair_lead : bool array
        The pair may take the lead role (can_lead, and county-level when escalated).
    excluded : DataFrame
        One row per (pool pair, rule) excluded: investigator, case, rule, detail.
    pool_size : int array
        Pool size per case (before conflicts).
    """

    tables: Tables
    rules: RuleOptions
    travel: TravelTable
    inv_ids: np.ndarray
    case_ids: np.ndarray
    inv_township: np.ndarray
    case_township: np.ndarray
    inv_county_level: np.ndarray
    capacity: np.ndarray
    pair_inv: np.ndarray
    pair_case: np.ndarray
    pair_minutes: np.ndarray
    pair_cost: np.ndarray
    pair_lead: np.ndarray
    pool_size: np.ndarray
    excluded: pd.DataFrame
    kin_paths: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_inv)

    def pairs_frame(self) -> pd.DataFrame:
        """Eligible pairs with ids, minutes and lead eligibility."""
        return pd.DataFrame({
            "case_id": self.case_ids[self.pair_case],
            "investigator_id": self.inv_ids[self.pair_inv],
            "travel_minutes": self.pair_minutes,
            "can_lead_here": self.pair_lead,
        })

    def exclusion_counts(self) -> pd.DataFrame:
        """Per case: pool size, eligible count and excluded count per rule (a person may count twice)."""
        n = len(self.case_ids)
        out = pd.DataFrame({"case_id": self.case_ids, "pool": self.pool_size,
                            "eligible": np.bincount(self.pair_case, minlength=n)})
        if len(self.excluded):
            ci = pd.Index(self.case_ids).get_indexer(self.excluded["case_id"].to_numpy(dtype=object))
            for r in RULES:
                m = (self.excluded["rule"] == r).to_numpy()
                out[r] = np.bincount(ci[m], minlength=n)
        else:
            for r in RULES:
                out[r] = 0
        return out

    def explain_pair(self, investigator_id: str, case_id: str) -> list[tuple[str, str]]:
        """Every rule that excludes one pair, as ``(rule, detail)``; empty when eligible."""
        inv_pos = pd.Index(self.inv_ids).get_loc(investigator_id)
        case_pos = pd.Index(self.case_ids).get_loc(case_id)
        t = self.tables
        reasons = _pool_reason(t, self.rules, self.travel, inv_pos, case_pos)
        m = (self.excluded["investigator_id"] == investigator_id) & (self.excluded["case_id"] == case_id)
        if m.any():
            reasons += [(r, d) for r, d in self.excluded.loc[m, ["rule", "detail"]].itertuples(index=False)]
        elif reasons:
            # outside the pool: conflict rules were not enumerated; compute them now
            single = _conflicts_for_pairs(t, self.rules, np.array([inv_pos]), np.array([case_pos]))
            reasons += [(r, d) for _, _, r, d in single]
        return reasons


def _pool_reason(t: Tables, rules: RuleOptions, travel: TravelTable, i: int, c: int) -> list[tuple[str, str]]:
    tw = t.townships
    tidx = pd.Index(tw["township_id"].to_numpy(dtype=object))
    it = tidx.get_loc(t.investigators["township_id"].iat[i])
    ct = tidx.get_loc(t.cases["township_id"].iat[c])
    county = tw["county"].to_numpy(dtype=object)
    zone = tw["zone"].to_numpy(dtype=object)
    if t.investigators["level"].iat[i] == "county":
        if county[it] != county[ct]:
            return [("pool", f"county-level staff of county {county[it]!r}; the case is in county {county[ct]!r}")]
        return []
    if rules.use_zones and zone[ct] != "":
        if zone[it] != zone[ct]:
            return [("pool", f"posted in zone {zone[it] or '(none)'}; the case's township is in zone {zone[ct]}")]
        return []
    if not rules.cross_county and county[it] != county[ct]:
        return [("pool", f"posted in county {county[it]!r}; the case is in county {county[ct]!r}")]
    m = float(travel.minutes([it], [ct])[0])
    if m > rules.max_travel:
        return [("pool", f"{m:.0f} road minutes away; the pool reaches {rules.max_travel:g}")]
    return []


def _pool_pairs(t: Tables, rules: RuleOptions, travel: TravelTable) -> tuple[np.ndarray, np.ndarray]:
    """All (investigator, case) index pairs inside the case's pool, sorted by case, investigator."""
    tw, inv, cs = t.townships, t.investigators, t.cases
    tidx = pd.Index(tw["township_id"].to_numpy(dtype=object))
    county_code = pd.factorize(tw["county"].to_numpy(dtype=object))[0]
    zone_vals = tw["zone"].to_numpy(dtype=object)
    zone_code = pd.factorize(zone_vals)[0]
    zone_code = np.where(zone_vals == "", -1, zone_code)
    it = tidx.get_indexer(inv["township_id"].to_numpy(dtype=object))
    ct = tidx.get_indexer(cs["township_id"].to_numpy(dtype=object))
    is_county = (inv["level"] == "county").to_numpy()
    inv_frame = pd.DataFrame({"i": np.arange(len(inv)), "county": county_code[it], "zone": zone_code[it],
                              "t": it, "cl": is_county})
    case_frame = pd.DataFrame({"c": np.arange(len(cs)), "county": county_code[ct], "zone": zone_code[ct], "t": ct})
    parts = []
    # county-level staff of the case's county
    parts.append(case_frame[["c", "county"]].merge(inv_frame.loc[inv_frame.cl, ["i", "county"]], on="county")[["i", "c"]])
    tl = inv_frame.loc[~inv_frame.cl]
    use_zone = (case_frame["zone"] >= 0) if rules.use_zones else pd.Series(False, index=case_frame.index)
    zc = case_frame.loc[use_zone]
    if len(zc):
        parts.append(zc[["c", "zone"]].merge(tl[["i", "zone"]], on="zone")[["i", "c"]])
    rc = case_frame.loc[~use_zone]
    if len(rc):
        if rules.cross_county:
            cand = rc[["c", "t"]].merge(tl[["i", "t"]].rename(columns={"t": "ti"}), how="cross")
        else:
            cand = rc[["c", "t", "county"]].merge(tl[["i", "t", "county"]].rename(columns={"t": "ti"}), on="county")
        mins = travel.minutes(cand["ti"].to_numpy(), cand["t"].to_numpy())
        parts.append(cand.loc[mins <= rules.max_travel, ["i", "c"]])
    pairs = pd.concat(parts, ignore_index=True).drop_duplicates().sort_values(["c", "i"], kind="stable")
    return pairs["i"].to_numpy(dtype=np.int64), pairs["c"].to_numpy(dtype=np.int64)


def _kin_graph(t: Tables) -> dict[str, dict[str, str]]:
    """The relations as adjacency: person -> {neighbour: relation word} (first row wins)."""
    g: dict[str, dict[str, str]] = {}
    rel = t.relations
    for a, b, r in zip(rel["a"].tolist(), rel["b"].tolist(), rel["relation"].tolist()):
        if a == "" or b == "" or a == b or b in g.get(a, ()):
            continue
        g.setdefault(a, {})[b] = r
        g.setdefault(b, {})[a] = r
    return g


def _shortest_paths(g: dict[str, dict[str, str]], source: str, cutoff: int) -> dict[str, list[str]]:
    """Breadth-first shortest paths from ``source`` up to ``cutoff`` hops (neighbours in
    the order the relations list them)."""
    paths = {source: [source]}
    frontier = [source]
    for _ in range(cutoff):
        nxt = []
        for u in frontier:
            for v in g.get(u, ()):
                if v not in paths:
                    paths[v] = paths[u] + [v]
                    nxt.append(v)
        frontier = nxt
    return paths


def _path_text(g: dict[str, dict[str, str]], path: list[str]) -> str:
    if len(path) == 1:
        return f"{path[0]} is the subject"
    out = [path[0]]
    for u, v in zip(path, path[1:]):
        rel = g[u][v] or "related"
        out.append(f"-[{rel}]- {v}")
    return " ".join(out) + f" ({len(path) - 1} hop{'s' if len(path) > 2 else ''})"


def _kin_pairs(t: Tables, rules: RuleOptions, case_subset: np.ndarray | None = None) -> dict[tuple[int, int], str]:
    """(investigator index, case index) -> kin path text, for every investigator near a subject."""
    g = _kin_graph(t)
    inv_pos = {v: k for k, v in enumerate(t.investigators["investigator_id"].tolist())}
    subjects = t.cases["subject_id"].to_numpy(dtype=object)
    cases = range(len(subjects)) if case_subset is None else case_subset.tolist()
    reach: dict[str, list[tuple[int, str]]] = {}
    out: dict[tuple[int, int], str] = {}
    for c in cases:
        s = subjects[c]
        if s == "":
            continue
        if s not in reach:
            hits: list[tuple[int, str]] = []
            if s in inv_pos:
                hits.append((inv_pos[s], f"{s} is the subject"))
            if s in g:
                for node, p in _shortest_paths(g, s, rules.max_hops).items():
                    if node in inv_pos and node != s:
                        hits.append((inv_pos[node], _path_text(g, list(reversed(p)))))
            reach[s] = sorted(hits)
        for i, text in reach[s]:
            out[(i, c)] = text
    return out


def _conflicts_for_pairs(t: Tables, rules: RuleOptions, pi: np.ndarray, pc: np.ndarray,
                         kin: dict[tuple[int, int], str] | None = None) -> list[tuple[int, int, str, str]]:
    """Every conflict rule broken by each pair, as (inv, case, rule, detail), vectorised."""
    inv, cs = t.investigators, t.cases
    out: list[tuple[int, int, str, str]] = []
    if len(pi) == 0:
        return out
    inv_t = inv["township_id"].to_numpy(dtype=object)[pi]
    case_t = cs["township_id"].to_numpy(dtype=object)[pc]
    level = inv["level"].to_numpy(dtype=object)[pi]
    # 1 cross-check
    if not rules.allow_own_township:
        m = (level == "township") & (inv_t == case_t)
        for k in np.flatnonzero(m):
            out.append((int(pi[k]), int(pc[k]), "cross-check", f"posted in the case's township {case_t[k]}"))
    # 2 home
    home_t = inv["home_township"].to_numpy(dtype=object)[pi]
    home_v = inv["home_village"].to_numpy(dtype=object)[pi]
    case_v = cs["village"].to_numpy(dtype=object)[pc]
    mt = (home_t != "") & (home_t == case_t)
    mv = (home_v != "") & (home_v == case_v)
    for k in np.flatnonzero(mt | mv):
        bits = []
        if mt[k]:
            bits.append(f"home township is the case's township {case_t[k]}")
        if mv[k]:
            bits.append(f"home village is the case's village {case_v[k]}")
        out.append((int(pi[k]), int(pc[k]), "home", "; ".join(bits)))
    # 3 kin
    if kin is None:
        kin = _kin_pairs(t, rules, np.unique(pc))
    n_inv = max(1, len(inv))
    keys = pc.astype(np.int64) * n_inv + pi
    if kin:
        kin_keys = np.fromiter((c * n_inv + i for i, c in kin), dtype=np.int64, count=len(kin))
        for k in np.flatnonzero(np.isin(keys, kin_keys)).tolist():
            key = (int(pi[k]), int(pc[k]))
            out.append((key[0], key[1], "kin", kin[key]))
    # 4 declared
    conf = t.conflicts
    if len(conf):
        inv_index = pd.Index(inv["investigator_id"].to_numpy(dtype=object))
        case_index = pd.Index(cs["case_id"].to_numpy(dtype=object))
        ci = inv_index.get_indexer(conf["investigator_id"].to_numpy(dtype=object))
        cc = case_index.get_indexer(conf["case_id"].to_numpy(dtype=object))
        reasons = conf["reason"].tolist()
        declared: dict[tuple[int, int], str] = {}
        for a, b, r in zip(ci.tolist(), cc.tolist(), reasons):
            declared.setdefault((a, b), r)
        dec_keys = np.fromiter((c * n_inv + i for i, c in declared), dtype=np.int64, count=len(declared))
        for k in np.flatnonzero(np.isin(keys, dec_keys)).tolist():
            key = (int(pi[k]), int(pc[k]))
            r = declared[key]
            out.append((key[0], key[1], "declared", f"declared recusal: {r}" if r else "declared recusal"))
    # 5 availability and capacity
    avail = inv["available"].to_numpy(dtype=bool)[pi]
    cap = (inv["max_cases"].to_numpy(dtype=np.int64) - inv["current_cases"].to_numpy(dtype=np.int64))[pi]
    for k in np.flatnonzero(~avail):
        out.append((int(pi[k]), int(pc[k]), "team.available", "marked unavailable"))
    for k in np.flatnonzero(avail & (cap <= 0)):
        out.append((int(pi[k]), int(pc[k]), "team.capacity", "no capacity left (max_cases reached)"))
    return out


def forbid_pairs(el: Eligibility, inv: np.ndarray, case: np.ndarray) -> Eligibility:
    """The same answer with the (investigator, case) index pairs ``inv``, ``case`` no longer
    eligible, each excluded by rule ``forbidden``; ``el`` itself is not changed."""
    import dataclasses

    inv = np.asarray(inv, dtype=np.int64)
    case = np.asarray(case, dtype=np.int64)
    if not len(inv):
        return el
    n = max(1, len(el.inv_ids))
    bad = np.isin(el.pair_case * n + el.pair_inv, case * n + inv)
    extra = pd.DataFrame({"investigator_id": el.inv_ids[inv], "case_id": el.case_ids[case], "rule": "forbidden",
                          "detail": "forbidden by the planner (--forbid)"})
    excluded = pd.concat([el.excluded, extra], ignore_index=True).sort_values(
        ["case_id", "investigator_id", "rule"], kind="stable").reset_index(drop=True)
    keep = ~bad
    return dataclasses.replace(el, pair_inv=el.pair_inv[keep], pair_case=el.pair_case[keep],
                               pair_minutes=el.pair_minutes[keep], pair_cost=el.pair_cost[keep],
                               pair_lead=el.pair_lead[keep], excluded=excluded)


def _check_near_people(t: Tables, rules: RuleOptions) -> None:
    """People with close names were taken as different people at load because no kin distance
    up to ``NEAR_HOPS`` depended on it; a deeper kin rule asks again, and refuses as the loader
    would (an :class:`~zoneplan.errors.InputError`, exit 2)."""
    from ..data.people import NEAR_HOPS, near_pair_problems
    from ..errors import InputError

    hops = max(rules.max_hops, rules.team_kin_hops)
    if hops <= NEAR_HOPS or not t.near_people:
        return
    inv = dict(zip(t.investigators["investigator_id"], t.investigators["name"]))
    problems = near_pair_problems(t.near_people, t.relations, inv, set(t.cases["subject_id"]) - {""}, hops)
    if problems:
        raise InputError(problems)


def build_eligibility(tables: Tables, rules: RuleOptions | None = None) -> Eligibility:
    """Compute the pool, every conflict and the eligible pairs for all cases.

    Pure function of the validated tables and the rules; fast on large inputs (pandas merges
    per county/zone, a depth-limited BFS per distinct subject).
    """
    rules = rules or RuleOptions()
    t = tables
    _check_near_people(t, rules)
    travel = TravelTable(t.townships, t.travel)
    pi, pc = _pool_pairs(t, rules, travel)
    kin = _kin_pairs(t, rules, np.unique(pc))
    conflicts = _conflicts_for_pairs(t, rules, pi, pc, kin)
    inv_ids = t.investigators["investigator_id"].to_numpy(dtype=object)
    case_ids = t.cases["case_id"].to_numpy(dtype=object)
    n_case = len(case_ids)
    if conflicts:
        ex = pd.DataFrame(conflicts, columns=["i", "c", "rule", "detail"])
        key_all = pc * max(1, len(inv_ids)) + pi
        key_bad = np.unique(ex["c"].to_numpy() * max(1, len(inv_ids)) + ex["i"].to_numpy())
        bad = np.isin(key_all, key_bad)
        excluded = pd.DataFrame({
            "investigator_id": inv_ids[ex["i"].to_numpy()],
            "case_id": case_ids[ex["c"].to_numpy()],
            "rule": ex["rule"].to_numpy(dtype=object),
            "detail": ex["detail"].to_numpy(dtype=object),
        }).sort_values(["case_id", "investigator_id", "rule"], kind="stable").reset_index(drop=True)
    else:
        bad = np.zeros(len(pi), dtype=bool)
        excluded = pd.DataFrame(columns=["investigator_id", "case_id", "rule", "detail"])
    ei, ec = pi[~bad], pc[~bad]
    tidx = pd.Index(t.townships["township_id"].to_numpy(dtype=object))
    inv_t = tidx.get_indexer(t.investigators["township_id"].to_numpy(dtype=object))
    case_t = tidx.get_indexer(t.cases["township_id"].to_numpy(dtype=object))
    minutes = travel.minutes(inv_t[ei], case_t[ec])
    county_level = (t.investigators["level"] == "county").to_numpy()
    can_lead = t.investigators["can_lead"].to_numpy(dtype=bool)
    escalated = t.cases["escalated"].to_numpy(dtype=bool)
    lead = can_lead[ei] & (~escalated[ec] | county_level[ei])
    capacity = np.maximum(0, t.investigators["max_cases"].to_numpy(dtype=np.int64)
                          - t.investigators["current_cases"].to_numpy(dtype=np.int64))
    log.info("eligibility: %d pool pairs, %d eligible, %d exclusions", len(pi), len(ei), len(excluded))
    return Eligibility(
        tables=t, rules=rules, travel=travel, inv_ids=inv_ids, case_ids=case_ids,
        inv_township=inv_t, case_township=case_t, inv_county_level=county_level, capacity=capacity,
        pair_inv=ei, pair_case=ec, pair_minutes=minutes, pair_cost=round_minutes(minutes), pair_lead=lead,
        pool_size=np.bincount(pc, minlength=n_case), excluded=excluded, kin_paths=kin,
    )
