"""Villages and zones as identities: one key per place, near misses refused or named.

**Villages.**  The village universe of a township is the villages of ``villages.csv`` in it
(when given), the villages of its cases and the home villages of people from it.  Villages are
compared by :func:`~.identity.village_key` (the administrative ending dropped, so
``英买力村委会`` = ``英买力村`` = ``英买力``; a village written after its own township's name,
``柳河镇王庄村``, is ``王庄村``); every cell is rewritten to one spelling per key (the name in
``villages.csv`` when there is one, else the spelling typed most often), so the home rule
compares one value per village.  As before, the home rule compares villages by key in any
township: two villages of one name in different townships count as one (it errs on the side of
recusal).  A cell may also hold a village id of ``villages.csv``.

When ``villages.csv`` lists the villages of a case's township, a case village that is not one
of them is refused (did you mean ...); a home village that is not one of its home township's
villages is refused when it is near one of them, and otherwise listed as a gap (compared by
name only).  A key naming two villages of one township (``东风村`` and ``东风社区``) is refused
with both: write the full name.  Without ``villages.csv``, a home village of a person with no
home township (so that the village rule alone protects the case) whose key starts the key of a
case's village, or is started by it (two characters or more: ``英买力`` / ``英买力三组``), is
refused.  A remark with a word such as ``（另一村）`` says "another village".

**Zones.**  Zone names are compared by :func:`~.identity.zone_key` (``第1协作区`` =
``第一协作区``) and rewritten to the spelling most townships use.  A zone with one township
while another zone's name is one character away is refused (did you mean); a one-township zone
otherwise is a gap: its township's staff cannot work its own cases under the cross-check rule.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from ..bycode import RowsByCode
from .cells import chinese_int, clean
from .identity import DISTINCT_WORDS, VILLAGE_ENDINGS, fold_traditional, one_edit_apart, village_key, zone_key
from .quality import QualityItem
from .resolve import TOWNSHIP_ENDINGS

__all__ = ["resolve_villages", "resolve_zones", "canonical_zones", "VILLAGE_DISTINCT_WORDS"]

#: Remark words that say "another village" (besides the person words of DISTINCT_WORDS).
VILLAGE_DISTINCT_WORDS = ("另一村", "另一个村", "不同村", "非同一村", "另一社区") + DISTINCT_WORDS


def _distinct_village(value: str) -> bool:
    low = value.casefold()
    return ("(" in low or "（" in value) and any(w in low for w in VILLAGE_DISTINCT_WORDS)


@lru_cache(maxsize=1 << 20)
def _vkey(value: str) -> str:
    """The village key; a village marked as another one keeps its remark in the key."""
    k = village_key(value)
    if _distinct_village(value):
        k += "~" + "".join(ch for ch in clean(value) if ch.isalnum())
    return k


@lru_cache(maxsize=None)
def _township_bases(township_name: str) -> tuple[str, ...]:
    """A township's name, and without its ending, longest first (两 characters or more)."""
    name = fold_traditional(township_name).replace(" ", "")
    bases = {name} | {name[: -len(e)] for e in TOWNSHIP_ENDINGS if name.endswith(e) and len(name) > len(e)}
    return tuple(sorted((b for b in bases if len(b) >= 2), key=len, reverse=True))


@lru_cache(maxsize=None)
def _township_initials(township_name: str) -> frozenset[str]:
    """The first characters of :func:`_township_bases` (a cell starting otherwise keeps its text)."""
    return frozenset(b[:1] for b in _township_bases(township_name))


def _without_township(value: str, township_name: str) -> str:
    """``柳河镇王庄村`` -> ``王庄村`` when the cell starts with its own township's name."""
    if not township_name or not value:
        return value
    if value[:1] not in _township_initials(township_name):  # the common case: nothing to strip
        return value
    bases = _township_bases(township_name)
    v = fold_traditional(value).replace(" ", "")
    for b in bases:
        # what is left must still name a village: 铁庄乡's 铁庄村委会 is 铁庄村, not 村委会
        if v.startswith(b) and len(v) - len(b) >= 2 and not _only_ending(v[len(b):]):
            return v[len(b):]
    return value


def _only_ending(text: str) -> bool:
    """Whether ``text`` is nothing but village endings (``村委会``, ``社区居委会``, ``村``)."""
    s = text
    while s:
        for e in VILLAGE_ENDINGS:
            if s.endswith(e):
                s = s[: -len(e)]
                break
        else:
            return False
    return True


def _near(a: str, b: str) -> bool:
    """Two village keys an office could have typed for one village: one starts with the other
    (two characters or more: ``英买力`` / ``英买力三组``).  ``王庄`` / ``东王庄`` are not near:
    villages one character apart are ordinarily different villages."""
    if a == b or not a or not b or "~" in a or "~" in b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and long_.startswith(short)


def resolve_villages(parsed: dict, col) -> None:
    """Resolve the case and home village columns in place (see the module doc)."""
    tw = parsed["townships"].frame
    tname = dict(zip(tw["township_id"], tw["name"]))
    known_t = set(tname)
    v_t = parsed.get("villages")
    given = v_t is not None and v_t.ok and len(v_t.frame) > 0
    listed: dict[str, dict[str, list[str]]] = {}  # township -> key -> village names
    by_id: dict[str, str] = {}
    if given:
        vf = v_t.frame
        for vid, t, name in zip(vf["village_id"], vf["township_id"], vf["name"]):
            nm = name or vid
            listed.setdefault(t, {}).setdefault(_vkey(nm), []).append(nm)
            by_id[vid.casefold()] = nm
    # mentions: (table, column, row indices, township per row)
    mentions = []
    cs_t, inv_t = parsed.get("cases"), parsed.get("investigators")
    if cs_t is not None and cs_t.ok:
        mentions.append((cs_t, "village", cs_t.frame["township_id"].to_numpy(dtype=object), True))
    if inv_t is not None and inv_t.ok:
        mentions.append((inv_t, "home_village", inv_t.frame["home_township"].to_numpy(dtype=object), False))
    spell: dict[str, dict[str, int]] = {}  # key -> spelling -> cells
    for nm_map in listed.values():
        for k, names in nm_map.items():
            for nm in names:
                c = spell.setdefault(k, {})
                c[nm] = c.get(nm, 0) + 10**9  # the list's spelling wins
    keyed: list[tuple] = []
    case_keys: list[tuple[str, str, int]] = []  # (key, township, row) of case villages
    gaps: list[str] = []
    for t, column, towns, is_case in mentions:
        vals = t.frame[column].to_numpy(dtype=object)
        # each (village, township) once, in the order of first appearance; its rows in order
        codes, pairs = _factorize_pairs(vals, towns)
        by = RowsByCode(codes, len(pairs))
        ukeys = [""] * len(pairs)
        for u, (typed, town) in enumerate(pairs):
            if typed == "":
                continue
            rows = by.rows(u)
            v = by_id.get(typed.casefold(), typed)
            v = _without_township(v, tname.get(town, ""))
            key = _vkey(v)
            town_list = listed.get(town) if town in known_t else None
            if town_list is not None:
                names = town_list.get(key)
                exact = [n for n in (names or []) if n == v]
                if names and len(set(names)) > 1 and not exact:
                    for k in rows[: col.cap]:
                        col.add(t.problem(k, column, typed,
                                          (f"one village of {town}; {typed!r} could be {', '.join(sorted(set(names)))}",
                                           f"{town} 的唯一一个村；“{typed}”可能是 {'、'.join(sorted(set(names)))}"),
                                          ("write the full name as in villages.csv", "请按村社区表写全称")))
                elif not names:
                    close = sorted({n for kk, ns in town_list.items() if _near(key, kk) for n in ns})
                    elsewhere = sorted({f"{n} ({tt})" for tt, m in listed.items() if tt != town for n in m.get(key, [])})
                    if is_case or close:
                        hint_en = f"did you mean {', '.join(close[:3])}?" if close else (
                            f"a village of that name is in {', '.join(elsewhere[:3])}: is the township right?"
                            if elsewhere else "add the village to villages.csv, or correct the name")
                        hint_zh = f"是否应为 {'、'.join(close[:3])}？" if close else (
                            f"同名村在 {'、'.join(elsewhere[:3])}：乡镇是否填错？" if elsewhere else "请在村社区表中补充该村，或更正村名")
                        for k in rows[: col.cap]:
                            col.add(t.problem(k, column, typed,
                                              (f"a village of {town} {tname.get(town, '')} in villages.csv",
                                               f"村社区表中 {town} {tname.get(town, '')} 的村"), (hint_en, hint_zh)))
                    else:
                        gaps += [f"{t.frame['investigator_id'].iat[k]} ({typed})" for k in rows]
            c = spell.get(key)
            if c is None:
                c = spell[key] = {}
            c[v] = c.get(v, 0) + by.count[u]
            ukeys[u] = key
        if is_case:
            case_keys += [(ukeys[c], pairs[c][1], k) for k, c in zip(by.order.tolist(), codes[by.order].tolist())
                          if pairs[c][0] != ""]
        keyed.append((t, column, codes, ukeys))
    display = {k: next(iter(c)) if len(c) == 1 else min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
               for k, c in spell.items()}
    folded = sorted({f"{s} = {display[k]}" for k, c in spell.items() if len(c) > 1
                     for s in c if s != display[k] and c[s] < 10**9})
    for j, (t, column, codes, ukeys) in enumerate(keyed):
        t.frame[column] = _take([display[k] if k else "" for k in ukeys], codes)
        keyed[j] = (t, column, _take(ukeys, codes))
    _village_near_misses(parsed, keyed, case_keys, col)
    if gaps:
        col.note(QualityItem("home", "gap", inv_t.name,
                             "home village not among its home township's villages in villages.csv (compared by name only)",
                             "籍贯村不在村社区表中其籍贯乡镇的村里（仅按村名比较）", tuple(gaps)))
    if folded:
        col.note(QualityItem("read", "note", "", "villages written another way (村委会, 社区居委会 ...) read as one village",
                             "同一村的不同写法（村委会、社区居委会等）已按同一村读取", tuple(folded)))


def _factorize_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Codes of the distinct ``(a[k], b[k])`` pairs and the pairs, in order of first appearance."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64), []
    ca, ua = pd.factorize(np.asarray(a, dtype=object), use_na_sentinel=False)
    cb, ub = pd.factorize(np.asarray(b, dtype=object), use_na_sentinel=False)
    nb = len(ub)
    codes, uc = pd.factorize(ca.astype(np.int64) * nb + cb, use_na_sentinel=False)
    ua, ub = ua.tolist(), ub.tolist()
    return codes, [(ua[c // nb], ub[c % nb]) for c in uc.tolist()]


def _take(values: list, codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` as an object array."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out[codes]


def _village_near_misses(parsed, keyed, case_keys, col) -> None:
    """Without villages.csv: a home village near a case's village where only the village rule protects."""
    inv_t = parsed.get("investigators")
    cs_t = parsed.get("cases")
    if inv_t is None or cs_t is None or not case_keys:
        return
    homes = next((keys for t, c, keys in keyed if c == "home_village"), None)
    if homes is None:
        return
    home_t = inv_t.frame["home_township"].to_numpy(dtype=object)
    by_key: dict[str, list[tuple[str, int]]] = {}
    for key, town, row in case_keys:
        by_key.setdefault(key, []).append((town, row))
    starts: dict[str, set[str]] = {}  # a prefix (two characters or more) -> case keys starting with it
    for ck in by_key:
        if "~" not in ck:
            for k in range(2, len(ck)):
                starts.setdefault(ck[:k], set()).add(ck)
    reported: set[tuple[int, str]] = set()
    for r in np.flatnonzero(home_t == "").tolist():
        # only without a home township is the village rule alone in protecting the case
        hk = homes[r]
        if not hk or hk in by_key or "~" in hk:
            continue
        near = set(starts.get(hk, ())) | {hk[:k] for k in range(2, len(hk)) if hk[:k] in by_key}
        for ck in sorted(near):
            exposed = by_key[ck]
            if (r, ck) in reported:
                continue
            reported.add((r, ck))
            town, row = exposed[0]
            case_id = cs_t.frame["case_id"].iat[row]
            cv = cs_t.frame["village"].iat[row]
            hv = inv_t.frame["home_village"].iat[r]
            col.add(inv_t.problem(r, "home_village", hv,
                                  (f"a village written as in the case list, or marked as another village; {hv!r} looks "
                                   f"like {cv!r}, the village of case {case_id}",
                                   f"与线索表写法一致的村，或注明是另一村；“{hv}”像是线索 {case_id} 所在的“{cv}”"),
                                  (f"if it is {cv}, write it so; if it is another village, write {hv}（另一村）",
                                   f"如是“{cv}”，请照此填写；如是另一村，请写成“{hv}（另一村）”")))


def _zone_text(value: str) -> str:
    """A zone name with numbers as digits, its ending kept (``第二写作区`` -> ``第2写作区``)."""
    s = fold_traditional(clean(value)).replace(" ", "")
    return re.sub(r"[零〇一二两三四五六七八九十百]+", lambda m: str(chinese_int(m.group(0)) or m.group(0)), s)


def _zone_near(a: str, b: str) -> bool:
    """One character apart in the name (numbers as digits) or its key, the differing character
    not a number (``第一写作区`` / ``第一协作区``, ``第2写作区`` / ``第二协作区``; never
    ``第四协作区`` / ``第一协作区``)."""
    for x, y in ((clean(a), clean(b)), (_zone_text(a), _zone_text(b)), (zone_key(a), zone_key(b))):
        if one_edit_apart(x, y):
            diff = set(x) ^ set(y)
            if not any(ch.isdigit() or ch in "零〇一二两三四五六七八九十百" for ch in diff):
                return True
    return False


def canonical_zones(values: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Zone names rewritten to one spelling per :func:`~.identity.zone_key` (the spelling most
    values use, then the first in code-point order), and the spellings folded into each."""
    key_of = {v: zone_key(v) if v else "" for v in dict.fromkeys(values)}  # each spelling once
    keys = [key_of[v] for v in values]
    counts: dict[str, Counter] = {}
    for v, n in Counter(values).items():
        k = key_of[v]
        if k:
            counts.setdefault(k, Counter())[v] = n
    display = {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, c in counts.items()}
    folded = {display[k]: sorted(s for s in c if s != display[k]) for k, c in counts.items() if len(c) > 1}
    return [display[k] if k else "" for k in keys], folded


def resolve_zones(tw_t, col) -> None:
    """Fold zone spellings in the townships table; refuse a lone zone whose name is a near miss."""
    f = tw_t.frame
    values, folded = canonical_zones(f["zone"].tolist())
    f["zone"] = np.array(values, dtype=object)
    if folded:
        col.note(QualityItem("read", "note", tw_t.name, "zone names written another way read as one zone",
                             "同一协作区的不同写法已按同一协作区读取",
                             tuple(f"{'、'.join(v)} = {k}" for k, v in sorted(folded.items()))))
    sizes = Counter(v for v in values if v)
    lone = []
    for zone, n in sorted(sizes.items()):
        if n >= 2:
            continue
        close = sorted(o for o in sizes if o != zone and _zone_near(zone, o))
        row = int(np.flatnonzero(f["zone"].to_numpy(dtype=object) == zone)[0])
        if close:
            col.add(tw_t.problem(row, "zone", zone,
                                 (f"a zone of two townships or more; {zone!r} holds only "
                                  f"{f['township_id'].iat[row]}", f"至少含两个乡镇的协作区；“{zone}”只有 {f['township_id'].iat[row]}"),
                                 (f"did you mean {', '.join(close)}?", f"是否应为 {'、'.join(close)}？")))
        else:
            lone.append(f"{zone} ({f['township_id'].iat[row]})")
    if lone:
        col.note(QualityItem("cross-check", "gap", tw_t.name,
                             "zones of one township: under the cross-check rule its township-level staff cannot "
                             "work its cases, so only county-level staff can", "只有一个乡镇的协作区：按交叉互查规则，"
                             "该乡镇干部不能办理本乡镇案件，只能由县级干部办理", tuple(lone)))
