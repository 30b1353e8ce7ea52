"""Rows grouped by an integer code (a distinct value, a county): one stable sort, then the
rows of each code are a slice of it, in their order.  The loader groups a column's rows by
distinct value with it, the plan writer a frame's rows by county."""

from __future__ import annotations

from functools import cached_property

import numpy as np

__all__ = ["RowsByCode"]


class RowsByCode:
    """``order`` (row positions, by code, stable) and ``start``: the rows of code ``u`` (0 ..
    ``n`` - 1) are ``order[start[u]:start[u + 1]]`` (:meth:`rows`).  Rows with a code below 0
    (none of the ``n``) sort first and belong to no code."""

    def __init__(self, codes: np.ndarray, n: int):
        codes = np.asarray(codes)
        self.order = np.argsort(codes, kind="stable")
        self.start = np.searchsorted(codes[self.order], np.arange(n + 1))

    def rows(self, u: int) -> np.ndarray:
        return self.order[self.start[u]:self.start[u + 1]]

    __getitem__ = rows

    @cached_property
    def count(self) -> list[int]:
        """The number of rows of each code."""
        return np.diff(self.start).tolist()

    @cached_property
    def first(self) -> list[int]:
        """The first row of each code (every code has rows: the codes of a factorized column)."""
        return self.order[self.start[:-1]].tolist() if len(self.order) else []
