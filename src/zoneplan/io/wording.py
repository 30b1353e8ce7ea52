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

from ..i18n import N_, NC_, pick

__all__ = ["RULE_LABELS", "CHANGE_WORDS", "ROLE_WORDS", "LEVEL_WORDS", "KIND_WORDS", "LEVEL_NAMES", "STATUS_WORDS",
           "rule_label", "role_word", "level_word", "yes_no", "detail_text", "reason_text", "zoning_text"]

#: Short name per rule id (the machine id stays in the CSVs and in a column of its own).
RULE_LABELS: dict[str, dict[str, str]] = {
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
STATUS_WORDS = {
    "OPTIMAL": N_("proven best plan under the rules"),
    "FEASIBLE": N_("a valid plan, not proven best within the time limit"),
    "MODEL_INVALID": N_("internal error"),
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
    (r"(?P<p>.+) is the subject", N_("{p} is the subject")),
    (r"(?P<path>.+) \((?P<n>\d+) hops?\)", N_("{path} ({n} hop{s})")),
    (r"declared recusal: (?P<r>.+)", N_("declared recusal: {r}")),
    (r"declared recusal", NC_("io.wording", "declared recusal")),
    (r"marked unavailable", N_("marked unavailable")),
    (r"no capacity left \(max_cases reached\)",
     N_("no capacity left (max_cases reached)")),
    (r"county-level staff of county '(?P<a>.*)'; the case is in county '(?P<b>.*)'",
     N_("county-level staff of {a}; the case is in {b}")),
    (r"posted in zone (?P<a>.+); the case's township is in zone (?P<b>.+)",
     N_("posted in zone {a}; the case's township is in zone {b}")),
    (r"posted in county '(?P<a>.*)'; the case is in county '(?P<b>.*)'",
     NC_("io.wording", "posted in {a}; the case is in {b}")),
    (r"(?P<m>\d+) road minutes away; the pool reaches (?P<r>.+)",
     NC_("io.wording", "{m} road minutes away; the pool reaches {r}")),
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


# --------------------------------------------------------------------------- zoning explanations

_ZONE_ITEM_ZH = _rules(
    (r"exclude (.+)", lambda m: f"排除 {m.group(1)}"),
    (r"keep zone (.+)", lambda m: f"保留协作区 {m.group(1)}"),
    (r"together (.+) \+ (.+)", lambda m: f"{m.group(1)} 与 {m.group(2)} 在一起"),
    (r"apart (.+) / (.+)", lambda m: f"{m.group(1)} 与 {m.group(2)} 分开"),
    (r"target of (\d+) zones", lambda m: f"目标 {m.group(1)} 个协作区"),
)


def _kept_in_zh(text: str) -> str:
    parts = [re.fullmatch(r"(.+) is in kept zone (.+)", p) for p in text.split(" and ")]
    if all(parts):
        return "，".join(f"{m.group(1)} 属于保留的协作区 {m.group(2)}" for m in parts if m)
    return text


_ZONING_ZH = _rules(
    (r"time limit reached; best zoning is within (.+) of the proven bound",
     lambda m: f"已到时限；最佳划分与已证明的界相差不超过 {m.group(1)}"),
    (r"no zoning satisfies the rules and what-ifs", lambda m: "没有满足规则和假设条件的划分方案"),
    (r"no zoning satisfies the rules and what-ifs \(too many candidates to diagnose\)",
     lambda m: "没有满足规则和假设条件的划分方案（候选协作区过多，未作诊断）"),
    (r"no zoning satisfies the rules and what-ifs \(diagnosis inconclusive\)",
     lambda m: "没有满足规则和假设条件的划分方案（诊断未得出结论）"),
    (r"no zoning found within the time limit", lambda m: "时限内未找到划分方案"),
    (r"not solved, time limit used up", lambda m: "未求解：时限已用完"),
    (r"the model is invalid \((.+)\)", lambda m: f"模型无效（{m.group(1)}）"),
    (r"these what-ifs cannot hold together with zones of (\d+)\.\.(\d+) connected townships: (.+)\. "
     r"Drop or change one of them",
     lambda m: f"以下假设条件与每区 {m.group(1)}–{m.group(2)} 个相连乡镇的划分无法同时成立："
               + "；".join(_rewrite(p, _ZONE_ITEM_ZH) for p in m.group(3).split("; ")) + "。请删除或修改其中一条"),
    (r"the connected group (.+) \((\d+) townships\) cannot be split into connected zones of (\d+)\.\.(\d+) "
     r"townships; check its adjacency or change the sizes",
     lambda m: f"相连的乡镇组 {m.group(1)}（{m.group(2)} 个乡镇）无法分成每区 {m.group(3)}–{m.group(4)} 个相连乡镇的"
               f"协作区；请检查相邻关系或调整规模"),
    (r"no zoning exists with zones of (\d+)\.\.(\d+) connected townships and the target zone count",
     lambda m: f"不存在每区 {m.group(1)}–{m.group(2)} 个相连乡镇且符合目标协作区数的划分"),
    (r"(.+) and (.+) are asked to be both together and apart; drop one of the two what-ifs",
     lambda m: f"{m.group(1)} 与 {m.group(2)} 既被要求在一起又被要求分开；请删除其中一条假设"),
    (r"together pair (.+) \(county (.+)\) and (.+) \(county (.+)\) cannot share a zone: zones never cross a county",
     lambda m: f"要求在一起的 {m.group(1)}（{m.group(2)}）与 {m.group(3)}（{m.group(4)}）不能同区：协作区不跨县"),
    (r"(.+) is excluded but asked to be together with (.+)",
     lambda m: f"{m.group(1)} 已被排除，却被要求与 {m.group(2)} 在一起"),
    (r"together pair (.+) and (.+) conflicts with keep: (.+)",
     lambda m: f"要求在一起的 {m.group(1)} 与 {m.group(2)} 与“保留”冲突：{_kept_in_zh(m.group(3))}"),
    (r"together pairs chain (.+) into one zone of (\d+) townships, but max_size is (\d+)",
     lambda m: f"“在一起”的假设把 {m.group(1)} 连成一个 {m.group(2)} 个乡镇的协作区，但每区最多 {m.group(3)} 个"),
    (r"apart pair (.+) and (.+) contradicts together pairs that chain them into one zone",
     lambda m: f"要求分开的 {m.group(1)} 与 {m.group(2)}，被“在一起”的假设连成了一区"),
    (r"apart pair (.+) and (.+) are both in kept zone (.+)",
     lambda m: f"要求分开的 {m.group(1)} 与 {m.group(2)} 同属保留的协作区 {m.group(3)}"),
    (r"kept zone (.+) spans counties (.+); zones never cross a county",
     lambda m: f"保留的协作区 {m.group(1)} 跨越 {m.group(2)}；协作区不跨县"),
    (r"kept zone (.+) has (\d+) townships \((.+)\), outside the allowed (\d+)\.\.(\d+)",
     lambda m: f"保留的协作区 {m.group(1)} 有 {m.group(2)} 个乡镇（{m.group(3)}），不在允许的 {m.group(4)}–{m.group(5)} "
               f"之内"),
    (r"kept zone (.+) contains excluded township\(s\) (.+)",
     lambda m: f"保留的协作区 {m.group(1)} 含有被排除的乡镇 {m.group(2)}"),
    (r"kept zone (.+) \((.+)\) is not connected in the adjacency",
     lambda m: f"保留的协作区 {m.group(1)}（{m.group(2)}）在相邻关系中不相连"),
    (r"(.+) has no neighbour left in county (.+); its neighbour\(s\) (.+) are excluded or in kept zones, so it "
     r"cannot join a zone of at least (\d+) townships; exclude it or add an adjacency link",
     lambda m: f"{m.group(1)} 在 {m.group(2)} 内已没有可同区的相邻乡镇（其相邻乡镇 {m.group(3)} 已被排除或属于保留的"
               f"协作区），无法加入至少 {m.group(4)} 个乡镇的协作区；请排除该乡镇或补充相邻关系"),
    (r"(.+) has no neighbour left in county (.+) in the adjacency, so it cannot join a zone of at least (\d+) "
     r"townships; exclude it or add an adjacency link",
     lambda m: f"{m.group(1)} 在 {m.group(2)} 内没有相邻乡镇，无法加入至少 {m.group(3)} 个乡镇的协作区；"
               f"请排除该乡镇或补充相邻关系"),
    (r"the connected group (.+) has (\d+) townships, which zones of (\d+)\.\.(\d+) townships cannot cover "
     r"exactly; change the sizes or exclude a township",
     lambda m: f"相连的乡镇组 {m.group(1)} 共 {m.group(2)} 个乡镇，无法恰好分成每区 {m.group(3)}–{m.group(4)} 个乡镇的"
               f"协作区；请调整规模或排除一个乡镇"),
    (r"(.+) is the only neighbour of (\d+) townships \((.+)\); each must share its zone, but a zone holds at most "
     r"(\d+) townships",
     lambda m: f"{m.group(1)} 是 {m.group(2)} 个乡镇（{m.group(3)}）唯一的相邻乡镇，它们都须与其同区，但每区最多 "
               f"{m.group(4)} 个乡镇"),
    (r"county (.+) is asked for (\d+) zones, but its (\d+) zoned townships allow only (\d+)\.\.(\d+) zones of "
     r"(\d+)\.\.(\d+)",
     lambda m: f"{m.group(1)} 被要求划为 {m.group(2)} 个协作区，但其 {m.group(3)} 个参与划分的乡镇只能划为 "
               f"{m.group(4)}–{m.group(5)} 个每区 {m.group(6)}–{m.group(7)} 个乡镇的协作区"),
)


def zoning_text(message: str, lang: str) -> str:
    """A zoning explanation (``ZoningResult.explanations``) in ``lang``; ``county X: `` leads."""
    if lang != "zh" or not message:
        return message
    county = ""
    m = re.match(r"county (.+?): (.+)\Z", message, re.S)
    if m and not message.startswith(f"county {m.group(1)} is asked"):
        county, message = m.group(1), m.group(2)
    body = _rewrite(message, _ZONING_ZH)
    return f"{county}：{body}" if county and not body.startswith(county) else body
