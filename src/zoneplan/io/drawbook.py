"""The audit of a draw in the plan files: ``draw.csv``, ``draw_plans.csv`` and the draw
sheets of ``plan.xlsx``.

* ``draw.csv`` -- one row per eligible pair of a staffed case: the probability of being
  on the team and of leading it (float and exact fraction), the caps, whether it was
  drawn (:data:`~zoneplan.staffing.drawplan.PAIR_COLUMNS`);
* ``draw_plans.csv`` -- the plans every part was drawn from: ``part, plan, weight,
  probability, drawn, case_id, investigator_id, role`` (one row per membership), so the
  sampling can be redone by hand from ``u`` and the weights;
* sheets 抽签审计 (what a draw guarantees, the seed and its text, the caps, the input
  hashes, the quality against the optimum, per part the uniform number and the plan
  drawn), 抽签概率 (every eligible person's probability per case), 抽签案件 (expected and
  realised travel per case), 抽签人员 (expected and realised workload per person) and
  抽签备选方案 (the plans with their weights).  English with ``lang="en"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
from openpyxl.utils import get_column_letter

from ..i18n import pick
from .sheetwriter import Sheet
from .wording import list_sep, role_word, table_label, yes_no
from .write import frame_to_csv_bytes
from .xlsx import display_width, wrap_height

__all__ = ["draw_files", "draw_sheets", "DRAW_SHEETS", "note_text"]

DRAW_SHEETS = {
    "audit": {"en": "Draw audit", "zh": "抽签审计"},
    "odds": {"en": "Draw odds", "zh": "抽签概率"},
    "cases": {"en": "Draw by case", "zh": "抽签案件"},
    "people": {"en": "Draw by person", "zh": "抽签人员"},
    "plans": {"en": "Draw plans", "zh": "抽签备选方案"},
}


def draw_files(result) -> dict[str, bytes]:
    """``draw.csv`` and ``draw_plans.csv`` of a drawn plan (empty without a draw)."""
    d = getattr(result, "draw", None)
    if d is None:
        return {}
    rows = []
    for part in d.parts:
        for plan in part["plans"]:
            for item in plan["teams"].split(";") if plan["teams"] else []:
                case, rest = item.split(":", 1)
                lead = rest.endswith("*")
                rows.append({"part": part["part"], "plan": plan["plan"], "weight": plan["weight"],
                             "probability": plan["probability"], "drawn": plan["plan"] == part["drawn"],
                             "case_id": case, "investigator_id": rest.rstrip("*"),
                             "role": "lead" if lead else "member"})
    plans = pd.DataFrame(rows, columns=["part", "plan", "weight", "probability", "drawn", "case_id",
                                        "investigator_id", "role"])
    pairs = d.pairs.copy()
    return {"draw.csv": frame_to_csv_bytes(pairs, "%.9f"), "draw_plans.csv": frame_to_csv_bytes(plans, "%.9f")}


# --------------------------------------------------------------------------- wording

_NOTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<inv>\S+) is the only eligible holder of skill (?P<skill>.+) needed by (?P<case>\S+)$"),
     "{inv} 是 {case} 所需专长“{skill}”的唯一可选人员，必须参加"),
    (re.compile(r"^(?P<case>\S+) needs (?P<n>\d+) and has (?P<m>\d+) eligible: all of them$"),
     "{case} 需 {n} 人，可选人员仅 {m} 人，须全部参加"),
    (re.compile(r"^(?P<inv>\S+) is the only eligible person who may lead (?P<case>\S+)$"),
     "{inv} 是 {case} 唯一可任组长的人员"),
    (re.compile(r"^(?P<inv>\S+) leads (?P<case>\S+) in every valid team$"),
     "{inv} 在 {case} 的所有合规组合中均任组长"),
    (re.compile(r"^(?P<inv>\S+) is on every valid team of (?P<case>\S+) \(its rules leave no other choice\)$"),
     "{inv} 在 {case} 的所有合规组合中都必须参加（规则别无选择）"),
    (re.compile(r"^case (?P<case>\S+) cannot keep the cap on its own \(team of (?P<n>\d+) from (?P<m>\d+) eligible "
                r"with its rules\): the smallest cap it allows is (?P<x>\S+)$"),
     "{case} 自身可选人员不足以满足上限（{m} 名可选人员中选 {n} 人）：该案最小可达上限为 {x}"),
    (re.compile(r"^case (?P<case>\S+) cannot keep the lead cap on its own: the smallest it allows is (?P<x>\S+)$"),
     "{case} 无法满足组长概率上限：该案最小可达 {x}"),
    (re.compile(r"^(?P<inv>\S+) is on (?P<case>\S+) in every valid plan that staffs the optimum's cases \(the other "
                r"cases need the rest\)$"), "{inv} 在配齐最优方案各案件的所有合规方案中都参加 {case}（其余人员须办理其他案件）"),
    (re.compile(r"^(?P<inv>\S+) leads (?P<case>\S+) in every valid plan that staffs the optimum's cases \(the other "
                r"cases need the rest\)$"), "{inv} 在配齐最优方案各案件的所有合规方案中都任 {case} 组长（其余人员须办理其他案件）"),
    (re.compile(r"^(?P<inv>\S+) is on (?P<case>\S+): with the other cases sharing its people, the smallest cap the rules "
                r"allow is (?P<x>\S+)$"), "{inv} 参加 {case}：与共用人员的其他案件一并考虑，规则允许的最小上限为 {x}"),
    (re.compile(r"^(?P<inv>\S+) leads (?P<case>\S+): with the other cases sharing its people, the smallest cap the rules "
                r"allow is (?P<x>\S+)$"), "{inv} 任 {case} 组长：与共用人员的其他案件一并考虑，规则允许的最小上限为 {x}"),
    (re.compile(r"^locked$"), "已锁定（保留原方案）"),
    (re.compile(r"^the caps were not decided within the iteration limit$"), "在迭代次数上限内未能判定能否满足上限"),
    (re.compile(r"^the caps were not met after raising every one$"), "逐一提高上限后仍无法满足"),
    (re.compile(r"^cases (?P<cases>.+?) can each keep the caps alone but not together \(they share people and "
                r"capacity\): the least breach is (?P<b>\S+); raise the cap to at least (?P<x>\S+)$"),
     "线索 {cases} 各自可满足上限，但因共用人员和办案容量无法同时满足：最小超出 {b}；请将上限提高到至少 {x}"),
    (re.compile(r"^outside the core this dense part was drawn over \(probability 0\)$"),
     "不在本密集组抽签所用的核心范围内（概率为 0）"),
    (re.compile(r"^\.\.\.$"), "……"),
]

#: A strict refusal lists the raised caps after this prefix (see ``draw._Run._strict_message``).
_STRICT = "the cap cannot be kept (strict): "


def note_text(note: str, lang: str) -> str:
    """A raised-cap note in ``lang`` (the notes are written in English)."""
    if lang != "zh" or not note:
        return note
    if note.startswith(_STRICT):
        return "（不允许提高上限）" + note_text(note[len(_STRICT):], lang)
    out = []
    for part in note.split("; "):
        for pat, zh in _NOTES:
            m = pat.match(part)
            if m:
                out.append(zh.format(**m.groupdict()))
                break
        else:
            out.append(part)
    return "；".join(out)


_T = {
    "title": {"en": "Draw audit", "zh": "抽签审计"},
    "what": {"en": "What the draw guarantees", "zh": "抽签保证什么"},
    "guarantee": {
        "en": "This plan was drawn at random in a way anyone can check. Every plan that could have been drawn keeps "
              "every conflict and team rule and staffs the same cases as the optimal plan. Nobody is on a case with "
              "a probability above the cap, except where the rules leave no choice (listed in sheet {odds}). The draw "
              "is fixed by the input files, the options and the seed: `zoneplan replay` gives the same plan again.",
        "zh": "本方案通过任何人均可复核的抽签产生。所有可能抽中的方案都符合全部回避与组队规则，并与最优方案配齐相同的案件。"
              "任何人进入某一案件办案组的概率都不超过上限，规则别无选择者除外（见“{odds}”表）。抽签结果由输入文件、参数和"
              "种子唯一确定：用 zoneplan replay 可重新得出同一方案。"},
    "not": {"en": "What it does not guarantee", "zh": "抽签不能保证什么"},
    "not_v": {
        "en": "It does not hide who is eligible, and a cap of 0.5 is still an even chance. It is honest only when the "
              "seed text is published before the draw and the input files are fixed first (their hashes are below).",
        "zh": "抽签不隐藏谁是可选人员；上限 0.5 仍意味着一半的可能。只有在抽签前公布种子文字、并先固定输入文件（其校验值见下）"
              "时，抽签才经得起检验。"},
    "seed_sec": {"en": "Seed", "zh": "随机种子"},
    "seed": {"en": "Seed", "zh": "种子"},
    "seed_text": {"en": "Published text", "zh": "公布的文字"},
    "seed_none": {"en": "(none: the seed was given as a number)", "zh": "（无：种子直接以数字给出）"},
    "seed_sha": {"en": "SHA-256 of the text", "zh": "文字的 SHA-256"},
    "seed_how": {"en": "How the seed is made", "zh": "种子如何得出"},
    "seed_how_v": {"en": "the first 16 hex digits of SHA-256 of the text (UTF-8), as a number",
                   "zh": "取文字（UTF-8 编码）SHA-256 值的前 16 位十六进制数，化为整数"},
    "caps": {"en": "Caps", "zh": "概率上限"},
    "cap": {"en": "Cap per person and case", "zh": "每人进入每案的概率上限"},
    "lead_cap": {"en": "Cap on leading a case", "zh": "任组长的概率上限"},
    "lead_none": {"en": "none (leads not capped)", "zh": "无（不限制组长）"},
    "strict": {"en": "Refuse a cap a case cannot keep", "zh": "有案件无法满足上限时拒绝抽签"},
    "raised": {"en": "Caps raised (the rules leave no choice)", "zh": "提高上限的人员（规则别无选择）"},
    "raised_v": {"en": "{n} (see column Note of sheet {odds})", "zh": "{n} 人次（见“{odds}”表“说明”列）"},
    "quality": {"en": "Quality against the optimal plan", "zh": "与最优方案相比"},
    "workload_bound": {"en": "Largest workload in any plan that could be drawn", "zh": "任一可能方案中的最大工作量"},
    "vs": {"en": "{value:g} (optimum {opt:g}; ratio {ratio})", "zh": "{value:g}（最优 {opt:g}；比值 {ratio}）"},
    "e_travel": {"en": "Travel, expected (min)", "zh": "总车程期望值（分钟）"},
    "r_travel": {"en": "Travel, drawn plan (min)", "zh": "抽中方案总车程（分钟）"},
    "e_max": {"en": "Largest workload, expected", "zh": "最大工作量期望值"},
    "r_max": {"en": "Largest workload, drawn plan", "zh": "抽中方案最大工作量"},
    "e_changes": {"en": "Changes to the previous plan, expected", "zh": "相对原方案变动的期望值"},
    "r_changes": {"en": "Changes to the previous plan, drawn", "zh": "抽中方案相对原方案的变动"},
    "proven": {"en": "Optimal under the caps (proven)", "zh": "在上限约束下已证明最优"},
    "parts_sec": {"en": "The draw, part by part", "zh": "分组抽取"},
    "part_v": {"en": "{cases} case(s); {plans} plan(s); u = {u} of {L}; plan {drawn} drawn",
               "zh": "{cases} 件线索；备选方案 {plans} 个；随机数 u = {u}（共 {L}）；抽中第 {drawn} 个方案"},
    "part": {"en": "Part {n}", "zh": "第 {n} 组"},
    "part_how": {"en": "How a plan is picked", "zh": "如何选出方案"},
    "part_how_v": {
        "en": "u is uniform in [0, L) (SHA-256 of the seed and the part's case ids, counter mode, rejection); the plan "
              "drawn is the first whose cumulative weight, in units of 1/L, exceeds u (plans in sheet {plans}).",
        "zh": "u 在 [0, L) 上均匀分布（由种子与该组线索编号经 SHA-256 计数模式与拒绝采样得出）；按“{plans}”表的顺序累计权重"
              "（以 1/L 为单位），首个累计值超过 u 的方案即为抽中方案。"},
    "inputs": {"en": "Input files (SHA-256)", "zh": "输入文件（SHA-256 校验值）"},
    "inputs_all": {"en": "All inputs together", "zh": "全部输入合计"},
    "replay": {"en": "Replay", "zh": "复核"},
    "replay_v": {"en": "zoneplan replay <this plan folder> <the data folder>", "zh": "zoneplan replay <本方案文件夹> <数据文件夹>"},
    "software": {"en": "Software", "zh": "软件版本"},
}


#: The software a draw records, as a Chinese reader names it (the program's own name stays).
_SOFTWARE = {"ortools": "求解器"}


def _t(key: str, lang: str, **kw: object) -> str:
    return pick(_T[key], lang, **kw)


@dataclass(frozen=True)
class _Col:
    key: str
    en: str
    zh: str
    kind: str = "text"  # text | int | num | prob | bool | long


_ODDS = (
    _Col("case_id", "Case", "线索编号"), _Col("township", "Township", "所在乡镇"),
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("posted", "Posted in", "工作乡镇"), _Col("probability", "Probability on team", "入选概率", "prob"),
    _Col("lead_probability", "Probability as lead", "任组长概率", "prob"), _Col("cap", "Cap", "上限", "prob"),
    _Col("drawn", "Drawn", "抽中", "bool"), _Col("role", "Role", "角色"),
    _Col("travel_minutes", "Travel (min)", "车程（分钟）", "num"), _Col("note", "Note", "说明", "long"),
)
_CASES = (
    _Col("case_id", "Case", "线索编号"), _Col("township", "Township", "所在乡镇"),
    _Col("team_size", "Team size", "组人数", "int"), _Col("eligible", "Eligible", "可选人数", "int"),
    _Col("max_probability", "Highest probability", "最高入选概率", "prob"),
    _Col("expected_travel", "Travel expected (min)", "车程期望（分钟）", "num"),
    _Col("realised_travel", "Travel drawn (min)", "抽中车程（分钟）", "num"),
    _Col("team", "Team drawn", "抽中办案组", "long"), _Col("note", "Note", "说明", "long"),
)
_PEOPLE = (
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("posted", "Posted in", "工作乡镇"),
    _Col("current_workload", "Workload on hand", "在办工作量", "num"),
    _Col("expected_workload", "Workload expected", "工作量期望", "num"),
    _Col("realised_workload", "Workload drawn", "抽中后工作量", "num"),
)
_PLANS = (
    _Col("part", "Part", "组", "int"), _Col("plan", "Plan", "方案", "int"),
    _Col("weight", "Weight (exact)", "权重（精确值）"), _Col("probability", "Probability", "概率", "prob"),
    _Col("drawn", "Drawn", "抽中", "bool"), _Col("teams", "Teams (case:person, * lead)", "办案组（线索:人员，*为组长）", "long"),
)
_KINDS = {"text": "text", "long": "long", "int": "int", "num": "num2", "prob": "prob", "bool": "bool"}
_LONG_WIDTH = 60.0


def _value(v: Any, kind: str, lang: str) -> Any:
    if kind == "bool":
        return yes_no(bool(v), lang)
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None if kind in ("int", "num", "prob") else ""
    if kind == "int":
        return int(v)
    if kind in ("num", "prob"):
        return float(v)
    return str(v)


def _table(key: str, frame: pd.DataFrame, cols: Sequence[_Col], lang: str, band_by: str | None = None) -> Sheet:
    """One draw table on the streaming writer: a header, typed columns, bands by ``band_by``."""
    headers = [c.zh if lang == "zh" else c.en for c in cols]
    data = [[_value(v, c.kind, lang) for v in frame[c.key].tolist()] for c in cols]
    widths = []
    for c, h, vals in zip(cols, headers, data):
        if c.kind == "long":
            widths.append(_LONG_WIDTH)
            continue
        texts = {f"{v:.4f}" if c.kind == "prob" and v is not None else f"{v:.2f}" if c.kind == "num" and v is not None
                 else "" if v is None else str(v) for v in vals}
        widest = max((display_width(t) for t in texts), default=0)
        widths.append(float(min(60, max(6, max(widest, display_width(h)) + 2))))
    n = len(frame)
    ws = Sheet(pick(DRAW_SHEETS[key], lang), widths=widths, freeze_header=True, print_titles=True, landscape=True,
               autofilter=f"A1:{get_column_letter(len(cols))}{n + 1}" if n else None)
    shaded = None
    if band_by:
        shaded, last, shade = [], object(), True
        for band in frame[band_by].tolist():
            if band != last:
                last, shade = band, not shade
            shaded.append(shade)
    long = [k for k, c in enumerate(cols) if c.kind == "long"]
    heights = [wrap_height((data[k][r], _LONG_WIDTH) for k in long) for r in range(n)] if long and n else None
    ws.table(headers, data, [_KINDS[c.kind] for c in cols], shaded=shaded, heights=heights)
    return ws


def _audit(d, result, lang: str) -> Sheet:
    widths = (40.0, 80.0)
    ws = Sheet(pick(DRAW_SHEETS["audit"], lang), widths=widths, landscape=False)
    ws.add_row([(_t("title", lang), "title")], height=30)

    def section(title: str) -> None:
        ws.add_row([])
        ws.add_row([(title, "section"), ("", "section")], height=20)

    def kv(label: str, value: object) -> None:
        ws.add_row([(label, "label"), (value, "value")], height=wrap_height([(value, widths[1]), (label, widths[0])]))

    odds = pick(DRAW_SHEETS["odds"], lang)
    q = d.quality
    opt, exp, real, ratio = q["optimum"], q["expected"], q["realised"], q["ratio"]

    def vs(value, opt_v, r) -> str:
        return _t("vs", lang, value=round(float(value), 4), opt=float(opt_v), ratio="-" if r is None else f"{r:.4f}")

    section(_t("what", lang))
    kv("", _t("guarantee", lang, odds=odds))
    kv(_t("not", lang), _t("not_v", lang))
    section(_t("seed_sec", lang))
    kv(_t("seed", lang), str(d.options.seed))
    kv(_t("seed_text", lang), d.options.seed_text if d.options.seed_text is not None else _t("seed_none", lang))
    if d.seed_sha256:
        kv(_t("seed_sha", lang), d.seed_sha256)
        kv(_t("seed_how", lang), _t("seed_how_v", lang))
    section(_t("caps", lang))
    kv(_t("cap", lang), f"{d.options.cap:g}")
    kv(_t("lead_cap", lang), _t("lead_none", lang) if d.options.lead_cap is None else f"{d.options.lead_cap:g}")
    kv(_t("strict", lang), yes_no(d.options.strict, lang))
    kv(_t("raised", lang), _t("raised_v", lang, n=len(d.raised), odds=odds))
    section(_t("quality", lang))
    kv(_t("workload_bound", lang), vs(q["workload_bound"], opt["max_workload"], ratio["workload_bound"]))
    kv(_t("e_max", lang), vs(exp["max_workload"], opt["max_workload"], ratio["expected_max_workload"]))
    kv(_t("r_max", lang), vs(real["max_workload"], opt["max_workload"], ratio["realised_max_workload"]))
    kv(_t("e_travel", lang), vs(exp["travel"], opt["travel"], ratio["expected_travel"]))
    kv(_t("r_travel", lang), vs(real["travel"], opt["travel"], ratio["realised_travel"]))
    if "changes" in exp:
        kv(_t("e_changes", lang), vs(exp["changes"], opt["changes"], None))
        kv(_t("r_changes", lang), vs(real["changes"], opt["changes"], None))
    kv(_t("proven", lang), yes_no(d.proven, lang))
    section(_t("parts_sec", lang))
    kv(_t("part_how", lang), _t("part_how_v", lang, plans=pick(DRAW_SHEETS["plans"], lang)))
    for p in d.parts:
        kv(_t("part", lang, n=p["part"]), _t("part_v", lang, cases=len(p["cases"]), plans=len(p["plans"]), u=p["u"],
                                              L=p["denominator"], drawn=p["drawn"]))
    section(_t("inputs", lang))
    for name, inp in d.inputs.items():
        kv(f"{table_label(name, lang)} ({inp['file']})", inp["sha256"])
    kv(_t("inputs_all", lang), d.inputs_sha256)
    section(_t("replay", lang))
    kv("", _t("replay_v", lang))
    sw = d.to_dict()["software"]
    kv(_t("software", lang), list_sep(lang).join(f"{_SOFTWARE.get(k, k) if lang == 'zh' else k} {v}"
                                                 for k, v in sw.items()))
    return ws


def _teams_text(text: str, lang: str) -> str:
    """``K01:I036*;K01:I057;K02:...`` as ``K01 I036* I057; K02 ...`` (one group per case)."""
    groups: dict[str, list[str]] = {}
    for item in text.split(";") if text else []:
        case, person = item.split(":", 1)
        groups.setdefault(case, []).append(person)
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{c} {' '.join(ps)}" for c, ps in groups.items())


def draw_sheets(result, tables, lang: str) -> list[Sheet]:
    """The draw sheets of a plan workbook (placed after its summary and teams); none without a draw."""
    d = getattr(result, "draw", None)
    if d is None:
        return []
    inv = tables.investigators
    person = dict(zip(inv["investigator_id"].tolist(), inv["name"].tolist()))
    tw = tables.townships
    place = {t: (n or t) for t, n in zip(tw["township_id"].tolist(), tw["name"].tolist())}
    posted = {i: place.get(t, t) for i, t in zip(inv["investigator_id"].tolist(), inv["township_id"].tolist())}
    case_tw = {c: place.get(t, t) for c, t in zip(tables.cases["case_id"].tolist(),
                                                   tables.cases["township_id"].tolist())}
    odds = d.pairs.copy()
    odds["township"] = odds["case_id"].map(case_tw)
    odds["name"] = odds["investigator_id"].map(person)
    odds["posted"] = odds["investigator_id"].map(posted)
    odds["role"] = [role_word(r, lang) if r else "" for r in odds["role"]]
    odds["note"] = [note_text(n, lang) for n in odds["note"]]
    odds = odds.sort_values(["case_id", "drawn", "probability", "investigator_id"],
                            ascending=[True, False, False, True], kind="stable")
    cases = d.cases.copy()
    cases["township"] = cases["case_id"].map(case_tw)
    team = result.assignments.assign(n=result.assignments["investigator_id"].map(person))
    names = {c: "、".join(f"{n or i}{'*' if r == 'lead' else ''}" for i, n, r in
                         zip(g["investigator_id"], g["n"], g["role"]))
             for c, g in team.groupby("case_id", sort=True)}
    cases["team"] = cases["case_id"].map(names).fillna("")
    cases["note"] = [note_text(n, lang) for n in cases["note"]]
    people = d.people.copy()
    people["name"] = people["investigator_id"].map(person)
    people["posted"] = people["investigator_id"].map(posted)
    plans = pd.DataFrame([{"part": p["part"], "plan": x["plan"], "weight": x["weight"],
                           "probability": x["probability"], "drawn": x["plan"] == p["drawn"],
                           "teams": _teams_text(x["teams"], lang)}
                          for p in d.parts for x in p["plans"]],
                         columns=["part", "plan", "weight", "probability", "drawn", "teams"])
    return [_audit(d, result, lang), _table("odds", odds, _ODDS, lang, band_by="case_id"),
            _table("cases", cases, _CASES, lang), _table("people", people, _PEOPLE, lang),
            _table("plans", plans, _PLANS, lang, band_by="part")]
