"""Headers as planners type them: aliases, a title row above, two-row headers, "did you mean".

A header matches a contract column when its *header key* equals a key of the column's name,
Chinese label or aliases.  The key is the text after NFKC (full-width -> half-width), with
case folded, every space, bracket and punctuation mark removed, and a leading question word
(是否, 是不是, 能否, 可否, 有无, 能不能) dropped: ``籍贯（村）`` -> ``籍贯村``, ``是否组长`` ->
``组长``, ``Township ID`` -> ``townshipid``.  A header whose bracketed part is a unit or a
remark also matches without it (``车程（分钟）`` -> ``车程``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from .contract import TableSpec

__all__ = ["header_keys", "HeaderLookup", "HeaderChoice", "locate_header", "did_you_mean", "name_key"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_BRACKETED = re.compile(r"[(\[（【《<][^)\]）】》>]*[)\]）】》>]")
_QUESTION = ("是不是", "能不能", "可不可以", "是否", "能否", "可否", "有无", "有没有")
MAX_TITLE_ROWS = 10


def name_key(text: object) -> str:
    """Key of a sheet, file or header text: NFKC, case-folded, letters/digits/CJK only."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return _NON_WORD.sub("", s)


def header_keys(text: object) -> list[str]:
    """The keys a header may match, most specific first (empty list for a blank header)."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    out = []
    for variant in (s, _BRACKETED.sub("", s)):
        k = name_key(variant)
        stripped = True
        while stripped:
            stripped = False
            for q in _QUESTION:
                if k.startswith(q) and len(k) > len(q):
                    k, stripped = k[len(q):], True
                    break
        if k and k not in out:
            out.append(k)
    return out


class HeaderLookup:
    """Header key -> contract column of one table (built once per table)."""

    def __init__(self, spec: TableSpec):
        self.spec = spec
        self.keys: dict[str, str] = {}
        for c in spec.columns:
            for text in (c.name, c.zh, *c.aliases):
                for k in header_keys(text)[:1] if text else []:
                    prev = self.keys.setdefault(k, c.name)
                    if prev != c.name:
                        raise ValueError(f"contract: header {text!r} of {spec.name} names both {prev} and {c.name}")

    def match(self, header: object) -> str | None:
        for k in header_keys(header):
            hit = self.keys.get(k)
            if hit is not None:
                return hit
        return None

    def close(self, header: object) -> list[str]:
        """Columns whose name or alias is close to an unknown header (for "did you mean")."""
        ks = header_keys(header)
        if not ks:
            return []
        k = ks[0]
        hits: list[str] = []
        for cand in difflib.get_close_matches(k, list(self.keys), n=5, cutoff=0.6):
            if self.keys[cand] not in hits:
                hits.append(self.keys[cand])
        if len(k) >= 2:
            for alias, col in self.keys.items():
                if len(alias) >= 2 and (alias in k or k in alias) and col not in hits:
                    hits.append(col)
        return hits


_LOOKUPS: dict[int, HeaderLookup] = {}


def lookup(spec: TableSpec) -> HeaderLookup:
    """The header lookup of a table spec (built once)."""
    lk = _LOOKUPS.get(id(spec))
    if lk is None or lk.spec is not spec:
        lk = _LOOKUPS[id(spec)] = HeaderLookup(spec)
    return lk


@dataclass
class HeaderChoice:
    """Where the header is and what each column means."""

    row: int  # 0-based grid row of the (last) header row
    rows: int  # 1 or 2 header rows
    typed: list[str]  # header per grid column, as typed (two-row headers joined)
    fields: dict[int, str] = field(default_factory=dict)  # grid column -> contract column

    @property
    def first_data_row(self) -> int:
        return self.row + 1


def _forward_fill_top(top: list[str], bottom: list[str], merged_cols: set[int]) -> list[str]:
    out, last = [], ""
    for j, t in enumerate(top):
        if t:
            last = t
            out.append(t)
        elif bottom[j] and (j in merged_cols or last):
            out.append(last)
        else:
            last = "" if j not in merged_cols else last
            out.append("")
    return out


def _score(lk: HeaderLookup, headers: list[str]) -> tuple[int, int, dict[int, str]]:
    fields: dict[int, str] = {}
    seen: set[str] = set()
    for j, h in enumerate(headers):
        col = lk.match(h) if h else None
        if col is not None:
            fields[j] = col
            seen.add(col)
    required = sum(1 for c in lk.spec.columns if (c.required or c.need_header) and c.name in seen)
    return required, len(seen), fields


def locate_header(cells: pd.DataFrame, spec: TableSpec, merged: list[tuple[int, int, int, int]]) -> HeaderChoice:
    """Find the header row: the first row (of the first ten) that names every required column.

    Rows above it (a title such as ``XX县纪检干部花名册``) are skipped; a two-row header (a
    merged group such as ``籍贯`` over ``乡镇`` / ``村``) is joined (``籍贯乡镇``).  When no row
    names every required column, the row naming the most columns is chosen (the caller then
    reports what is missing).
    """
    lk = lookup(spec)
    n = min(len(cells), MAX_TITLE_ROWS)
    rows = [[str(v) for v in cells.iloc[r].tolist()] for r in range(n)]
    n_required = sum(1 for c in lk.spec.columns if c.required or c.need_header)
    best: tuple[tuple[int, int], HeaderChoice] | None = None
    for r in range(n):
        if not any(x.strip() for x in rows[r]):
            continue
        req, cnt, fields = _score(lk, rows[r])
        choice = HeaderChoice(r, 1, rows[r], fields)
        cand = [((req, cnt), choice)]
        if r + 1 < n:
            merged_cols = {c for (r0, c0, r1, c1) in merged if r0 == r and c1 > c0 for c in range(c0, c1 + 1)}
            top = _forward_fill_top(rows[r], rows[r + 1], merged_cols)
            joined = [(t + b) if (t and b and t != b) else (t or b) for t, b in zip(top, rows[r + 1])]
            req2, cnt2, fields2 = _score(lk, joined)
            if (req2, cnt2) > (req, cnt):
                cand.append(((req2, cnt2), HeaderChoice(r + 1, 2, joined, fields2)))
        for score, ch in cand:
            if best is None or score > best[0]:
                best = (score, ch)
        if best is not None and best[0][0] == n_required and best[0][1] > 0:
            break
    if best is None:
        return HeaderChoice(0, 1, rows[0] if rows else [], {})
    return best[1]


def did_you_mean(value: str, candidates: list[str], n: int = 3) -> list[str]:
    """Close candidates for an unknown value (ids or names), best first."""
    if not value or not candidates:
        return []
    hits = difflib.get_close_matches(value, candidates, n=n, cutoff=0.6)
    if len(hits) < n:
        low = value.casefold()
        for c in candidates:
            if c not in hits and len(value) >= 2 and (low in c.casefold() or c.casefold() in low):
                hits.append(c)
                if len(hits) >= n:
                    break
    return hits
