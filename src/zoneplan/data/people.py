"""People: every subject, relation person and recusal resolved to one identity, or refused.

A person cell is resolved in this order (the first step that finds anything decides):

1. an investigator id as written, or up to case, spaces and dropped leading zeros;
2. the person key (:func:`~.identity.person_name`: separator dots, spaces, bracketed remarks
   and title words set aside) of exactly one investigator's name -- two is *ambiguous* and
   refused with both ("write the id");
3. otherwise a person outside the roster, whose identity is the key: every spelling with that
   key is one person (shown in the spelling typed most plainly and most often).

Then the **near-miss rule**: a person outside the roster whose key is *near* an investigator's
or a subject's (:func:`~.identity.near_reason`) may be that person typed another way.  When
taking them as one would bring an investigator within :data:`NEAR_HOPS` hops of a subject (or
of another investigator) where they are not now, the run is refused with the candidates and
the one-line way to say "a different person" (a remark such as ``（另一人）``).  Near pairs on
which no rule depends are listed in the data-quality notes.  Two roster lines whose names
have one key but are spelled differently (``阿卜杜拉·艾买提`` / ``阿卜杜拉•艾买提``) are refused:
one person entered twice, or two people the roster must tell apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import has_cjk
from .identity import PersonName, near_reason, person_name, sound_key, strip_titles_loosely
from ..bycode import RowsByCode
from ..errors import Problem
from ..graphs import bfs_hops
from .quality import QualityItem
from .resolve import Lookup

__all__ = ["resolve_people", "NEAR_HOPS", "Roster", "NearPair", "near_pair_problems"]

#: How far (relation hops) the near-miss rule looks for an investigator and a subject that one
#: person written two ways would connect.  Above the kin rule's default (2) and its usual settings.
NEAR_HOPS = 4

_REASON_WORDS = {
    "title": ("the same name with a title or office word", "去掉职务称谓后姓名相同"),
    "part": ("one name is the first part of the other", "一个姓名是另一个姓名的开头部分"),
    "contained": ("the whole of one name inside the other, which is no ordinary name beside it",
                  "一个姓名完整地包含在另一写法中，而后者并非一个寻常的姓名"),
    "sounds": ("the same sounds in other characters", "音译用字不同"),
}


class Roster:
    """Investigators by id and by person key (built once)."""

    def __init__(self, ids: list[str], names: list[str]):
        self.ids = [str(i) for i in ids]
        self.names = [str(n) for n in names]
        self.id_lookup = Lookup(self.ids)
        self.label = dict(zip(self.ids, self.names))
        taken = {n: person_name(n) for n in dict.fromkeys(self.names) if n}  # each distinct name once
        self.parsed = {i: taken[n] for i, n in zip(self.ids, self.names) if n}
        self.by_key: dict[str, list[str]] = {}
        self.by_sound: dict[str, list[str]] = {}
        for i, pn in self.parsed.items():
            if pn.key:
                self.by_key.setdefault(pn.key, []).append(i)
            if pn.sound:
                self.by_sound.setdefault(pn.sound, []).append(i)

    def describe(self, ids) -> str:
        return ", ".join(f"{i} {self.label[i]}".strip() if self.label.get(i) else i for i in ids)

    def resolve(self, value: str, pn: PersonName | None = None) -> tuple[str | None, str, tuple[str, ...]]:
        """``(id, how, candidates)``; how is id, variant, name, spelling, ambiguous, other or
        blank (names in another transcription are matched by :func:`resolve_people`)."""
        if value == "":
            return None, "blank", ()
        if value in self.label:  # an id as written (the id lookup's first step, without its work)
            return value, "id", ()
        r = self.id_lookup.resolve(value)
        if r.id is not None:
            return r.id, r.how, ()
        pn = pn or person_name(value)
        hit = self.by_key.get(pn.key, [])
        if len(hit) == 1:
            return hit[0], ("name" if self.label[hit[0]] == value else "spelling"), ()
        if len(hit) > 1:
            return None, "ambiguous", tuple(sorted(hit))
        return None, "other", ()


@dataclass
class _Seen:
    """Where an identity outside the roster was typed, and how."""

    spellings: dict[str, int]  # spelling -> cells
    first: tuple  # (Parsed, row, column, value as typed) of one mention, for messages
    name: PersonName


def _merge_by_sound(seen: dict[str, _Seen], apart: set[frozenset]) -> tuple[dict[str, str], set[str]]:
    """Merge, in place, people outside the roster whose names are one name in other
    transcriptions (:attr:`~.identity.PersonName.sound`), unless a relations row links two of
    them (then they are two people).  Returns each key's identity key and the spellings merged
    into another key's identity."""
    groups: dict[str, list[str]] = {}
    for k, s in seen.items():
        if s.name.sound:
            groups.setdefault(s.name.sound, []).append(k)
    ident_of = {k: k for k in seen}
    by_sound: set[str] = set()
    for keys in groups.values():
        if len(keys) < 2 or any(frozenset((x, y)) in apart for x in keys for y in keys if x < y):
            continue
        keys.sort()
        rep = seen[keys[0]]
        for k in keys[1:]:
            other = seen.pop(k)
            for sp, n in other.spellings.items():
                rep.spellings[sp] = rep.spellings.get(sp, 0) + n
            by_sound.update(other.spellings)
            if len(other.name.parts) > len(rep.name.parts):
                rep.name = other.name
            ident_of[k] = keys[0]
    return ident_of, by_sound


def _display(seen: _Seen) -> str:
    """The spelling to show for a person outside the roster: plain, dotted, most typed, first in order."""
    if len(seen.spellings) == 1:
        return next(iter(seen.spellings))
    def rank(item):
        text, n = item
        pn = person_name(text)
        return (not pn.plain, not pn.dotted, -n, text)

    return min(seen.spellings.items(), key=rank)[0]


def _roster_duplicates(inv_t, roster: Roster, col) -> None:
    """Two roster lines whose names have one key: refused when spelled differently, or when the
    two lines agree in everything but the id (one person entered twice); otherwise two
    namesakes, said in the notes (a reference by that name is refused as ambiguous)."""
    f = inv_t.frame
    if not any(len(ids) > 1 for ids in roster.by_key.values()):
        return
    ids_all = f["investigator_id"].tolist()
    keys = [roster.parsed[i].key if i in roster.parsed else "" for i in ids_all]
    others = [c for c in f.columns if c not in ("investigator_id", "name")]
    g = f[others].copy()
    g["_key"] = keys
    dup = g.duplicated(subset=["_key", *others], keep="first").to_numpy() & (np.array(keys, dtype=object) != "")
    first_of: dict[str, int] = {}
    namesakes = []
    for k, (i, key) in enumerate(zip(ids_all, keys)):
        if not key:
            continue
        j = first_of.setdefault(key, k)
        if j == k:
            continue
        first = ids_all[j]
        spelled = roster.label[i] != roster.label[first]
        if not spelled and not dup[k]:
            namesakes.append(f"{first}, {i} {roster.label[i]}")
            continue
        other, line = roster.label[first], int(inv_t.lines[j])
        why_en = "the same name written another way" if spelled else "the same line but for the id"
        why_zh = "是同一姓名的另一种写法" if spelled else "除编号外完全相同"
        col.add(inv_t.problem(k, "name", roster.label[i],
                              (f"one line per person; line {line} has {other!r} ({first}), {why_en}",
                               f"每人一行；第 {line} 行的“{other}”（{first}）{why_zh}"),
                              ("one person entered twice? Delete one line. Two people? Write one of them as "
                               f"{roster.label[i]}（另一人）",
                               f"是否同一人录入了两次？请删除一行。如确是两个人，请把其中一人写成“{roster.label[i]}（另一人）”")))
    if namesakes:
        col.note(QualityItem("kin", "note", inv_t.name, "namesakes on the roster (posted or from different "
                             "places): relations, subjects and recusals must name them by id",
                             "花名册中同名的人员（工作或籍贯乡镇不同）：关系表、被调查人和回避表中请用人员编号", tuple(namesakes)))


def _anchor_index(anchors: dict[str, PersonName]) -> dict[str, dict[str, set[str]]]:
    """Lookup tables that find near candidates without comparing every pair."""
    idx: dict[str, dict[str, set[str]]] = {"loose": {}, "piece": {}, "sound": {}, "exact": {}}
    for node, pn in anchors.items():
        for k, v in _index_keys(pn).items():
            for x in v:
                idx[k].setdefault(x, set()).add(node)
    return idx


def _index_keys(pn: PersonName) -> dict[str, set[str]]:
    """The keys under which a name is filed (and looked up): loose form, pieces, sound."""
    b = pn.base
    if not b or pn.distinct or not has_cjk(b):
        return {}
    pieces = {b}
    if len(pn.parts) > 1:
        for i in range(len(pn.parts)):
            for j in range(i + 1, len(pn.parts) + 1):
                pieces.add("".join(pn.parts[i:j]))
        # the name inside a few characters of address or phrase (老…, 阿吉…, …之妻, …家属)
        pieces |= {b[i:len(b) - j] for i in range(4) for j in range(4) if len(b) - i - j >= 4}
    elif len(b) >= 3:  # every inner run of two characters or more (a name inside a longer text)
        pieces |= {b[i:j] for i in range(len(b)) for j in range(i + 2, min(len(b), i + 5) + 1) if j - i < len(b)}
    out = {"loose": {strip_titles_loosely(b)}, "piece": pieces, "exact": {b}}
    if len(b) >= 4:
        out["sound"] = {sound_key(b)}
    return out


def _candidates(pn: PersonName, idx) -> set[str]:
    """Anchors that may be near ``pn``: the same loose form or sound, a whole name that is a piece
    of mine, or a name of which mine is a piece (checked by :func:`near_reason` afterwards)."""
    keys = _index_keys(pn)
    if not keys:
        return set()
    out: set[str] = set()
    for x in keys["loose"]:
        out |= idx["loose"].get(x, set())
    for x in keys.get("sound", ()):
        out |= idx["sound"].get(x, set())
    for x in keys["piece"]:
        out |= idx["exact"].get(x, set())
    out |= idx["piece"].get(pn.base, set())
    return out


class _Reach:
    """Distances in the relations graph between investigators and subjects, up to a cutoff."""

    def __init__(self, edges: list[tuple[str, str]], investigators: set[str], subjects: set[str], cutoff: int):
        self.graph: dict[str, set[str]] = {}
        for a, b in edges:
            if a and b and a != b:
                self.graph.setdefault(a, set()).add(b)
                self.graph.setdefault(b, set()).add(a)
        self.inv = investigators
        self.subj = subjects
        self.cutoff = cutoff
        self._cache: dict[str, dict[str, int]] = {}

    def dist(self, node: str) -> dict[str, int]:
        if node not in self._cache:
            self._cache[node] = bfs_hops(self.graph, node, self.cutoff)
        return self._cache[node]

    def merge_effect(self, x: str, y: str) -> tuple[int, str, str] | None:
        """Taking ``x`` and ``y`` as one person: the shortest new investigator-subject (or
        investigator-investigator) distance it creates, as (hops, a, b), or None; of several
        as short, the least (a, b) -- never the first met, which would follow the hash order
        of the graph's sets and change the refusal's wording from one run to the next."""
        dx, dy = self.dist(x), self.dist(y)
        best = None
        for a, da in dx.items():
            a_inv, a_subj = a in self.inv, a in self.subj
            if not (a_inv or a_subj):
                continue
            for b, db in dy.items():
                hops = da + db
                if hops > self.cutoff or a == b or (best is not None and (hops, a, b) >= best):
                    continue
                b_inv, b_subj = b in self.inv, b in self.subj
                if not ((a_inv and (b_subj or b_inv)) or (a_subj and b_inv)):
                    continue
                old = self.dist(a).get(b)
                if old is None or hops < old:
                    best = (hops, a, b)
        return best


def resolve_people(parsed: dict, col) -> None:
    """Resolve subjects, relation people and recusals in place (see the module doc).

    ``parsed`` maps table names to :class:`~.load.Parsed`; problems and quality items go to
    ``col`` (the loader's collector).
    """
    inv_t = parsed["investigators"]
    roster = Roster(inv_t.frame["investigator_id"].tolist(), inv_t.frame["name"].tolist())
    _roster_duplicates(inv_t, roster, col)
    cols = []
    if "cases" in parsed and parsed["cases"].ok:
        cols.append((parsed["cases"], "subject_id"))
    rel_t = parsed.get("relations") if "relations" in parsed and parsed["relations"].ok else None
    if rel_t is not None:
        cols += [(rel_t, "a"), (rel_t, "b")]
    # each distinct value once: an investigator, ambiguous, or a person outside the roster
    info: dict[str, tuple[str | None, str, tuple[str, ...]]] = {}
    names = _Names()  # each distinct value taken apart once
    for t, column in cols:
        for v in set(t.frame[column].tolist()):
            if v not in info:
                r = info[v] = roster.resolve(v)
                if r[1] not in _BY_ID or not v.isascii():
                    names[v] = person_name(v)
                # else: an id in plain ASCII, taken apart only if a relations row asks (_Names)
    apart = _linked_pairs(rel_t, info, names) if rel_t is not None else set()
    several: dict[str, tuple[str, ...]] = {}
    for v, (ident, how, cands) in list(info.items()):
        if how != "other":
            continue
        pn = names[v]
        hit = roster.by_sound.get(pn.sound, []) if pn.sound else []
        hit = [i for i in hit if frozenset((pn.key, i)) not in apart]
        if len(hit) == 1:
            info[v] = (hit[0], "sound", ())
        elif len(hit) > 1:
            several[v] = tuple(sorted(hit))
    seen: dict[str, _Seen] = {}
    resolved: list[tuple[object, str, np.ndarray, list[str | None], list[str]]] = []
    folded: dict[str, set[str]] = {}  # spelling -> investigator / identity it was read as
    sounded: dict[str, set[str]] = {}  # the same, read as one by transcription
    n_named: dict[tuple[str, str], list[str]] = {}
    for t, column in cols:
        vals = t.frame[column].to_numpy(dtype=object)
        codes, uniques = _factorize(vals)
        rows_of = RowsByCode(codes, len(uniques))
        out: list[str | None] = []
        for u, value in enumerate(uniques):
            ident, how, cands = info[value]
            if how == "blank":
                out.append("")
            elif ident is not None:
                out.append(ident)
                if how != "id":
                    n_named.setdefault((t.name, t.typed.get(column, column)), []).append(value)
                    if how in ("spelling", "sound"):
                        (sounded if how == "sound" else folded).setdefault(value, set()).add(
                            f"{ident} {roster.label[ident]}")
            elif how == "ambiguous":
                for k in rows_of[u][: col.cap]:
                    col.add(t.problem(int(k), column, value,
                                      (f"one person; {value!r} is the name of {len(cands)} investigators: "
                                       f"{roster.describe(cands)}",
                                       f"唯一的人员；“{value}”是 {len(cands)} 名干部的姓名：{roster.describe(cands)}"),
                                      ("write the investigator id (人员编号)", "请填写人员编号")))
                out.append(value)
            else:
                pn = names[value]
                s = seen.get(pn.key)
                if s is None:
                    s = seen[pn.key] = _Seen({}, (t, rows_of.first[u], column, value), pn)
                s.spellings[value] = s.spellings.get(value, 0) + rows_of.count[u]
                if len(pn.parts) > len(s.name.parts):  # the spelling that shows the name's parts best
                    s.name = pn
                out.append(None)  # filled with the identity's display below
        resolved.append((t, column, codes, out, uniques))
    ident_of, by_sound = _merge_by_sound(seen, apart)  # key -> identity key
    display = {k: _display(s) for k, s in seen.items()}
    for k, s in seen.items():
        for sp in s.spellings:
            if sp != display[k]:
                (sounded if sp in by_sound else folded).setdefault(sp, set()).add(display[k])
    # write back: investigators as ids, others as their identity's display
    subjects: set[str] = set()
    edges_cols: dict[str, np.ndarray] = {}
    for t, column, codes, out, uniques in resolved:
        final = [display[ident_of[names[v].key]] if o is None else o for o, v in zip(out, uniques)]
        arr = np.array(final, dtype=object)[codes] if len(codes) else t.frame[column].to_numpy(dtype=object)
        t.frame[column] = arr
        if column == "subject_id":
            subjects = {v for v in final if v}
        else:
            edges_cols[column] = arr
    _near_misses(parsed, roster, seen, display, subjects, edges_cols, col)
    _notes(parsed, n_named, folded, col)
    if several:
        # one name, several investigators by transcription: ordinary in a large Xinjiang county
        # (refusing refused 94 of 100 generated ones, a gap failed --strict on 48 of 50:
        # benchmarks/identity_refusals.py), so it is said in the notes, beside the way to link it
        col.note(QualityItem("kin", "note", rel_t.name if rel_t is not None else "",
                             "people whose name is, in another transcription, the name of several investigators: "
                             "the kin rule takes them as none of them (write the investigator id if they are one)",
                             "姓名按其他音译写法与多名干部相同的人员：亲属回避规则不把其当作其中任何一人（如是其中一人，请填写人员编号）",
                             tuple(f"{v} ~ {roster.describe(c)}" for v, c in sorted(several.items()))))
    if sounded:
        col.note(QualityItem("kin", "note", "", "names written in another transcription of one name read as one "
                             "person for the conflict rules (if two people, write （另一人） after one of them)",
                             "同一姓名的不同音译写法按同一人执行回避（如确是两个人，请在其中一人姓名后注明“（另一人）”）",
                             tuple(f"{sp} = {' / '.join(sorted(v))}" for sp, v in sorted(sounded.items()))))
    conf_t = parsed.get("conflicts")
    if conf_t is not None and conf_t.ok:
        _resolve_recusals(conf_t, roster, col)


#: How a value that is an investigator's id (as written or up to case, spaces, zeros) resolves.
_BY_ID = ("id", "variant", "blank")


class _Names(dict):
    """Distinct values taken apart (:func:`~.identity.person_name`).  An id in plain ASCII is
    taken apart on first use: it has no sound key (no Chinese characters), so leaving it out
    until then changes nothing that iterates the taken values."""

    def __missing__(self, value: str) -> PersonName:
        pn = self[value] = person_name(value)
        return pn


def _linked_pairs(rel_t, info, names: dict[str, PersonName]) -> set[frozenset]:
    """Pairs a relations row links (as identity keys, an investigator as their id) where one end
    has a name that other transcriptions could match: two people the office says are related are
    two people, whatever their names sound like."""
    sounding = {v for v, pn in names.items() if pn.sound}
    out: set[frozenset] = set()
    if not sounding:
        return out
    for a, b in zip(rel_t.frame["a"].tolist(), rel_t.frame["b"].tolist()):
        if a and b and (a in sounding or b in sounding):
            ka = info[a][0] if info[a][0] is not None else names[a].key
            kb = info[b][0] if info[b][0] is not None else names[b].key
            out.add(frozenset((ka, kb)))
            out.add(frozenset((names[a].key, names[b].key)))
    return out


@dataclass(frozen=True)
class NearPair:
    """Two people who may be one typed two ways: ``me`` (a person outside the roster, as the
    relations now hold them) and ``other`` (an investigator id or another person), where
    ``me`` was first typed, and why they look alike.  Kept on the tables when no kin distance
    within :data:`NEAR_HOPS` depends on them, so a run with a deeper kin rule checks again
    (:func:`near_pair_problems`)."""

    me: str
    other: str
    reason: str
    file: str
    line: int | None
    column: str | None
    letter: str | None
    field: str | None
    typed: str
    who: str

    def likeness(self, effect: tuple[int, str, str], investigators: dict[str, str],
                 subjects: set[str]) -> tuple[str, str]:
        """``who (why; if one person, what it changes)`` in English and Chinese."""
        hops, a, b = effect
        inv_side, other = (a, b) if a in investigators else (b, a)

        def name(x: str) -> str:
            return f"{x} {investigators[x]}".strip() if x in investigators else x

        if hops == 0:
            link_en, link_zh = f"{name(inv_side)} would be the subject {other}", f"{name(inv_side)} 即被调查人 {other}"
        else:
            kind_en, kind_zh = ("the subject", "被调查人") if other in subjects else ("investigator", "干部")
            link_en = f"{name(inv_side)} would be {hops} hop(s) from {kind_en} {name(other)}"
            link_zh = f"{name(inv_side)} 与{kind_zh} {name(other)} 相距 {hops} 步"
        en_why, zh_why = _REASON_WORDS[self.reason]
        return f"{self.who} ({en_why}; if one person, {link_en})", f"{self.who}（{zh_why}；如为同一人，{link_zh}）"


def _near_problem(found: list[tuple["NearPair", tuple[int, str, str]]], investigators: dict[str, str],
                  subjects: set[str]) -> Problem:
    """One refusal for a person who looks like one or more others."""
    p = found[0][0]
    likes = [q.likeness(e, investigators, subjects) for q, e in found]
    whos = " / ".join(q.who for q, _ in found)
    return Problem(p.file, p.line, p.column, p.typed,
                   f"a person written as in the roster or the case list, or marked as someone else; "
                   f"{p.typed!r} looks like {', or '.join(en for en, _ in likes)}",
                   letter=p.letter, field=p.field,
                   expected_zh=f"与花名册或线索表写法一致的人员，或注明是另一人；“{p.typed}”像是 {'，或 '.join(zh for _, zh in likes)}",
                   hint=f"if it is {whos}, write the name as there; if it is someone else, write {p.typed}（另一人）",
                   hint_zh=f"如是 {whos}，请写成与其一致的姓名；如是另一人，请写成“{p.typed}（另一人）”")


def near_pair_problems(pairs, relations, investigators: dict[str, str], subjects: set[str],
                       hops: int) -> list[Problem]:
    """The near pairs that taking as one person would change a kin distance within ``hops``."""
    if not pairs:
        return []
    edges = list(zip(relations["a"].tolist(), relations["b"].tolist())) if len(relations) else []
    reach = _Reach(edges, set(investigators), subjects, hops)
    found: dict[str, list] = {}
    for p in pairs:
        effect = reach.merge_effect(p.me, p.other)
        if effect is not None:
            found.setdefault(p.me, []).append((p, effect))
    return [_near_problem(v, investigators, subjects) for _, v in sorted(found.items())]


def _near_misses(parsed, roster: Roster, seen: dict[str, _Seen], display: dict[str, str], subjects: set[str],
                 edges_cols: dict[str, np.ndarray], col) -> None:
    """Refuse people outside the roster who look like another person typed another way when
    taking them as one would change whom the kin rules keep apart; keep and note the others."""
    if not seen:
        return
    # every identity is a possible other end: investigators, subjects, and people of the
    # relations (a relative typed two ways in two rows cuts a kin path as surely)
    # only names in Chinese characters can be near (ids and Latin names never are)
    cjk_seen = {k: s for k, s in seen.items() if has_cjk(k)}
    if not cjk_seen:
        return
    anchors: dict[str, PersonName] = {i: pn for i, pn in roster.parsed.items() if has_cjk(pn.base)}
    ident_of_display = {display[k]: k for k in seen}
    for k, s in cjk_seen.items():
        anchors[display[k]] = s.name
    idx = _anchor_index(anchors)
    pairs: list[NearPair] = []
    for k, s in sorted(cjk_seen.items()):
        me = display[k]
        t, row, column, typed = s.first
        for node in sorted(_candidates(s.name, idx)):
            if node == me or (node in ident_of_display and node < me):  # each outside pair once
                continue
            why = near_reason(s.name, anchors[node])
            if why == "part" and node in roster.label and len(anchors[node].base) < len(s.name.base):
                why = None  # a roster name is the formal one: 买买提 on the roster is not short for 买买提·卡德尔
            if why is not None:
                who = roster.describe([node]) if node in roster.label else node
                pr = t.problem(row, column, typed, ("", ""))
                pairs.append(NearPair(me, node, why, pr.file, pr.line, pr.column, pr.letter, pr.field, typed, who))
    if not pairs:
        return
    edges: list[tuple[str, str]] = []
    if "a" in edges_cols:
        edges = list(zip(edges_cols["a"].tolist(), edges_cols["b"].tolist()))
    reach = _Reach(edges, set(roster.ids), subjects, NEAR_HOPS)
    harmless: list[NearPair] = []
    found: dict[str, list] = {}
    for p in pairs:
        effect = reach.merge_effect(p.me, p.other)
        if effect is None:
            harmless.append(p)
        else:
            found.setdefault(p.me, []).append((p, effect))
    for _, v in sorted(found.items()):
        col.add(_near_problem(v, roster.label, subjects))
    if harmless:
        col.near_people.extend(harmless)
        rel = parsed.get("relations")
        col.note(QualityItem("kin", "note", rel.name if rel is not None else "",
                             f"names close to another person's, taken as different people (no kin distance up to "
                             f"{NEAR_HOPS} hops depends on it)",
                             f"与他人姓名相近、按不同的人处理的人员（{NEAR_HOPS} 步以内的亲属关系不受影响）",
                             tuple(sorted(f"{p.me} ~ {p.who}" for p in harmless))))
    distinct = sorted(f"{display[k]} ≠ {'、'.join(sorted(roster.describe(roster.by_key[s.name.base]).split(', ')))}"
                      for k, s in seen.items() if s.name.distinct and s.name.base in roster.by_key)
    if distinct:
        col.note(QualityItem("kin", "note", "", "people marked as someone else (（另一人）): not the investigator of "
                             "that name", "注明为另一人（（另一人））的人员：不是同名的干部", tuple(distinct)))


def _notes(parsed, n_named: dict[tuple[str, str], list[str]], folded: dict[str, set[str]], col) -> None:
    for (tname, typed), values in sorted(n_named.items()):
        col.resolved(("investigators", "干部"), tname, typed, values)
    if folded:
        shown = tuple(f"{sp} = {' / '.join(sorted(v))}" for sp, v in sorted(folded.items()))
        col.note(QualityItem("read", "note", "", "names written another way (separator dots, spaces, remarks, titles) "
                             "read as one person", "同一人的不同写法（间隔号、空格、备注、职务）已按同一人读取", shown))


def _resolve_recusals(conf_t, roster: Roster, col) -> None:
    vals = conf_t.frame["investigator_id"].to_numpy(dtype=object)
    codes, uniques = _factorize(vals)
    rows_of = RowsByCode(codes, len(uniques))
    out = []
    named: list[str] = []
    for u, value in enumerate(uniques):
        rows = rows_of[u]
        ident, how, cands = roster.resolve(value)
        if ident is not None:
            out.append(ident)
            if how != "id":
                named.append(value)
            continue
        if how == "ambiguous":
            exp = (f"one investigator; {value!r} names {len(cands)}: {roster.describe(cands)}",
                   f"唯一的干部；“{value}”对应 {len(cands)} 人：{roster.describe(cands)}")
            hint = ("write the investigator id (人员编号)", "请填写人员编号")
        else:
            near = _closest(value, roster)
            exp = ("a known investigator (id or name)", "已有的干部（编号或姓名）")
            hint = (f"did you mean {roster.describe(near)}?", f"是否应为 {roster.describe(near)}？") if near else ("", "")
        for k in rows[: col.cap]:
            col.add(conf_t.problem(int(k), "investigator_id", value, exp, hint))
        out.append(value)
    conf_t.frame["investigator_id"] = np.array(out, dtype=object)[codes] if len(vals) else vals
    if named:
        col.resolved(("investigators", "干部"), conf_t.name, conf_t.typed.get("investigator_id", "investigator_id"), named)


def _closest(value: str, roster: Roster) -> list[str]:
    """Investigators whose id or name is close to ``value`` (near names first)."""
    pn = person_name(value)
    near = [i for i, q in roster.parsed.items() if near_reason(pn, q)]
    if near:
        return sorted(near)[:3]
    hits = roster.id_lookup.suggest(value)
    from .headers import did_you_mean

    names = did_you_mean(value, sorted({n for n in roster.names if n}))
    out = [h for h in hits if h in roster.label]
    for n in names:
        out += [i for i in roster.ids if roster.label[i] == n]
    return list(dict.fromkeys(out))[:3]


def _factorize(vals: np.ndarray) -> tuple[np.ndarray, list[str]]:
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=False)
    return codes, [str(u) for u in uniques]
