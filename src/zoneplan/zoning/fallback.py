"""A valid zoning without the exact model, and a bound that needs no solve.

When a county's exact model finds no zoning within its time share, the county still gets
a zoning that follows every rule: :func:`greedy_partition` picks candidate zones (which
already honour sizes, connectivity and what-ifs) by a depth-first search that covers the
most constrained township first with its cheapest zone per township, and backtracks when
a township is left without a zone or the zone count cannot meet the target.
:func:`share_bound` is the matching lower bound: every covered township pays at least
the cheapest per-township share ``cost / size`` of a candidate holding it.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from zoneplan.zoning.candidates import CandidateSet

__all__ = ["greedy_partition", "share_bound", "zoning_cost"]

logger = logging.getLogger(__name__)


def share_bound(cs: CandidateSet) -> int:
    """Lower bound on the summed integer cost of any zoning of ``cs``.

    A zoning's cost is the sum over covered townships of ``cost[c] / |c|`` for the zone
    ``c`` holding it, which is at least the township's cheapest such share.

    Examples
    --------
    Three townships in a path, candidates ``(0, 1)`` cost 4, ``(1, 2)`` cost 10 and
    ``(0, 1, 2)`` cost 9: shares are 2, 2, 3 so the bound is 7 (the optimum is 9).
    """
    n = len(cs.county.idx)
    share = np.full(n, np.inf)
    for c, z in enumerate(cs.zones):
        s = float(cs.cost[c]) / len(z)
        for t in z:
            if s < share[t]:
                share[t] = s
    total = float(share[cs.cover].sum()) if cs.cover else 0.0
    if not math.isfinite(total):
        return 0
    return int(math.ceil(total - 1e-6))


def zoning_cost(cs: CandidateSet, chosen: list[int]) -> int:
    """Summed integer cost of the chosen candidates."""
    return int(sum(int(cs.cost[c]) for c in chosen))


def greedy_partition(cs: CandidateSet, target: int | None = None, node_limit: int = 20_000) -> list[int] | None:
    """Chosen candidate indices covering every township of ``cs.cover`` exactly once.

    Kept (fixed) candidates are always chosen; with ``target`` exactly that many zones.
    Returns None when no partition exists or none was found within ``node_limit`` search
    nodes (counties of 10-30 townships need a few dozen).
    """
    n = len(cs.county.idx)
    masks = [sum(1 << t for t in z) for z in cs.zones]  # township sets as bit masks
    used = 0
    chosen: list[int] = []
    for c in np.flatnonzero(cs.fixed):
        if used & masks[c]:
            return None
        used |= masks[c]
        chosen.append(int(c))
    free = [c for c in range(len(cs)) if not cs.fixed[c] and not used & masks[c]]
    order = sorted(free, key=lambda c: (float(cs.cost[c]) / len(cs.zones[c]), c))
    holding: list[list[int]] = [[] for _ in range(n)]
    for c in order:
        for t in cs.zones[c]:
            holding[t].append(c)
    cover = [t for t in cs.cover if not used >> t & 1]
    lo = min((len(cs.zones[c]) for c in free), default=1)
    hi = max((len(cs.zones[c]) for c in free), default=1)
    nodes = [0]

    def search(used: int, left: int) -> bool:
        if target is not None:
            k = len(chosen)
            if left and not (k + -(-left // hi) <= target <= k + left // lo):
                return False
            if not left:
                return k == target
        if not left:
            return True
        nodes[0] += 1
        if nodes[0] > node_limit:
            return False
        best_opts: list[int] | None = None
        for t in cover:
            if used >> t & 1:
                continue
            opts = [c for c in holding[t] if not used & masks[c]]
            if best_opts is None or len(opts) < len(best_opts):
                best_opts = opts
                if len(opts) <= 1:
                    break
        for c in best_opts or []:
            chosen.append(c)
            if search(used | masks[c], left - len(cs.zones[c])):
                return True
            chosen.pop()
        return False

    if search(used, len(cover)):
        return sorted(chosen)
    logger.debug("county %s: no greedy zoning within %d nodes", cs.county.name, node_limit)
    return None
