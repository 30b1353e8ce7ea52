"""What-if resolution and cheap pre-solve checks that explain infeasibility in words.

Pre-checks run before any model is built.  Each returns plain sentences that name the
townships involved and quote the numbers, so a planner can fix the input.  A county with a
pre-check finding is reported INFEASIBLE without solving.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from zoneplan.errors import Refusal
from zoneplan.graphs import UnionFind, components
from zoneplan.i18n import N_
from zoneplan.zoning.data import ZoningInput, ZoningOptions

__all__ = ["WhatIfs", "label", "labels", "precheck", "resolve_whatifs", "size_counts"]

logger = logging.getLogger(__name__)


def label(inp: ZoningInput, i: int) -> str:
    """Township label for messages: ``name (id)``, or the id when there is no distinct name."""
    tid, name = inp.township_ids[i], inp.names[i]
    return f"{name} ({tid})" if name and name != tid else tid


def labels(inp: ZoningInput, idx: Iterable[int], limit: int = 8) -> str:
    """Comma-separated labels, shortened to ``limit`` names plus a count."""
    idx = sorted(idx, key=lambda i: inp.township_ids[i])
    out = ", ".join(label(inp, i) for i in idx[:limit])
    if len(idx) > limit:
        out += f" and {len(idx) - limit} more"
    return out


def size_counts(size: int, min_size: int, max_size: int) -> range:
    """Numbers of zones that can cover ``size`` townships with zones of min..max.

    ``k`` zones fit exactly when ``k*min_size <= size <= k*max_size``; the feasible ``k``
    form a contiguous range (empty when no ``k`` works).

    Examples
    --------
    >>> list(size_counts(5, 2, 3)), list(size_counts(5, 4, 4))
    ([2], [])
    """
    if size == 0:
        return range(0, 1)
    lo = -(-size // max_size)
    hi = size // min_size
    return range(lo, hi + 1) if lo <= hi else range(0)


@dataclass(frozen=True)
class WhatIfs:
    """What-ifs in dense indices: excluded townships, kept zones, together/apart pairs."""

    excluded: frozenset[int]
    kept: dict[str, tuple[int, ...]]
    together: tuple[tuple[int, int], ...]
    apart: tuple[tuple[int, int], ...]

    @property
    def kept_townships(self) -> frozenset[int]:
        return frozenset(i for z in self.kept.values() for i in z)


def resolve_whatifs(inp: ZoningInput, options: ZoningOptions) -> WhatIfs:
    """Translate what-if ids to indices.

    Raises
    ------
    ValueError
        For unknown township ids, unknown zone ids in ``keep``, ``keep`` without
        ``current_zone``, or a ``target_zones`` dict naming an unknown county.
    """
    def idx(tid: str, what: str) -> int:
        if not inp.has(tid):
            raise Refusal(N_("{what} names township {tid!r}, which is not among the {n} townships"), what=what, tid=tid,
                          n=inp.n)
        return inp.index(tid)

    excluded = frozenset(idx(t, "exclude") for t in options.exclude)
    together = tuple((idx(a, "together"), idx(b, "together")) for a, b in options.together)
    apart = tuple((idx(a, "apart"), idx(b, "apart")) for a, b in options.apart)
    kept: dict[str, tuple[int, ...]] = {}
    if options.keep:
        if inp.current_zone is None:
            raise Refusal(N_("keep needs the current zones (current_zone), but none were given"))
        groups: dict[str, list[int]] = defaultdict(list)
        for i, z in enumerate(inp.current_zone):
            if z:
                groups[z].append(i)
        wanted = sorted(groups) if options.keep is True else list(dict.fromkeys(options.keep))
        unknown = [z for z in wanted if z not in groups]
        if unknown:
            raise Refusal(N_("keep names zone(s) {zones} not in current_zone; known zones: {known}"),
                          zones=", ".join(map(repr, unknown)), known=", ".join(sorted(groups)[:20]))
        for z in wanted:
            kept[z] = tuple(sorted(groups[z], key=lambda i: inp.township_ids[i]))
    if isinstance(options.target_zones, dict):
        unknown = sorted(set(options.target_zones) - set(inp.county))
        if unknown:
            raise Refusal(N_("target_zones names unknown county(ies) {counties}"),
                          counties=", ".join(map(repr, unknown)))
    return WhatIfs(excluded, kept, together, apart)


def _whatif_findings(inp: ZoningInput, opt: ZoningOptions, w: WhatIfs) -> list[tuple[str, str]]:
    """Contradictions among the what-ifs themselves: (county, message)."""
    out: list[tuple[str, str]] = []
    cty = inp.county
    zone_of = {i: z for z, mem in w.kept.items() for i in mem}
    tog = {frozenset(p) for p in w.together}
    for a, b in w.apart:
        if frozenset((a, b)) in tog:
            out.append((cty[a], f"{label(inp, a)} and {label(inp, b)} are asked to be both together and apart; "
                                f"drop one of the two what-ifs"))
    uf = UnionFind()
    for a, b in w.together:
        uf.union(a, b)
        if cty[a] != cty[b]:
            msg = (f"together pair {label(inp, a)} (county {cty[a]}) and {label(inp, b)} "
                   f"(county {cty[b]}) cannot share a zone: zones never cross a county")
            out.extend([(cty[a], msg), (cty[b], msg)])
        for x, y in ((a, b), (b, a)):
            if x in w.excluded:
                out.append((cty[x], f"{label(inp, x)} is excluded but asked to be together with {label(inp, y)}"))
        za, zb = zone_of.get(a), zone_of.get(b)
        if za != zb:
            which = " and ".join(f"{label(inp, x)} is in kept zone {z}" for x, z in ((a, za), (b, zb)) if z)
            out.append((cty[a], f"together pair {label(inp, a)} and {label(inp, b)} conflicts with keep: {which}"))
    for mem in uf.groups():
        if len(mem) > opt.max_size:
            out.append((cty[mem[0]], f"together pairs chain {labels(inp, mem)} into one zone of {len(mem)} "
                                     f"townships, but max_size is {opt.max_size}"))
    for a, b in w.apart:
        if a in uf and b in uf and uf.find(a) == uf.find(b) and frozenset((a, b)) not in tog:
            out.append((cty[a], f"apart pair {label(inp, a)} and {label(inp, b)} contradicts together pairs "
                                f"that chain them into one zone"))
        if zone_of.get(a) is not None and zone_of.get(a) == zone_of.get(b):
            out.append((cty[a], f"apart pair {label(inp, a)} and {label(inp, b)} are both in kept zone {zone_of[a]}"))
    for z, mem in w.kept.items():
        cs = sorted({cty[i] for i in mem})
        if len(cs) > 1:
            out.append((cs[0], f"kept zone {z} spans counties {', '.join(cs)}; zones never cross a county"))
        if not opt.min_size <= len(mem) <= opt.max_size:
            out.append((cs[0], f"kept zone {z} has {len(mem)} townships ({labels(inp, mem)}), outside the "
                               f"allowed {opt.min_size}..{opt.max_size}"))
        ex = [i for i in mem if i in w.excluded]
        if ex:
            out.append((cs[0], f"kept zone {z} contains excluded township(s) {labels(inp, ex)}"))
        nb: dict[int, set[int]] = {i: set() for i in mem}
        for a, b in inp.county_edges(cty[mem[0]]):
            if a in nb and b in nb:
                nb[a].add(b)
                nb[b].add(a)
        if len(components(mem, nb)) > 1:
            out.append((cs[0], f"kept zone {z} ({labels(inp, mem)}) is not connected in the adjacency"))
    return out


def _county_findings(inp: ZoningInput, opt: ZoningOptions, w: WhatIfs, county: str) -> list[str]:
    """Structural obstacles of one county after exclusions and kept zones are taken out."""
    out: list[str] = []
    members = inp.members(county)
    gone = w.excluded | w.kept_townships
    free = [i for i in members if i not in gone]
    fset = set(free)
    nb_all: dict[int, set[int]] = {i: set() for i in members}
    for a, b in inp.county_edges(county):
        nb_all[a].add(b)
        nb_all[b].add(a)
    nb = {i: nb_all[i] & fset for i in free}
    lo, hi = opt.min_size, opt.max_size
    comps = components(free, nb)
    ok_comps = []
    for comp in comps:
        if len(comp) == 1 and lo > 1:
            i = comp[0]
            lost = nb_all[i] - fset
            why = (f"; its neighbour(s) {labels(inp, lost)} are excluded or in kept zones" if lost
                   else " in the adjacency")
            out.append(f"{label(inp, i)} has no neighbour left in county {county}{why}, so it cannot join a "
                       f"zone of at least {lo} townships; exclude it or add an adjacency link")
        elif not size_counts(len(comp), lo, hi):
            out.append(f"the connected group {labels(inp, comp)} has {len(comp)} townships, which zones of "
                       f"{lo}..{hi} townships cannot cover exactly; change the sizes or exclude a township")
        else:
            ok_comps.append(comp)
    if lo > 1:
        for comp in ok_comps:
            for c in comp:
                pend = [u for u in nb[c] if len(nb[u]) == 1]
                if len(pend) > hi - 1:
                    out.append(f"{label(inp, c)} is the only neighbour of {len(pend)} townships "
                               f"({labels(inp, pend)}); each must share its zone, but a zone holds at most "
                               f"{hi} townships")
    target = opt.target_for(county)
    if target is not None and not out:
        k_lo = sum(size_counts(len(c), lo, hi).start for c in comps)
        k_hi = sum(size_counts(len(c), lo, hi).stop - 1 for c in comps)
        nk = sum(1 for mem in w.kept.values() if inp.county[mem[0]] == county)
        n_zoned = len(free) + sum(len(m) for m in w.kept.values() if inp.county[m[0]] == county)
        if not k_lo + nk <= target <= k_hi + nk:
            out.append(f"county {county} is asked for {target} zones, but its {n_zoned} zoned townships "
                       f"allow only {k_lo + nk}..{k_hi + nk} zones of {lo}..{hi}")
    return out


def precheck(inp: ZoningInput, options: ZoningOptions, whatifs: WhatIfs) -> dict[str, list[str]]:
    """Run all pre-solve checks; returns county -> messages (empty dict when all clear)."""
    found: dict[str, list[str]] = defaultdict(list)
    for county, msg in _whatif_findings(inp, options, whatifs):
        if msg not in found[county]:
            found[county].append(msg)
    for county in inp.counties():
        found[county].extend(_county_findings(inp, options, whatifs, county))
    return {c: m for c, m in found.items() if m}
