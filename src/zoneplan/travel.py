"""Road minutes between townships: the user's travel table, else the documented estimate.

Lookup is vectorised: given pairs are stored once under a sorted integer key
``min(i, j) * n + max(i, j)`` and found with ``searchsorted``; pairs the table does not
list fall back to :func:`zoneplan.geo.estimated_minutes`.  The same township is 0 minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geo import estimated_minutes

__all__ = ["TravelTable", "round_minutes"]


def round_minutes(x) -> np.ndarray:
    """Integer road minutes used in objectives: round half up (documented policy)."""
    return np.floor(np.asarray(x, dtype=float) + 0.5).astype(np.int64)


class TravelTable:
    """Road minutes by township index."""

    def __init__(self, townships: pd.DataFrame, travel: pd.DataFrame | None):
        ids = townships["township_id"].to_numpy(dtype=object)
        self.index = pd.Index(ids)
        self.n = len(ids)
        self.lat = townships["lat"].to_numpy(dtype=float)
        self.lon = townships["lon"].to_numpy(dtype=float)
        self.given = 0
        if travel is not None and len(travel):
            a = self.index.get_indexer(travel["from"].to_numpy(dtype=object)).astype(np.int64)
            b = self.index.get_indexer(travel["to"].to_numpy(dtype=object)).astype(np.int64)
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            keys = lo * self.n + hi
            order = np.argsort(keys, kind="stable")
            keys, first = np.unique(keys[order], return_index=True)
            self._keys = keys
            self._vals = travel["minutes"].to_numpy(dtype=float)[order][first]
            self.given = len(keys)
        else:
            self._keys = np.zeros(0, dtype=np.int64)
            self._vals = np.zeros(0, dtype=float)

    def minutes(self, i, j) -> np.ndarray:
        """Road minutes between township index arrays ``i`` and ``j`` (float)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        out = estimated_minutes(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
        if len(self._keys):
            key = np.minimum(i, j) * self.n + np.maximum(i, j)
            pos = np.searchsorted(self._keys, key)
            pos = np.clip(pos, 0, len(self._keys) - 1)
            hit = self._keys[pos] == key
            out = np.where(hit, self._vals[pos], out)
        return np.where(i == j, 0.0, out)
