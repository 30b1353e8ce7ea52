"""How offices write people, villages and zones: a catalog of habits for the identity tests.

Each habit takes a county's text tables (:func:`zoneplan.synth_county.county`) and a random
generator, and rewrites some cells the way an office would.  ``UNDERSTOOD`` habits must load
exactly the clean county (up to the spelling shown); ``DOUBTFUL`` habits may be refused, but
must never load something that means a different plan.  :func:`write_book` saves the tables
as a workbook with Chinese headers, and can strike, hide or colour lines.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill

import zoneplan
from zoneplan.data.contract import TABLES
from zoneplan.data.identity import person_key, person_name, village_key, zone_key

DOTS = ["•", "・", "･", ".", "．", "", " ", "‧", "-"]
TITLES_AFTER = ["村支书", "会计", "村主任", "组长", "书记", "村委委员", "主任"]
TITLES_BEFORE = ["村支书", "村委会主任", "党支部书记", "村会计"]
REMARKS = ["（村会计）", "(党员)", "（原村支书）", "【退休】", "（妻）"]


def _people_cells(frames, include_roster=False):
    """(table, column) pairs that hold people."""
    out = [("cases", "subject_id"), ("relations", "a"), ("relations", "b"), ("conflicts", "investigator_id")]
    return out + ([("investigators", "name")] if include_roster else [])


def _map_people(frames, rng, fn, p=0.6, include_roster=False):
    roster_ids = set(frames["investigators"]["investigator_id"])
    for t, c in _people_cells(frames, include_roster):
        f = frames[t]
        f[c] = [fn(v, rng) if v and v not in roster_ids and rng.random() < p else v for v in f[c]]


# --------------------------------------------------------------------------- understood


def dot_variants(frames, rng):
    """阿卜杜拉·艾买提 typed with • ・ ･ . ． a space, a hyphen or no dot, in every sheet."""
    _map_people(frames, rng, lambda v, r: v.replace("·", r.choice(DOTS)), include_roster=True)


def title_after(frames, rng):
    """A subject or relative with a title written after the name: 吐尔逊·买买提 村支书."""
    _map_people(frames, rng, lambda v, r: f"{v} {r.choice(TITLES_AFTER)}", p=0.4)


def title_before(frames, rng):
    """A title written before the name: 村支书吐尔逊·买买提."""
    _map_people(frames, rng, lambda v, r: r.choice(TITLES_BEFORE) + v if len(v) >= 3 else v, p=0.4)


def bracket_remark(frames, rng):
    """A remark in brackets: 刘某某（村会计）."""
    _map_people(frames, rng, lambda v, r: v + r.choice(REMARKS), p=0.4, include_roster=True)


def spaces_in_names(frames, rng):
    """Spaces inside names (扎西 次仁, 王 伟), full-width spaces, zero-width characters."""
    def space(v, r):
        if "·" in v:
            return v.replace("·", r.choice([" · ", "\u3000·", "·\u200b"]))
        return v[0] + r.choice([" ", "\u3000", "\u200b"]) + v[1:] if len(v) >= 2 else v
    _map_people(frames, rng, space, p=0.5, include_roster=True)


def village_endings(frames, rng):
    """英买力村 written 英买力村委会 / 英买力村民委员会 / 英买力; 解放路社区 as 解放路社区居委会."""
    def ending(v):
        if v.endswith("社区"):
            return v + rng.choice(["居委会", "居民委员会"]) if rng.random() < 0.7 else v[:-2]
        if v.endswith("村"):
            return rng.choice([v + "委会", v[:-1] + "村民委员会", v[:-1]])
        return v
    for t, c in (("cases", "village"), ("investigators", "home_village")):
        frames[t][c] = [ending(v) if v and rng.random() < 0.7 else v for v in frames[t][c]]


def village_after_township(frames, rng):
    """A village written after its township's name: 阿克苏镇英买力村."""
    names = dict(zip(frames["townships"]["township_id"], frames["townships"]["name"]))
    f = frames["cases"]
    f["village"] = [names[t] + v if v and rng.random() < 0.5 else v for t, v in zip(f["township_id"], f["village"])]


def village_ids(frames, rng):
    """A case's village given by its id in villages.csv."""
    vf = frames["villages"]
    vid = {(t, n): i for i, t, n in zip(vf["village_id"], vf["township_id"], vf["name"])}
    f = frames["cases"]
    f["village"] = [vid.get((t, v), v) if rng.random() < 0.5 else v for t, v in zip(f["township_id"], f["village"])]


def traditional_townships(frames, rng):
    """Townships typed by name in traditional characters (柳河鎮, 阿克鄉) or with their office
    (城关镇人民政府, 柳河镇纪委)."""
    names = dict(zip(frames["townships"]["township_id"], frames["townships"]["name"]))
    trad = str.maketrans({"镇": "鎮", "乡": "鄉", "区": "區"})

    def name(t):
        if not t or t not in names or rng.random() < 0.3:
            return t
        return rng.choice([names[t].translate(trad), names[t] + "人民政府", names[t] + "纪委", names[t]])
    for tb, c in (("investigators", "township_id"), ("investigators", "home_township"), ("cases", "township_id")):
        frames[tb][c] = [name(v) for v in frames[tb][c]]


def zone_numbers(frames, rng):
    """Zone names with the number in digits on some townships: 第1协作区 beside 第一协作区."""
    f = frames["townships"]
    f["zone"] = [z.replace("第一", "第1").replace("第二", "第2").replace("第三", "第3") if rng.random() < 0.5 else z
                 for z in f["zone"]]


def list_separators(frames, rng):
    """Skills separated by / | + or spaces instead of 、."""
    for t, c in (("investigators", "skills"), ("cases", "required_skills")):
        frames[t][c] = [v.replace("、", rng.choice(["/", "|", "+", " ", "／", "；"])) for v in frames[t][c]]


def recusal_spellings(frames, rng):
    """Recusals by the investigator's name with another dot or a remark."""
    f = frames["conflicts"]
    f["investigator_id"] = [v.replace("·", rng.choice(DOTS)) + rng.choice(["", "（本人申请）"]) for v in f["investigator_id"]]


UNDERSTOOD = [dot_variants, title_after, title_before, bracket_remark, spaces_in_names, village_endings,
              village_after_township, village_ids, zone_numbers, list_separators, recusal_spellings,
              traditional_townships]

# gestures that must load the same (applied when writing the workbook)
GESTURES_SAME = ("hide", "colour")


# --------------------------------------------------------------------------- doubtful: same or refused


def two_in_one_cell(frames, rng):
    """Two relatives in one cell: 热合曼·艾力、阿不都·买买提."""
    f = frames["relations"]
    if len(f) >= 2:
        k = rng.randrange(len(f) - 1)
        f.at[k, "b"] = f.at[k, "b"] + "、" + f.at[k + 1, "b"]


def given_name_only(frames, rng):
    """A subject or relative written by the first part of the name only: 吐尔逊."""
    _map_people(frames, rng, lambda v, r: v.split("·")[0] if "·" in v else v, p=0.3)


def sound_variants(frames, rng):
    """A name written in another transcription of it: 阿不都 -> 阿卜杜, 买买提 -> 麦麦提."""
    from zoneplan.data.identity import TRANSCRIPTIONS

    def other(v, r):
        for group in TRANSCRIPTIONS:
            for g in group:
                if g in v and len(v) >= 4:
                    return v.replace(g, r.choice([x for x in group if x != g]), 1)
        return v
    _map_people(frames, rng, other, p=0.3)


def village_list(frames, rng):
    """A case line naming two villages: 英买力村、托万克村."""
    f = frames["cases"]
    k = rng.randrange(len(f))
    f.at[k, "village"] = f.at[k, "village"] + "、" + f.at[(k + 1) % len(f), "village"]


def skills_unknown_separator(frames, rng):
    """Skills joined by a mark that is not a separator: 财务.审计."""
    f = frames["investigators"]
    k = rng.randrange(len(f))
    f.at[k, "skills"] = "财务.审计"


def zone_typo(frames, rng):
    """One township's zone mistyped: 第一写作区 beside 第一协作区."""
    f = frames["townships"]
    k = rng.randrange(len(f))
    f.at[k, "zone"] = f.at[k, "zone"].replace("协作", "写作")


def case_village_typo(frames, rng):
    """A case village that is not in villages.csv: a character dropped."""
    f = frames["cases"]
    k = rng.randrange(len(f))
    v = f.at[k, "village"]
    f.at[k, "village"] = v[1:] if len(v) > 2 else v + "新"


def roster_twice(frames, rng):
    """One person entered twice in the roster, with another dot and a new id."""
    f = frames["investigators"]
    k = rng.randrange(len(f))
    row = f.iloc[k].copy()
    row["investigator_id"] = "I999"
    row["name"] = row["name"].replace("·", "•") if "·" in row["name"] else row["name"][0] + " " + row["name"][1:]
    frames["investigators"] = pd.concat([f, row.to_frame().T], ignore_index=True)


DOUBTFUL = [two_in_one_cell, given_name_only, sound_variants, village_list, skills_unknown_separator, zone_typo,
            case_village_typo, roster_twice]
GESTURES_REFUSED = ("strike",)


# --------------------------------------------------------------------------- workbook and meaning


def write_book(frames: dict[str, pd.DataFrame], path: Path, gestures: dict[str, list[tuple[str, int]]] | None = None) -> Path:
    """The tables as one workbook, a sheet per table with Chinese headers.  ``gestures`` maps
    ``strike`` / ``hide`` / ``colour`` to (table, row index) pairs."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    marks: dict[tuple[str, int], set[str]] = {}
    for g, places in (gestures or {}).items():
        for t, r in places:
            marks.setdefault((t, r), set()).add(g)
    for t, f in frames.items():
        ws = wb.create_sheet(TABLES[t].zh)
        zh = {c.name: c.zh or c.name for c in TABLES[t].columns}
        ws.append([zh[c] for c in f.columns])
        for r, row in enumerate(f.itertuples(index=False)):
            ws.append(list(row))
            for g in marks.get((t, r), ()):
                line = r + 2
                if g == "hide":
                    ws.row_dimensions[line].hidden = True
                for cell in ws[line]:
                    if g == "strike":
                        cell.font = Font(strike=True)
                    if g == "colour":
                        cell.fill = PatternFill("solid", fgColor="FFFF00")
    path = Path(path)
    wb.save(path)
    return path


def load_frames(frames: dict[str, pd.DataFrame]):
    return zoneplan.tables_from_frames(**{k: v for k, v in frames.items()})


def meaning(t) -> dict[str, pd.DataFrame]:
    """The tables with people, villages and zones replaced by their identity keys (what the
    rules read), so two loads mean the same when these are equal."""
    ids = set(t.investigators["investigator_id"])

    def pk(v):
        if v in ids or not v:
            return v
        pn = person_name(v)
        return pn.sound or pn.key  # one name in another transcription is one person

    out = {}
    inv = t.investigators.copy()
    inv["name"] = inv["name"].map(person_key)
    inv["home_village"] = inv["home_village"].map(village_key)
    out["investigators"] = inv
    cs = t.cases.copy()
    cs["subject_id"] = cs["subject_id"].map(pk)
    cs["village"] = cs["village"].map(village_key)
    out["cases"] = cs
    rel = t.relations.copy()
    rel["a"] = rel["a"].map(pk)
    rel["b"] = rel["b"].map(pk)
    out["relations"] = rel
    tw = t.townships.copy()
    tw["zone"] = tw["zone"].map(zone_key)
    out["townships"] = tw
    out["conflicts"] = t.conflicts.copy()
    return out


def same_meaning(a, b) -> None:
    ma, mb = meaning(a), meaning(b)
    for k in ma:
        pd.testing.assert_frame_equal(ma[k].reset_index(drop=True), mb[k].reset_index(drop=True),
                                      check_dtype=False, obj=k)


def rule_pairs(t, max_hops: int = 2) -> tuple[frozenset, frozenset]:
    """What the rules decide: the eligible (case, investigator) pairs and every exclusion."""
    el = zoneplan.build_eligibility(t, zoneplan.RuleOptions(max_hops=max_hops))
    eligible = frozenset(zip(el.case_ids[el.pair_case], el.inv_ids[el.pair_inv]))
    excluded = frozenset(zip(el.excluded["case_id"], el.excluded["investigator_id"], el.excluded["rule"]))
    return eligible, excluded


def transcription_gap(t) -> bool:
    """The tables report a name that in another transcription is several investigators'."""
    return any("several investigators" in i.what for i in t.quality.items)


def apply(habits, frames, seed: int):
    """The habits applied in catalog order (those that write townships by name come after those
    that look townships up by id)."""
    rng = random.Random(seed)
    frames = {k: v.copy() for k, v in frames.items()}
    order = UNDERSTOOD + DOUBTFUL
    for h in sorted(habits, key=order.index):
        h(frames, rng)
    return frames


def rows(frames, table: str, n: int, seed: int) -> list[tuple[str, int]]:
    rng = np.random.default_rng(seed)
    k = len(frames[table])
    return [(table, int(r)) for r in rng.choice(k, size=min(n, k), replace=False)]
