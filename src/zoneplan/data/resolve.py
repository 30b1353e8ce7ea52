"""Names for ids: every reference resolved to exactly one thing, or refused with candidates.

A value in a column that refers to townships, investigators or cases is looked up in steps;
the first step that finds anything decides:

1. the id as written, or the *name* as written (``柳河镇`` for township ``QS03``);
2. the same after :func:`~zoneplan.data.cells.key` (case, spaces: ``qs03``, ``王 伟``), a
   county before the name (``城关县城关镇``), or an id whose leading zeros Excel dropped
   (``7`` for ``007``); for townships also common characters in traditional form (``柳河鎮``)
   and an office after the name (:data:`OFFICE_SUFFIXES`: ``城关镇人民政府``, ``柳河镇纪委``);
3. townships only: the name without its ending (``柳河`` for ``柳河镇``; endings 镇, 乡, 街道,
   街道办事处, 民族乡, 苏木, 地区办事处); a value with another ending (``柳河乡``) is not
   matched this way.

Two or more things found in one step is *ambiguous* and refused with the candidates listed
("城关镇 is the name of T0101 (甲县) and T0305 (乙县): write the id").  Nothing found is
*unknown*, reported with the closest ids and names ("did you mean ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .cells import key
from .headers import did_you_mean

__all__ = ["Lookup", "Resolution", "strip_note", "TOWNSHIP_ENDINGS", "OFFICE_SUFFIXES", "place_key"]

TOWNSHIP_ENDINGS = ("街道办事处", "地区办事处", "街道办", "民族乡", "街道", "苏木", "镇", "乡")
#: Offices written after a township's name, set aside when matching townships.
OFFICE_SUFFIXES = ("人民政府", "政府", "党委", "纪委", "纪工委", "监察办公室", "纪委监委")


@lru_cache(maxsize=1 << 20)
def place_key(text: str) -> str:
    """The matching form of a township: :func:`key`, traditional characters folded, an office
    after the name set aside (``柳河鎮人民政府`` -> ``柳河镇``)."""
    from .identity import fold_traditional

    k = key(fold_traditional(text))
    for o in _OFFICES_LONGEST_FIRST:
        if k.endswith(o) and len(k) > len(o):
            return k[: -len(o)]
    return k
_OFFICES_LONGEST_FIRST = tuple(sorted(OFFICE_SUFFIXES, key=len, reverse=True))
_NOTE = re.compile(r"\s*[(\[（【][^)\]）】]*[)\]）】]\s*")


def strip_note(text: str) -> str:
    """A name without bracketed remarks: ``刘某某(会计)`` -> ``刘某某``."""
    return _NOTE.sub("", text).strip()


def _strip_ending(name: str) -> str:
    for e in TOWNSHIP_ENDINGS:
        if name.endswith(e) and len(name) > len(e):
            return name[: -len(e)]
    return name


def _numeric(text: str) -> str | None:
    return str(int(text)) if text.isdigit() and len(text) < 19 else None


@dataclass(frozen=True)
class Resolution:
    """How one distinct value resolved: ``id`` (None when not), ``how``, and candidates."""

    id: str | None
    how: str  # "id", "name", "variant", "ending", "ambiguous", "unknown", "blank"
    candidates: tuple[str, ...] = ()  # ambiguous: the ids found


class Lookup:
    """Ids and names of one kind of thing (townships, investigators, cases).

    Parameters
    ----------
    ids, names : sequences of str
        One entry per thing; names may be empty or repeated.
    groups : sequence of str, optional
        A group per thing (the county of a township), so ``group + name`` also matches.
    endings : bool
        Also match names without a township ending (step 3).
    keyfn : callable, optional
        The matching form of names in step 2 (default :func:`key`; :func:`place_key` with
        ``endings``; people use :func:`~zoneplan.data.identity.person_key`).
    """

    def __init__(self, ids, names=None, groups=None, endings: bool = False, keyfn=None):
        self.ids = [str(x) for x in ids]
        self.names = [str(x) for x in names] if names is not None else [""] * len(self.ids)
        self.labels = {i: n for i, n in zip(self.ids, self.names)}
        self._exact: dict[str, set[str]] = {i: {i} for i in self.ids}
        self._variant: dict[str, set[str]] = {}
        self._ending: dict[str, set[str]] = {}
        groups = [str(g) for g in groups] if groups is not None else [""] * len(self.ids)
        self._key = keyfn or (place_key if endings else key)
        self._memo: dict[str, Resolution] = {}  # resolve_array: each value resolved once per lookup
        variant = self._variant
        for i in self.ids:
            ki = key(i)
            hit = variant.get(ki)
            if hit is None:
                variant[ki] = {i}
            else:
                hit.add(i)
            if not i.isascii():  # an ASCII id has no other matching form
                variant.setdefault(self._key(i), set()).add(i)
            if i.isdigit():  # only digits have a numeric form (:func:`_numeric`)
                num = _numeric(i)
                if num is not None:
                    variant.setdefault(num, set()).add(i)
        for i, n, g in zip(self.ids, self.names, groups) if names is not None else ():
            if n:
                self._exact.setdefault(n, set()).add(i)
                self._variant.setdefault(self._key(n), set()).add(i)
                if g:
                    self._variant.setdefault(self._key(g + n), set()).add(i)
                if endings:
                    base = _strip_ending(self._key(n))
                    self._ending.setdefault(base, set()).add(i)
                    if g:
                        self._ending.setdefault(self._key(g) + base, set()).add(i)
        self._endings = endings
        self.by_id_only = names is None
        self._choices_sorted: list[str] | None = None

    @property
    def _choices(self) -> list[str]:
        """Ids and names in order, for :meth:`suggest` (sorted on first use)."""
        if self._choices_sorted is None:
            self._choices_sorted = sorted(set(self.ids) | {n for n in self.names if n})
        return self._choices_sorted

    def resolve(self, value: str) -> Resolution:
        """Resolve one cleaned value."""
        if value == "":
            return Resolution(None, "blank")
        hit = self._exact.get(value)
        if hit:
            if len(hit) == 1:
                (only,) = hit
                return Resolution(only, "id" if only == value else "name")
            return Resolution(None, "ambiguous", tuple(sorted(hit)))
        k = self._key(value)
        hit = set(self._variant.get(k, ()))
        num = _numeric(value)
        if num is not None:
            hit |= self._variant.get(num, set())
        if hit:
            if len(hit) == 1:
                return Resolution(next(iter(hit)), "variant")
            return Resolution(None, "ambiguous", tuple(sorted(hit)))
        if self._endings and _strip_ending(k) == k:  # "柳河" for 柳河镇; never "柳河乡" for 柳河镇
            hit = self._ending.get(k, set())
            if hit:
                if len(hit) == 1:
                    return Resolution(next(iter(hit)), "ending")
                return Resolution(None, "ambiguous", tuple(sorted(hit)))
        return Resolution(None, "unknown")

    def suggest(self, value: str) -> tuple[str, ...]:
        """Close ids or names for an unknown value ("did you mean"); slower, so only on demand."""
        return tuple(did_you_mean(value, self._choices))

    def resolve_array(self, values: np.ndarray) -> tuple[np.ndarray, list[str], list[Resolution]]:
        """Resolve an array of cleaned values once per distinct value: (codes, distinct, resolutions)."""
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        distinct = [str(u) for u in uniques]
        memo = self._memo
        out = []
        for u in distinct:
            r = memo.get(u)
            if r is None:
                r = memo[u] = self.resolve(u)
            out.append(r)
        return codes, distinct, out

    def describe(self, ident: str, extra: dict[str, str] | None = None) -> str:
        """``QS03 柳河镇`` (id and name), plus an extra remark (e.g. the county)."""
        name = self.labels.get(ident, "")
        more = (extra or {}).get(ident, "")
        text = f"{ident} {name}".strip() if name and name != ident else ident
        return f"{text} ({more})" if more else text
