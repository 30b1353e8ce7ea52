"""The independent 1+1+N checker: the rules of a leadership table, recomputed from the tables.

Imports no model code.  For each kind (``leader`` from ``leaders``, ``office`` from
``offices``), when the table is given:

* every zone of the zoning has one row (``zone``), and no row names an unknown zone; the
  table has a column per kind given (``plan.format``);
* a zone whose county has leaders (offices) has exactly one, known (``{kind}.unknown``) and of
  the zone's county (``{kind}.county``); a zone whose county has none has none;
* ``{kind}.home``: the zone's leader (an office member) comes from one of the zone's
  townships although another leader (office) of the county does not.  Leaders take any
  number of zones, so a conflict is avoidable exactly when such another one exists.

:func:`leadership_objective` recomputes the levels (conflicts; per county the most zones,
townships and villages of one leader or office, the largest over counties).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..data.tables import Tables
from ..results import CheckReport, Violation

__all__ = ["check_leadership", "leadership_objective"]

_KINDS = {"leader": ("leaders", "leader_id"), "office": ("offices", "office_id")}


def _zones(tables: Tables, zones: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for t, z in zip(zones["township_id"].astype(str), zones["zone"].fillna("").astype(str)):
        if z:
            out[z].append(t)
    return dict(out)


def _homes(tables: Tables, kind: str) -> dict[str, set[str]]:
    tname, id_col = _KINDS[kind]
    f = getattr(tables, tname)
    col = "home_township" if kind == "leader" else "home_townships"
    out = {}
    for i, h in zip(f[id_col], f[col]):
        out[str(i)] = ({h} if h else set()) if kind == "leader" else set(h)
    return out


def check_leadership(tables: Tables, zones: pd.DataFrame, table: pd.DataFrame) -> CheckReport:
    """Rule violations of a leadership table, as a :class:`~zoneplan.results.CheckReport`
    (``ok`` when it follows every rule; violations in the order found, case and
    investigator left blank: the detail names the zone and the leader or office; no
    objective, see :func:`leadership_objective`).

    ``table`` has ``zone`` and, per kind given, ``leader`` / ``office`` (ids, blank for none).
    """
    out: list[Violation] = []

    def add(rule: str, detail: str) -> None:
        out.append(Violation(rule, "", "", detail))

    zm = _zones(tables, zones)
    county_of = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    rows = {}
    for k, z in enumerate(table["zone"].astype(str)):
        if z in rows:
            add("zone", f"zone {z} appears twice in the leadership table")
        rows[z] = k
    for z in sorted(set(rows) - set(zm)):
        add("zone", f"zone {z} is not a zone of the zoning")
    for z in sorted(set(zm) - set(rows)):
        add("zone", f"zone {z} has no row in the leadership table")
    for kind, (tname, id_col) in _KINDS.items():
        agents = getattr(tables, tname)
        if not len(agents):
            continue
        if kind not in table.columns:
            add("plan.format", f"the leadership table has no {kind} column")
            continue
        county_agents: dict[str, list[str]] = defaultdict(list)
        agent_county = {}
        for i, c in zip(agents[id_col].astype(str), agents["county"].astype(str)):
            county_agents[c].append(i)
            agent_county[i] = c
        homes = _homes(tables, kind)
        for z, members in sorted(zm.items()):
            if z not in rows:
                continue
            c = county_of[members[0]]
            got = table[kind].iat[rows[z]]
            got = "" if got is None or (isinstance(got, float) and got != got) else str(got)
            if not county_agents.get(c):
                if got:
                    add(f"{kind}.county", f"zone {z} of county {c} has {kind} {got}, but county {c} has none")
                continue
            if not got:
                add(f"{kind}.unknown", f"zone {z} has no {kind}")
                continue
            if got not in agent_county:
                add(f"{kind}.unknown", f"zone {z} names unknown {kind} {got!r}")
                continue
            if agent_county[got] != c:
                add(f"{kind}.county", f"zone {z} is in county {c}; its {kind} {got} belongs to {agent_county[got]}")
                continue
            inside = homes[got] & set(members)
            free = [a for a in county_agents[c] if not homes[a] & set(members)]
            if inside and free:
                add(f"{kind}.home", f"zone {z}'s {kind} {got} comes from {'/'.join(sorted(inside))} in the zone; "
                           f"{', '.join(free[:5])} would not")
    return CheckReport(violations=out)


def leadership_objective(tables: Tables, zones: pd.DataFrame, table: pd.DataFrame) -> dict[str, float]:
    """The levels of a leadership table, recomputed: ``{kind}.conflicts`` (zones whose leader or
    office comes from the zone), and ``{kind}.max_zones`` / ``max_townships`` / ``max_villages``
    (per county the most of one leader or office; the largest over counties)."""
    zm = _zones(tables, zones)
    villages = dict(zip(tables.townships["township_id"], tables.townships["villages"]))
    row_of = {z: k for k, z in enumerate(table["zone"].astype(str))}
    out: dict[str, float] = {}
    for kind in _KINDS:
        if not len(getattr(tables, _KINDS[kind][0])) or kind not in table.columns:
            continue
        homes = _homes(tables, kind)
        conflicts = 0
        load: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for z, members in zm.items():
            got = str(table[kind].iat[row_of[z]]) if z in row_of else ""
            if not got or got == "nan":
                continue
            conflicts += bool(homes.get(got, set()) & set(members))
            load[got][0] += 1
            load[got][1] += len(members)
            load[got][2] += int(sum(villages[t] for t in members))
        out[f"{kind}.conflicts"] = float(conflicts)
        for k, name in enumerate(("max_zones", "max_townships", "max_villages")):
            out[f"{kind}.{name}"] = float(max((v[k] for v in load.values()), default=0))
    return out
