"""Words for people: rule labels, roles, levels, and Chinese versions of the solver's details.

The solver and the eligibility engine write their details and reasons in English with a
fixed shape (see :mod:`zoneplan.staffing.eligibility` and :mod:`zoneplan.staffing.explain`).
For a report each known shape is rewritten here, piece by piece, in the reader's language
and with names beside the ids of places and people; a text of an unknown shape is returned
unchanged, so nothing is ever lost, only left untranslated.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping

from ..i18n import pick

__all__ = ["RULE_LABELS", "ROLE_WORDS", "LEVEL_WORDS", "KIND_WORDS", "LEVEL_NAMES", "STATUS_WORDS",
           "rule_label", "role_word", "level_word", "yes_no", "detail_text", "reason_text"]

#: Short name per rule id (the machine id stays in the CSVs and in a column of its own).
RULE_LABELS: dict[str, dict[str, str]] = {
    "pool": {"en": "pool (nearby staff)", "zh": "就近调配范围"},
    "cross-check": {"en": "cross-check", "zh": "交叉互查"},
    "home": {"en": "home township/village", "zh": "籍贯回避"},
    "kin": {"en": "kin", "zh": "亲属关系回避"},
    "declared": {"en": "declared recusal", "zh": "申报回避"},
    "team.available": {"en": "availability", "zh": "在岗情况"},
    "team.capacity": {"en": "capacity", "zh": "承办上限"},
}
ROLE_WORDS = {"lead": {"en": "lead", "zh": "组长"}, "member": {"en": "member", "zh": "组员"}}
LEVEL_WORDS = {"county": {"en": "county", "zh": "县级"}, "township": {"en": "township", "zh": "乡镇级"}}
#: Kind of an unstaffed case (``StaffingResult.unstaffed["kind"]``).
KIND_WORDS = {
    "infeasible": {"en": "cannot be staffed", "zh": "无法配置"},
    "capacity": {"en": "lost under capacity", "zh": "人手被占用"},
    "objective": {"en": "left by the objective order", "zh": "按目标顺序未配置"},
    "undecided": {"en": "not decided within the time limit", "zh": "时限内未能确定"},
}
#: Objective levels.
LEVEL_NAMES = {
    "staffed": {"en": "staffed (priority-weighted)", "zh": "配置案件（按优先级加权）"},
    "max_workload": {"en": "largest workload", "zh": "最大个人工作量"},
    "travel": {"en": "total travel (minutes)", "zh": "总车程（分钟）"},
    "weighted": {"en": "weighted objective", "zh": "加权目标值"},
}
STATUS_WORDS = {
    "OPTIMAL": {"en": "proven best plan under the rules", "zh": "已证明为规则下的最优方案"},
    "FEASIBLE": {"en": "a valid plan, not proven best within the time limit",
                 "zh": "有效方案，但在时限内未证明最优"},
    "MODEL_INVALID": {"en": "internal error", "zh": "内部错误"},
}


def rule_label(rule: str, lang: str) -> str:
    return pick(RULE_LABELS[rule], lang) if rule in RULE_LABELS else rule


def role_word(role: str, lang: str) -> str:
    return pick(ROLE_WORDS[role], lang) if role in ROLE_WORDS else role


def level_word(level: str, lang: str) -> str:
    return pick(LEVEL_WORDS[level], lang) if level in LEVEL_WORDS else level


def yes_no(flag: bool, lang: str) -> str:
    return ("是" if flag else "否") if lang == "zh" else ("yes" if flag else "no")


# --------------------------------------------------------------------------- Chinese rewrites

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rules(*pairs: tuple[str, Callable[[re.Match[str]], str]]) -> list[_Rule]:
    return [(re.compile(p + r"\Z", re.S), f) for p, f in pairs]


def _kin_path(path: str, who: Callable[[str], str], lang: str) -> str:
    nodes = re.split(r" -\[.*?\]- ", path)
    rels = re.findall(r" -\[(.*?)\]- ", path)
    out = who(nodes[0])
    for rel, node in zip(rels, nodes[1:]):
        out += f" —{rel}— {who(node)}" if lang == "zh" else f" -[{rel}]- {who(node)}"
    return out


#: Shapes of exclusion details: pattern (named groups: ``t*`` townships, ``p*`` people,
#: ``path`` a kin path) -> text per language (``<lang>.short``: without what the case's own
#: place already says, for a case card).
_DETAILS: list[tuple[re.Pattern[str], dict[str, str]]] = [(re.compile(p + r"\Z", re.S), t) for p, t in (
    (r"posted in the case's township (?P<t>[^;]+)",
     {"en": "posted in the case's township {t}", "zh": "任职于本案所在乡镇 {t}",
      "en.short": "posted in this township", "zh.short": "在本乡镇任职"}),
    (r"home township is the case's township (?P<t>[^;]+)",
     {"en": "home township is the case's township {t}", "zh": "籍贯乡镇即本案所在乡镇 {t}",
      "en.short": "from this township", "zh.short": "籍贯为本乡镇"}),
    (r"home village is the case's village (?P<v>[^;]+)",
     {"en": "home village is the case's village {v}", "zh": "籍贯村即本案所在村 {v}",
      "en.short": "from this village", "zh.short": "籍贯为本村"}),
    (r"(?P<p>.+) is the subject", {"en": "{p} is the subject", "zh": "{p}即被调查人"}),
    (r"(?P<path>.+) \((?P<n>\d+) hops?\)", {"en": "{path} ({n} hop{s})", "zh": "{path}（相隔 {n} 层关系）"}),
    (r"declared recusal: (?P<r>.+)", {"en": "declared recusal: {r}", "zh": "本人申报回避：{r}"}),
    (r"declared recusal", {"en": "declared recusal", "zh": "本人申报回避"}),
    (r"marked unavailable", {"en": "marked unavailable", "zh": "标记为不在岗"}),
    (r"no capacity left \(max_cases reached\)",
     {"en": "no capacity left (max_cases reached)", "zh": "承办案件数已达上限"}),
    (r"county-level staff of county '(?P<a>.*)'; the case is in county '(?P<b>.*)'",
     {"en": "county-level staff of {a}; the case is in {b}", "zh": "{a}县级人员，本案在{b}"}),
    (r"posted in zone (?P<a>.+); the case's township is in zone (?P<b>.+)",
     {"en": "posted in zone {a}; the case's township is in zone {b}",
      "zh": "任职于协作区 {a}，本案乡镇属协作区 {b}"}),
    (r"posted in county '(?P<a>.*)'; the case is in county '(?P<b>.*)'",
     {"en": "posted in {a}; the case is in {b}", "zh": "任职于{a}，本案在{b}"}),
    (r"(?P<m>\d+) road minutes away; the pool reaches (?P<r>.+)",
     {"en": "{m} road minutes away; the pool reaches {r}", "zh": "车程 {m} 分钟，超出协作范围（{r} 分钟）"}),
)]


#: How eligibility counts are worded (``RULE_WORDS`` of the eligibility engine).
_COUNT_ZH = {
    "posted locally": "人本乡镇任职", "from the case's township or village": "人为本乡镇或本村人",
    "kin of the subject": "人与被调查人有关系", "declared a conflict": "人申报回避",
    "unavailable": "人不在岗", "with no capacity left": "人承办已满",
}


def _counts_zh(text: str) -> str:
    if text == "none excluded":
        return "无人回避"
    out = []
    for part in text.split(", "):
        n, _, words = part.partition(" ")
        if not n.isdigit() or words not in _COUNT_ZH:
            return text
        out.append(f"{n} {_COUNT_ZH[words]}")
    return "，".join(out)


def _requirement_zh(text: str) -> str:
    words = {"a lead": "组长", "a county-level lead": "县级组长"}
    out = []
    for part in text.split(" and "):
        m = re.fullmatch(r"skill (.+)", part)
        n = re.fullmatch(r"(\d+) members", part)
        out.append(words.get(part) or (f"专长 {m.group(1)}" if m else f"{n.group(1)} 名成员" if n else part))
    return "、".join(out)


_WHY_ZH = _rules(
    (r"needs (\d+), but nobody is in its pool of nearby staff \(zone / county staff / within (.+) min\)",
     lambda m: f"需要 {m.group(1)} 人，但附近（本协作区、县级人员或 {m.group(2)} 分钟车程内）没有人员"),
    (r"needs (\d+), only (\d+) eligible after conflicts: (.+) \(of (\d+) nearby\)",
     lambda m: f"需要 {m.group(1)} 人，回避后仅 {m.group(2)} 人可用：附近 {m.group(4)} 人中"
               f"{_counts_zh(m.group(3))}"),
    (r"no eligible county-level lead for an escalated case", lambda m: "提级直查案件没有可用的县级组长"),
    (r"no eligible member can lead \(can_lead\)", lambda m: "可用人员中没有能任组长的"),
    (r"skill (.+) not in the eligible pool", lambda m: f"可用人员中没有专长 {m.group(1)}"),
    (r"no team of (\d+) from its (\d+) eligible people has (.+) together",
     lambda m: f"从 {m.group(2)} 名可用人员中组不出同时具备{_requirement_zh(m.group(3))}的 {m.group(1)} 人小组"),
)


def _capacity_zh(m: re.Match[str]) -> str:
    head = "让位于优先级更高的案件" if m.group(1) == "higher-priority" else "让位于其他案件"
    held = m.group(5).replace(" (priority ", "（优先级 ").replace(")", "）")
    more = m.group(6)
    if more:
        more = "等另外 " + more.strip().removeprefix("and ").removesuffix(" more") + " 件"
    return (f"{head}（承办上限）：本案单独可以配置，但其 {m.group(3)} 名可用人员中有 {m.group(2)} 人"
            f"（{m.group(4)}）已满额，正承办 {held}{more or ''}；本案优先级 {m.group(7)}")


_REASON_ZH = _rules(
    (r"cannot be staffed at all: (.+)",
     lambda m: "无法配置：" + "；".join(_rewrite(p, _WHY_ZH) for p in m.group(1).split("; "))),
    (r"lost to (higher-priority|competing) cases under capacity: staffable alone, but (\d+) of its (\d+) "
     r"eligible people \((.*)\) are at their case limit on (.+?)( and \d+ more)?; this case has priority (\d+)",
     _capacity_zh),
    (r"not decided within the time limit: the search stopped before it was shown whether this case can be "
     r"staffed", lambda m: "在时限内未能确定：搜索在判明本案能否配置之前停止"),
    (r"not decided within the time limit: staffable on its own; the search stopped before its part of the "
     r"plan was proven optimal", lambda m: "在时限内未能确定：本案单独可以配置，但搜索在其所在部分被证明最优之前停止"),
    (r"left unstaffed by the objective order \((.+)\): (.+) is ranked before staffed",
     lambda m: f"按目标顺序（{m.group(1)}）未配置：{m.group(2)} 排在“配置案件”之前"),
)


def _rewrite(text: str, rules: list[_Rule]) -> str:
    for pattern, fn in rules:
        m = pattern.match(text)
        if m:
            return fn(m)
    return text


def detail_text(detail: str, lang: str, places: Mapping[str, str] | None = None,
                people: Mapping[str, str] | None = None, short: bool = False) -> str:
    """An exclusion detail (a rule's ``detail``) in ``lang``, with names beside ids.

    ``places`` maps township ids to names, ``people`` investigator ids to names; a ``home``
    detail may hold two parts separated by ``"; "``.  ``short`` leaves out the case's own
    township and village where the reader sees them already (a case card).
    """
    if not detail:
        return detail

    def place(t: str) -> str:
        n = (places or {}).get(t, "")
        return f"{n}（{t}）" if lang == "zh" and n and n != t else f"{n} ({t})" if n and n != t else t

    def who(p: str) -> str:
        n = (people or {}).get(p, "")
        return f"{n}（{p}）" if lang == "zh" and n else f"{n} ({p})" if n else p

    def one(part: str) -> str | None:
        for pattern, texts in _DETAILS:
            m = pattern.match(part)
            if m is None:
                continue
            g = {k: ("（无）" if lang == "zh" and v == "(none)" else v) for k, v in m.groupdict().items()}
            if "t" in g:
                g["t"] = place(g["t"])
            if "p" in g:
                g["p"] = who(g["p"])
            if "path" in g:
                g["path"] = _kin_path(g["path"], who, lang)
                g["s"] = "" if g["n"] == "1" else "s"
            if short and f"{lang}.short" in texts:
                return texts[f"{lang}.short"].format(**g)
            return pick(texts, lang, **g)
        return None

    whole = one(detail)
    if whole is not None:
        return whole
    parts = [one(p) or p for p in detail.split("; ")]
    return ("；" if lang == "zh" else "; ").join(parts)


def reason_text(reason: str, lang: str) -> str:
    """Why a case is unstaffed, in ``lang`` (the text of ``unstaffed.csv``'s ``reason``)."""
    if lang != "zh" or not reason:
        return reason
    return _rewrite(reason, _REASON_ZH)
