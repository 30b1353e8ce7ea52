"""Words for people: rule labels, roles, levels, and the solver's details and reasons in the
reader's language, with names where ids stood.

The solver and the eligibility engine write their details and reasons in English with a
fixed shape (see :mod:`zoneplan.staffing.eligibility` and :mod:`zoneplan.staffing.explain`).
Each known shape is a message of the catalog (:mod:`zoneplan.i18n`) whose ``{fields}`` are
read back from the text: the English message is the pattern, so a shape is written once.
A text of an unknown shape is returned unchanged, so nothing is ever lost, only left
untranslated.

**Recusal by relation.**  The kin rule excludes anyone within ``max_hops`` relations of the
subject; what the relation *is* comes from the words along the path (:func:`relation_class`):
all of them words of family (夫妻, 兄弟, 姻亲 ...) -> 亲属; all 同事 -> 同事; all 同学 ->
同学; anything else, or a mix (a colleague's brother) -> 其他关系.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..i18n import N_, NC_, pick, tr

__all__ = ["RULE_LABELS", "CHANGE_WORDS", "ROLE_WORDS", "LEVEL_WORDS", "KIND_WORDS", "LEVEL_NAMES", "STATUS_WORDS",
           "STATUS_SHORT", "RELATION_LABELS", "rule_label", "role_word", "level_word", "yes_no", "detail_text",
           "reason_text", "zoning_text", "relation_class", "name_id", "ERROR", "clause_sep", "table_label", "coded",
           "order_words", "recusal_label", "list_sep", "KIN_WORDS",
           "COLLEAGUE_WORDS", "SCHOOLMATE_WORDS"]

#: Short name per rule id (the machine id stays in the CSVs and in the audit appendix).
RULE_LABELS: dict[str, str] = {
    "pool": N_("pool (nearby staff)"),
    "cross-check": N_("cross-check"),
    "home": N_("home township/village"),
    "kin": N_("kin"),
    "declared": NC_("rule", "declared recusal"),
    "team.available": N_("availability"),
    "team.capacity": N_("capacity"),
    "team.kin": N_("kin within the team"),
    "team.township": N_("members from one township"),
    "forbidden": N_("forbidden pair"),
}
#: The kin rule's label by what the relation is (:func:`relation_class`).
RELATION_LABELS: dict[str, str] = {
    "kin": N_("kin"),
    "colleague": N_("colleague relation"),
    "schoolmate": N_("schoolmate relation"),
    "other": N_("other relation"),
}
ROLE_WORDS = {"lead": N_("lead"), "member": N_("member")}
LEVEL_WORDS = {"county": NC_("io.wording", "county"), "township": NC_("io.wording", "township")}
#: Kind of an unstaffed case (``StaffingResult.unstaffed["kind"]``).
KIND_WORDS = {
    "infeasible": N_("cannot be staffed"),
    "capacity": N_("lost under capacity"),
    "objective": N_("left by the objective order"),
    "undecided": N_("not decided within the time limit"),
}
#: Words of a re-plan's ``changes`` table: the change and its reason.
CHANGE_WORDS = {
    "kept": N_("kept"), "added": N_("added"),
    "removed": N_("removed"), "role": N_("role changed"),
    "new case": N_("new case"), "replacement": N_("replacement"),
    "rebalance": N_("rebalance"), "moved": N_("moved"),
    "unavailable": N_("unavailable"), "new conflict": N_("new conflict"),
    "case closed": N_("case closed"), "person gone": N_("person gone"),
    "no capacity": N_("no capacity"), "forbidden": N_("forbidden"),
    "case unstaffed": N_("case unstaffed"),
    "team size": NC_("io.wording", "team size"), "lead changed": N_("lead changed"),
}
#: Objective levels.
LEVEL_NAMES = {
    "staffed": N_("staffed (priority-weighted)"),
    "max_workload": NC_("io.wording", "largest workload"),
    "travel": N_("total travel (minutes)"),
    "changes": N_("changes to the previous plan"),
    "weighted": N_("weighted objective"),
}
#: The solve's status in a sentence (the audit appendix gives the code).
STATUS_WORDS = {
    "OPTIMAL": N_("proven best plan under the rules"),
    "FEASIBLE": N_("a valid plan, not proven best within the time limit"),
    "MODEL_INVALID": N_("internal error"),
}
#: The status in two or three words, for people: 已证明最优 / 在时限内未证明最优.
STATUS_SHORT = {
    "OPTIMAL": N_("proven optimal"),
    "FEASIBLE": N_("not proven optimal within the time limit"),
    "INFEASIBLE": N_("no plan satisfies the rules"),
    "UNKNOWN": N_("no plan found within the time limit"),
    "MODEL_INVALID": N_("internal error"),
}

_LIST_SEP = NC_("list", ", ")
#: A refusal printed on the console: ``error: ...`` / ``错误：...``.
ERROR = N_("error: {msg}")


def list_sep(lang: str) -> str:
    """The separator of a list of names in ``lang`` (、 in Chinese)."""
    return tr(_LIST_SEP, lang)


def clause_sep(lang: str) -> str:
    """The separator of clauses (``; `` / ``；``)."""
    return tr(_CLAUSE_SEP, lang)


#: Side inputs that are no table of the contract.
_SIDE_TABLES = {"zones": N_("zoning"), "boundaries": N_("township boundaries"), "plan": N_("plan"),
                "previous": N_("previous plan")}
#: A machine code beside its words: English shows both, other languages the words alone.
CODED = N_("{label} ({code})")


def table_label(name: str, lang: str) -> str:
    """An input table by the name its readers give it (the contract's Chinese sheet name in
    Chinese: 干部花名册 for ``investigators``), the machine name in English."""
    if lang == "en":
        return name
    from ..data.contract import TABLES

    if name in TABLES and TABLES[name].zh:
        return TABLES[name].zh
    return tr(_SIDE_TABLES[name], lang) if name in _SIDE_TABLES else name


def coded(label: str, code: str, lang: str) -> str:
    """``label (code)`` in English, the label alone in other languages (codes are English)."""
    return tr(CODED, lang, label=label, code=code)


def order_words(order, lang: str) -> str:
    """Objective levels in order, in words: 配置案件（按优先级加权） > 最大个人工作量 > 总车程（分钟）."""
    return " > ".join(tr(LEVEL_NAMES[x], lang) if x in LEVEL_NAMES else x for x in order)


def rule_label(rule: str, lang: str) -> str:
    return tr(RULE_LABELS[rule], lang) if rule in RULE_LABELS else rule


def role_word(role: str, lang: str) -> str:
    return tr(ROLE_WORDS[role], lang) if role in ROLE_WORDS else role


def level_word(level: str, lang: str) -> str:
    return tr(LEVEL_WORDS[level], lang) if level in LEVEL_WORDS else level


_YES, _NO = N_("yes"), N_("no")


def yes_no(flag: bool, lang: str) -> str:
    return tr(_YES if flag else _NO, lang)


# --------------------------------------------------------------------------- relations

#: Words of family relations (a relation word containing one of them is kin).
KIN_WORDS = ("夫妻", "配偶", "丈夫", "妻子", "夫", "妻", "父", "母", "子", "女", "儿", "兄", "弟", "姐", "妹", "孙",
             "侄", "甥", "姻", "亲", "岳", "婆", "公公", "婿", "媳", "嫂", "舅", "姨", "姑", "伯", "叔", "堂", "表",
             "爷", "奶", "外公", "外婆", "spouse", "husband", "wife", "parent", "father", "mother", "child", "son",
             "daughter", "brother", "sister", "sibling", "cousin", "uncle", "aunt", "nephew", "niece", "in-law",
             "grand", "kin", "relative", "family")
#: Words of colleagues, and of schoolmates.
COLLEAGUE_WORDS = ("同事", "同僚", "共事", "colleague", "coworker", "co-worker")
SCHOOLMATE_WORDS = ("同学", "校友", "同窗", "schoolmate", "classmate", "alumn")
#: Words that are neither, though they hold a family character (好友 holds no 女 ...).
_NOT_KIN = ("朋友", "好友", "邻居", "战友", "老乡", "同乡", "师生", "师徒", "friend", "neighbour", "neighbor")

_PATH_REL = re.compile(r" -\[(.*?)\]- ")


def _word_class(word: str) -> str:
    w = str(word).strip().lower()
    if not w or w == "related":
        return "other"
    if any(x in w for x in COLLEAGUE_WORDS):
        return "colleague"
    if any(x in w for x in SCHOOLMATE_WORDS):
        return "schoolmate"
    if any(x in w for x in _NOT_KIN):
        return "other"
    if any(x in w for x in KIN_WORDS):
        return "kin"
    return "other"


def relation_class(detail: str) -> str:
    """What a kin-rule detail's path is: ``kin``, ``colleague``, ``schoolmate`` or ``other``.

    Every relation word on the path decides: all family words -> ``kin``; all colleagues ->
    ``colleague``; all schoolmates -> ``schoolmate``; anything else or a mix -> ``other``.
    The subject itself as an investigator is ``kin`` (the strictest reading).

    Examples
    --------
    >>> relation_class("I07 -[夫妻]- P12 -[兄弟]- S3 (2 hops)")
    'kin'
    >>> relation_class("I46 -[同事]- P2 -[兄弟]- S4 (2 hops)")
    'other'
    >>> relation_class("I50 -[同学]- S4 (1 hop)")
    'schoolmate'
    """
    words = _PATH_REL.findall(detail)
    if not words:
        return "kin"
    classes = {_word_class(w) for w in words}
    return classes.pop() if len(classes) == 1 else "other"


def recusal_label(rule: str, detail: str, lang: str) -> str:
    """The label of a recusal: the rule's, and for the kin rule what the relation is."""
    if rule == "kin":
        return tr(RELATION_LABELS[relation_class(detail)], lang)
    return rule_label(rule, lang)


# --------------------------------------------------------------------------- shapes

@dataclass(frozen=True)
class _Shape:
    """A text of a fixed shape: its English message (the pattern), optional field patterns,
    an optional short message (a case card), and field transforms (lang, value) -> value."""

    msg: str
    short: str | None = None
    patterns: Mapping[str, str] = field(default_factory=dict)
    transforms: Mapping[str, Callable[[str, str], str]] = field(default_factory=dict)

    @property
    def regex(self) -> re.Pattern[str]:
        return _regex(str(self.msg), tuple(sorted(self.patterns.items())))

    def render(self, m: re.Match[str], lang: str, short: bool = False, **extra: str) -> str:
        g = {k: v for k, v in m.groupdict().items()}
        for k, fn in self.transforms.items():
            if k in g:
                g[k] = fn(lang, g[k])
        g.update(extra)
        return tr(self.short if short and self.short else self.msg, lang, **g)


_FIELD = re.compile(r"\{(\w+)\}")
_REGEX_CACHE: dict[tuple, re.Pattern[str]] = {}


def _regex(msg: str, patterns: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    key = (msg, patterns)
    if key not in _REGEX_CACHE:
        pats = dict(patterns)
        out, pos, seen = [], 0, set()
        for m in _FIELD.finditer(msg):
            out.append(re.escape(msg[pos:m.start()]))
            name = m.group(1)
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>{pats.get(name, '.+?')})")
            seen.add(name)
            pos = m.end()
        out.append(re.escape(msg[pos:]))
        _REGEX_CACHE[key] = re.compile("".join(out) + r"\Z", re.S)
    return _REGEX_CACHE[key]


def _match(shapes: list[_Shape], text: str) -> tuple[_Shape, re.Match[str]] | None:
    for s in shapes:
        m = s.regex.match(text)
        if m:
            return s, m
    return None


def _none_word(lang: str, v: str) -> str:
    return tr(_NONE, lang) if v == "(none)" else v


_NONE = N_("(none)")

#: Shapes of exclusion details (``detail`` of the eligibility engine and the checker).
_DETAILS = [
    _Shape(N_("posted in the case's township {t}"), N_("posted in this township"), {"t": "[^;]+"}),
    _Shape(N_("home township is the case's township {t}"), N_("from this township"), {"t": "[^;]+"}),
    _Shape(N_("home village is the case's village {v}"), N_("from this village"), {"v": "[^;]+"},
           {"v": _none_word}),
    _Shape(N_("{p} is the subject"), N_("is the subject")),
    _Shape(N_("declared recusal: {r}"), N_("declared: {r}")),
    _Shape(NC_("io.wording", "declared recusal")),
    _Shape(N_("marked unavailable")),
    _Shape(N_("no capacity left (max_cases reached)")),
    _Shape(N_("county-level staff of county '{a}'; the case is in county '{b}'"), patterns={"a": ".*", "b": ".*"}),
    _Shape(N_("posted in zone {a}; the case's township is in zone {b}")),
    _Shape(N_("posted in county '{a}'; the case is in county '{b}'"), patterns={"a": ".*", "b": ".*"}),
    _Shape(NC_("io.wording", "{m} road minutes away; the pool reaches {r}"), patterns={"m": r"\d+"}),
    _Shape(N_("forbidden by the planner (--forbid)")),
]
_KIN = re.compile(r"(?P<path>.+) \((?P<n>\d+) hops?\)\Z", re.S)


@functools.lru_cache(maxsize=1 << 16)
def _kin_path(detail: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """A kin path taken apart once (nodes, relations, hops); None when ``detail`` is not one.
    Cached: a national plan words some 60,000 distinct details three ways each."""
    m = _KIN.match(detail)
    if not m:
        return None
    path = m.group("path")
    nodes = re.split(r" -\[.*?\]- ", path)
    rels = _PATH_REL.findall(path)
    if len(nodes) != len(rels) + 1:
        return None
    return tuple(nodes), tuple(rels), m.group("n")


def _kin_text(detail: str, lang: str, who: Callable[[str], str], short: bool, subject: str | None) -> str | None:
    """A kin path in words: 与 P002 是同事，P002 与被调查人 S04 是兄弟（相隔 2 层关系）.

    The first node is the investigator (left out in ``short``: the card line starts with the
    person); the subject is called so; every other node by name where one is known."""
    parsed = _kin_path(detail)
    if parsed is None:
        return None
    nodes, rels, hops = parsed

    def name(k: int) -> str:
        n = nodes[k]
        if k == len(nodes) - 1 and (subject is None or n == subject):
            return tr(_SUBJECT, lang, s=who(n))
        return who(n)

    clauses = []
    for k, rel in enumerate(rels):
        rel = rel if rel != "related" else tr(_RELATED, lang)
        if k == 0:
            clauses.append(tr(_FIRST_LINK if short else _LINK, lang, a=name(0), b=name(1), rel=rel))
        else:
            clauses.append(tr(_LINK, lang, a=name(k), b=name(k + 1), rel=rel))
    return tr(_HOPS, lang, path=tr(_CLAUSE_SEP, lang).join(clauses), n=hops)


_SUBJECT = N_("the subject {s}")
_RELATED = N_("related")
_LINK = N_("{a} and {b}: {rel}")
_FIRST_LINK = N_("with {b}: {rel}")
_CLAUSE_SEP = NC_("clauses", "; ")
_HOPS = N_("{path} ({n} hops apart)")


def detail_text(detail: str, lang: str, places: Mapping[str, str] | None = None,
                people: Mapping[str, str] | None = None, short: bool = False, names_only: bool = False,
                subject: str | None = None) -> str:
    """An exclusion detail (a rule's ``detail``) in ``lang``, with names for ids.

    ``places`` maps township ids to names, ``people`` person ids to names; a ``home`` detail
    may hold two parts separated by ``"; "``.  ``short`` leaves out what the reader of a
    case card already knows (the case's own township and village, the person excluded).
    ``names_only`` writes a known name alone (the part for people) instead of name and id.
    ``subject`` is the case's subject (the last node of a kin path is called so).
    """
    if not detail:
        return detail

    def place(t: str) -> str:
        n = (places or {}).get(t, "")
        if not n or n == t:
            return t
        return n if names_only else tr(_NAME_ID, lang, name=n, id=t)

    def who(p: str) -> str:
        n = (people or {}).get(p, "")
        if not n:
            return p
        return n if names_only else tr(_NAME_ID, lang, name=n, id=p)

    def one(part: str) -> str | None:
        kin = _kin_text(part, lang, who, short, subject)
        if kin is not None:
            return kin
        hit = _detail_shape(part)
        if hit is None:
            return None
        shape, m = hit
        g = {}
        if "t" in m.groupdict():
            g["t"] = place(m.group("t"))
        if "p" in m.groupdict():
            g["p"] = who(m.group("p"))
        return shape.render(m, lang, short=short, **g)

    whole = one(detail)
    if whole is not None:
        return whole
    parts = [one(p) or p for p in detail.split("; ")]
    return tr(_CLAUSE_SEP, lang).join(parts)


@functools.lru_cache(maxsize=1 << 16)
def _detail_shape(part: str) -> tuple[_Shape, re.Match[str]] | None:
    """The shape an exclusion detail has, and its fields (cached, as :func:`_kin_path`)."""
    return _match(_DETAILS, part)


_NAME_ID = N_("{name} ({id})")


def name_id(name: str, id_: str, lang: str) -> str:
    """A name with its id beside it (``城关镇（T01）``), or the id alone without a name."""
    return tr(_NAME_ID, lang, name=name, id=id_) if name and name != id_ else id_


# --------------------------------------------------------------------------- unstaffed reasons

#: How the eligibility engine counts exclusions (``RULE_WORDS`` of the eligibility engine).
_COUNT_WORDS = {
    "posted locally": N_("{n} posted locally"),
    "from the case's township or village": N_("{n} from the case's township or village"),
    "kin of the subject": N_("{n} kin of the subject"),
    "declared a conflict": N_("{n} declared a conflict"),
    "unavailable": N_("{n} unavailable"),
    "with no capacity left": N_("{n} with no capacity left"),
    "forbidden by the planner": N_("{n} forbidden by the planner"),
}
_NONE_EXCLUDED = N_("none excluded")


def _counts(lang: str, text: str) -> str:
    if text == "none excluded":
        return tr(_NONE_EXCLUDED, lang)
    out = []
    for part in text.split(", "):
        n, _, words = part.partition(" ")
        if not n.isdigit() or words not in _COUNT_WORDS:
            return text
        out.append(tr(_COUNT_WORDS[words], lang, n=n))
    return tr(NC_("counts", ", "), lang).join(out)


_REQUIREMENTS = {"a lead": N_("a lead"), "a county-level lead": N_("a county-level lead")}
_SKILL = N_("skill {s}")
_MEMBERS = N_("{n} members")


def _requirements(lang: str, text: str) -> str:
    out = []
    for part in text.split(" and "):
        m = re.fullmatch(r"skill (.+)", part)
        n = re.fullmatch(r"(\d+) members", part)
        out.append(tr(_REQUIREMENTS[part], lang) if part in _REQUIREMENTS else tr(_SKILL, lang, s=m.group(1)) if m
                   else tr(_MEMBERS, lang, n=n.group(1)) if n else part)
    return tr(NC_("requirements", " and "), lang).join(out)


_WHY = [
    _Shape(N_("needs {n}, but nobody is in its pool of nearby staff (zone / county staff / within {m} min)"),
           patterns={"n": r"\d+"}),
    _Shape(N_("needs {n}, only {k} eligible after conflicts: {counts} (of {pool} nearby)"),
           patterns={"n": r"\d+", "k": r"\d+", "pool": r"\d+"}, transforms={"counts": _counts}),
    _Shape(N_("no eligible county-level lead for an escalated case")),
    _Shape(N_("no eligible member can lead (can_lead)")),
    _Shape(N_("skill {s} not in the eligible pool")),
    _Shape(N_("no team of {n} from its {k} eligible people has {req} together"),
           patterns={"n": r"\d+", "k": r"\d+"}, transforms={"req": _requirements}),
]


def _why(lang: str, text: str) -> str:
    return tr(_CLAUSE_SEP, lang).join(_rewrite(_WHY, p, lang) for p in text.split("; "))


_MORE_CASES = N_("{cases} and {more} more")


def _reasons(people: Mapping[str, str] | None, names_only: bool) -> list[_Shape]:
    """The reasons of unstaffed cases, people named as :func:`detail_text` names them."""

    def persons(lang: str, text: str) -> str:
        ids = [x.strip() for x in text.split(",") if x.strip()]
        shown = []
        for p in ids:
            if p == "...":
                shown.append("…")
                continue
            n = (people or {}).get(p, "")
            shown.append(p if not n else n if names_only else tr(_NAME_ID, lang, name=n, id=p))
        return list_sep(lang).join(shown)

    def held(lang: str, text: str) -> str:
        m = re.fullmatch(r"(.*?)(?: and (\d+) more)?", text, re.S)
        items = [tr(_HELD, lang, case=c, p=p) for c, p in re.findall(r"(\S+) \(priority (\d+)\)", m.group(1))]
        if not items:
            return tr(_OTHER_CASES, lang) if m.group(1) == "other cases" else m.group(1)
        out = list_sep(lang).join(items)
        return tr(_MORE_CASES, lang, cases=out, more=m.group(2)) if m.group(2) else out

    return [
        _Shape(N_("cannot be staffed at all: {why}"), transforms={"why": _why}),
        _Shape(N_("lost to higher-priority cases under capacity: staffable alone, but {k} of its {n} eligible "
                  "people ({people}) are at their case limit on {held}; this case has priority {p}"),
               patterns={"k": r"\d+", "n": r"\d+", "people": ".*", "held": ".+", "p": r"\d+"},
               transforms={"people": persons, "held": held}),
        _Shape(N_("lost to competing cases under capacity: staffable alone, but {k} of its {n} eligible "
                  "people ({people}) are at their case limit on {held}; this case has priority {p}"),
               patterns={"k": r"\d+", "n": r"\d+", "people": ".*", "held": ".+", "p": r"\d+"},
               transforms={"people": persons, "held": held}),
        _Shape(N_("not decided within the time limit: the search stopped before it was shown whether this case "
                  "can be staffed")),
        _Shape(N_("not decided within the time limit: staffable on its own; the search stopped before its part "
                  "of the plan was proven optimal")),
        _Shape(N_("left unstaffed by the objective order ({order}): {first} is ranked before staffed"),
               transforms={"order": _order_words, "first": lambda lang, v: _level_name(lang, v)}),
    ]


_HELD = N_("{case} (priority {p})")
_OTHER_CASES = N_("other cases")


def _level_name(lang: str, name: str) -> str:
    return tr(LEVEL_NAMES[name], lang) if name in LEVEL_NAMES else name


def _order_words(lang: str, text: str) -> str:
    return " > ".join(_level_name(lang, x.strip()) for x in text.split(">"))


def _rewrite(shapes: list[_Shape], text: str, lang: str) -> str:
    hit = _match(shapes, text)
    return text if hit is None else hit[0].render(hit[1], lang)


def reason_text(reason: str, lang: str, people: Mapping[str, str] | None = None, names_only: bool = False) -> str:
    """Why a case is unstaffed (the text of ``unstaffed.csv``'s ``reason``) in ``lang``, the
    people it names by name (``people``: id -> name; ``names_only``: the name alone)."""
    if not reason or (lang == "en" and not people):
        return reason
    return _rewrite(_reasons(people, names_only), reason, lang)


# --------------------------------------------------------------------------- zoning explanations

def _items(lang: str, text: str) -> str:
    return tr(_CLAUSE_SEP, lang).join(_rewrite(_ZONE_ITEMS, p, lang) for p in text.split("; "))


_TOWN = re.compile(r"(?P<name>.+?) \((?P<id>[^()]+)\)\Z")
_MORE = N_("{items} and {n} more")


def _towns(lang: str, text: str) -> str:
    """Township labels of a zoning message (``城关街道 (T01), 肖营镇 (T03) and 8 more``) in ``lang``."""
    if lang == "en":
        return text
    m = re.fullmatch(r"(.*?)(?: and (\d+) more)?", text, re.S)
    parts = []
    for item in m.group(1).split(", "):
        t = _TOWN.match(item)
        parts.append(name_id(t.group("name"), t.group("id"), lang) if t else item)
    out = list_sep(lang).join(parts)
    return tr(_MORE, lang, items=out, n=m.group(2)) if m.group(2) else out


def _Z(msg: str, patterns: Mapping[str, str] | None = None,
       transforms: Mapping[str, Callable[[str, str], str]] | None = None) -> _Shape:
    """A zoning message: the township labels of its fields read in the reader's language."""
    towns = {k: _towns for k in ("a", "b", "t", "g", "nb", "h")}
    return _Shape(msg, patterns=dict(patterns or {}), transforms={**towns, **(transforms or {})})


_ZONE_ITEMS = [
    _Shape(N_("exclude {t}"), transforms={"t": lambda lang, v: _towns(lang, v)}),
    _Shape(N_("keep zone {z}")),
    _Shape(N_("together {a} + {b}"), transforms={"a": lambda lang, v: _towns(lang, v),
                                                 "b": lambda lang, v: _towns(lang, v)}),
    _Shape(N_("apart {a} / {b}"), transforms={"a": lambda lang, v: _towns(lang, v),
                                              "b": lambda lang, v: _towns(lang, v)}),
    _Shape(N_("target of {n} zones"), patterns={"n": r"\d+"}),
]


def _kept_in(lang: str, text: str) -> str:
    parts = [re.fullmatch(r"(.+) is in kept zone (.+)", p) for p in text.split(" and ")]
    if all(parts):
        return tr(NC_("kept in", " and "), lang).join(tr(_IN_KEPT, lang, t=m.group(1), z=m.group(2))
                                                       for m in parts if m)
    return text


_IN_KEPT = N_("{t} is in kept zone {z}")
_D = r"\d+"

_ZONING = [
    _Z(N_("time limit reached; best zoning is within {gap} of the proven bound")),
    _Z(N_("no zoning satisfies the rules and what-ifs")),
    _Z(N_("no zoning satisfies the rules and what-ifs (too many candidates to diagnose)")),
    _Z(N_("no zoning satisfies the rules and what-ifs (diagnosis inconclusive)")),
    _Z(N_("no zoning found within the time limit")),
    _Z(N_("not solved, time limit used up")),
    _Z(N_("the model is invalid ({why})")),
    _Z(N_("these what-ifs cannot hold together with zones of {lo}..{hi} connected townships: {items}. "
              "Drop or change one of them"), patterns={"lo": _D, "hi": _D}, transforms={"items": _items}),
    _Z(N_("the connected group {g} ({n} townships) cannot be split into connected zones of {lo}..{hi} "
              "townships; check its adjacency or change the sizes"), patterns={"n": _D, "lo": _D, "hi": _D}),
    _Z(N_("no zoning exists with zones of {lo}..{hi} connected townships and the target zone count"),
           patterns={"lo": _D, "hi": _D}),
    _Z(N_("{a} and {b} are asked to be both together and apart; drop one of the two what-ifs")),
    _Z(N_("together pair {a} (county {ca}) and {b} (county {cb}) cannot share a zone: zones never cross a "
              "county")),
    _Z(N_("{a} is excluded but asked to be together with {b}")),
    _Z(N_("together pair {a} and {b} conflicts with keep: {kept}"), transforms={"kept": _kept_in}),
    _Z(N_("together pairs chain {g} into one zone of {n} townships, but max_size is {hi}"),
           patterns={"n": _D, "hi": _D}),
    _Z(N_("apart pair {a} and {b} contradicts together pairs that chain them into one zone")),
    _Z(N_("apart pair {a} and {b} are both in kept zone {z}")),
    _Z(N_("kept zone {z} spans counties {c}; zones never cross a county")),
    _Z(N_("kept zone {z} has {n} townships ({t}), outside the allowed {lo}..{hi}"),
           patterns={"n": _D, "lo": _D, "hi": _D}),
    _Z(N_("kept zone {z} contains excluded township(s) {t}")),
    _Z(N_("kept zone {z} ({t}) is not connected in the adjacency")),
    _Z(N_("{t} has no neighbour left in county {c}; its neighbour(s) {nb} are excluded or in kept zones, so "
              "it cannot join a zone of at least {lo} townships; exclude it or add an adjacency link"),
           patterns={"lo": _D}),
    _Z(N_("{t} has no neighbour left in county {c} in the adjacency, so it cannot join a zone of at least "
              "{lo} townships; exclude it or add an adjacency link"), patterns={"lo": _D}),
    _Z(N_("the connected group {g} has {n} townships, which zones of {lo}..{hi} townships cannot cover "
              "exactly; change the sizes or exclude a township"), patterns={"n": _D, "lo": _D, "hi": _D}),
    _Z(N_("{h} is the only neighbour of {n} townships ({t}); each must share its zone, but a zone holds at "
              "most {hi} townships"), patterns={"n": _D, "hi": _D}),
    _Z(N_("county {c} is asked for {k} zones, but its {n} zoned townships allow only {a}..{b} zones of "
              "{lo}..{hi}"), patterns={"k": _D, "n": _D, "a": _D, "b": _D, "lo": _D, "hi": _D}),
]
_COUNTY_HEAD = N_("{county}: {text}")


def zoning_text(message: str, lang: str) -> str:
    """A zoning explanation (``ZoningResult.explanations``) in ``lang``; ``county X: `` leads."""
    if lang == "en" or not message:
        return message
    county = ""
    m = re.match(r"county (.+?): (.+)\Z", message, re.S)
    if m and not message.startswith(f"county {m.group(1)} is asked"):
        county, message = m.group(1), m.group(2)
    body = _rewrite(_ZONING, message, lang)
    return tr(_COUNTY_HEAD, lang, county=county, text=body) if county and not body.startswith(county) else body


def pick_status(status: str, lang: str) -> str:  # pragma: no cover - kept for callers of the old name
    return pick(STATUS_WORDS.get(status, status), lang)
