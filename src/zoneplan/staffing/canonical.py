"""Canonical plans: the plan depends on what the tables say, not on how they are laid out.

Two pieces, both documented in the README's solver section:

* :func:`canonical_tables` puts every table the solver reads in a fixed order of its ids
  (townships, investigators, cases by id; relations, recusals, adjacency and travel by
  all their columns), so the instance's dense indices, the parts, the greedy start and
  the CP-SAT variable order are the same whatever the row order of the files;
* :func:`tie_weights` gives every (case, investigator) pair a fixed weight computed from
  the two ids alone; after the last objective level the solver minimises the sum of the
  weights of the plan's memberships (the *tie-break level*, :data:`TIE_BREAK`).  Among
  plans equal on every level it picks the one of least weight, whatever else the tables
  hold, so a person or a relation that the chosen plan does not need cannot move a team.

Why a hashed weight and not the lexicographically smallest set of pairs: that set needs
exponentially large weights (or one solve per pair), while a weight below ``2**TIE_BITS``
keeps the level one small integer objective, solved with the last level in one search.
Two different plans of equal weight are possible in principle; with ``n`` pairs that
differ between the optimal plans, the chance that the least weight is shared is at most
``n / 2**TIE_BITS`` (the isolation lemma); the plan is then still the same for the same
data in any row order.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..data.tables import Source, Tables

__all__ = ["canonical_tables", "tie_weights", "TIE_BREAK", "TIE_BITS"]

#: Name of the hidden last level (never reported as an objective level).
TIE_BREAK = "tie_break"

#: Weights of the tie-break level lie in ``1 .. 2**TIE_BITS``: small enough that the level
#: stays exact in HiGHS's double precision on dense parts, and combines with the travel
#: level in one CP-SAT objective below 2**52.
TIE_BITS = 20

#: Sort keys per table: the id, or every column of a table without one.
_KEYS = {"townships": ["township_id"], "investigators": ["investigator_id"], "cases": ["case_id"]}


def _sorted(df: pd.DataFrame | None, by: list[str] | None) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    """``df`` in the order of ``by`` (all columns when None) and the row permutation;
    ``(df, None)`` when already in that order (checked in one pass)."""
    if df is None or len(df) < 2:
        return df, None
    cols = list(df.columns) if by is None else by
    keys = [df[c].to_numpy(dtype=object).astype(str) for c in cols]
    if len(keys) == 1:
        if pd.Index(keys[0]).is_monotonic_increasing:
            return df, None
    elif pd.MultiIndex.from_arrays(keys).is_monotonic_increasing:
        return df, None
    order = np.lexsort(keys[::-1])
    return df.iloc[order].reset_index(drop=True), order


def canonical_tables(tables: Tables) -> Tables:
    """The same tables with the rows of every table the staffing solver reads in id order.

    Row origins (:class:`~zoneplan.data.tables.Source` line numbers) follow their rows.
    Returns ``tables`` itself when every table is already in that order.
    """
    changes: dict[str, object] = {}
    sources = dict(tables.sources)
    for name in ("townships", "investigators", "cases", "relations", "conflicts", "adjacency", "travel"):
        df = getattr(tables, name)
        new, order = _sorted(df, _KEYS.get(name))
        if order is None:
            continue
        changes[name] = new
        src = sources.get(name)
        if src is not None and len(src.rows) == len(order):
            sources[name] = Source(src.path, src.sha256, tuple(np.asarray(src.rows)[order].tolist()))
    if not changes:
        return tables
    return dataclasses.replace(tables, sources=sources, **changes)


#: FNV-1a, 64 bits: offset basis and prime.
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def _hash64(values: np.ndarray) -> np.ndarray:
    """FNV-1a over each string's Unicode code points, then mixed (:func:`_mix`), as uint64:
    a function of the string alone (vectorised over the characters: about 20 ms for
    140,000 ids)."""
    text = np.asarray(values, dtype=str)
    if not len(text):
        return np.zeros(0, dtype=np.uint64)
    width = max(1, text.dtype.itemsize // 4)
    grid = np.ascontiguousarray(text).view(np.uint32).reshape(len(text), -1) if text.dtype.itemsize else \
        np.zeros((len(text), 1), dtype=np.uint32)
    length = np.char.str_len(text)
    h = np.full(len(text), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            inside = j < length  # the code points past a string's end are padding, not part of it
            h = np.where(inside, (h ^ grid[:, j].astype(np.uint64)) * _FNV_PRIME, h)
    return _mix(h ^ length.astype(np.uint64))


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: every output bit depends on every input bit."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def tie_weights(case_ids: np.ndarray, inv_ids: np.ndarray, pair_case: np.ndarray,
                pair_inv: np.ndarray) -> np.ndarray:
    """The tie-break weight of every pair, in ``1 .. 2**TIE_BITS``: a function of the case id
    and the investigator id only (so of neither the row order nor the other rows).

    With ``H(s) = mix(fnv1a(s) ^ len(s))`` -- FNV-1a 64 over the code points of ``s``,
    ``mix`` the SplitMix64 finaliser, all modulo 2**64 -- the weight of (case ``c``,
    investigator ``i``) is ``(mix(H(c) * 0x9E3779B97F4A7C15 + mix(H(i))) >> (64 - TIE_BITS)) + 1``.

    Examples
    --------
    >>> w = tie_weights(np.array(["K1"]), np.array(["I1", "I2"]), np.array([0, 0]), np.array([0, 1]))
    >>> bool(w[0] != w[1]) and bool((w >= 1).all()) and bool((w <= 2 ** TIE_BITS).all())
    True
    """
    hc = _hash64(np.asarray(case_ids, dtype=object))
    hi = _hash64(np.asarray(inv_ids, dtype=object))
    with np.errstate(over="ignore"):
        key = _mix(hc[pair_case] * np.uint64(0x9E3779B97F4A7C15) + _mix(hi[pair_inv]))
    return (key >> np.uint64(64 - TIE_BITS)).astype(np.int64) + 1
