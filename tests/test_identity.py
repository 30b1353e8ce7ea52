"""Identities: on a county written the way its office writes it, no name, village or cell shape
switches a conflict rule off.

Counties come from :func:`zoneplan.synth_county.county` (Uyghur names of two parts and Han
names by real frequency).  Every habit of :mod:`identity_habits` that can be understood loads
exactly the clean county (up to the spelling shown); doubtful habits are refused or mean the
same; a kin or home conflict survives each habit on each of its ends.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import zoneplan
from zoneplan import InputError
from zoneplan.data.identity import near_reason, person_name, person_key, village_key, zone_key
from zoneplan.synth_county import county

import identity_habits as H

STYLES = ("xinjiang", "han")


@pytest.fixture(scope="module")
def clean_counties():
    return {s: (county(3, s), H.load_frames(county(3, s))) for s in STYLES}


# --------------------------------------------------------------------------- the keys, table-driven


def _marks() -> list[str]:
    """Every punctuation, symbol and modifier-letter character of the Basic Multilingual Plane
    that is not a bracket (remarks) nor a list mark (refused in a one-value cell)."""
    import unicodedata

    out = []
    for cp in range(0x21, 0x10000):
        ch = chr(cp)
        if 0xD800 <= cp < 0xE000:
            continue
        cat = unicodedata.category(ch)
        if (cat[0] in "PS" or cat == "Lm") and cat not in ("Ps", "Pe") and ch not in "、，,;；/|+&＋＆／｜":
            if any(c.isalnum() for c in unicodedata.normalize("NFKC", ch)):
                continue  # a letter or digit once normalised (ʰ -> h, ² -> 2): not a mark
            out.append(ch)
    return out


def test_any_mark_between_the_parts_of_a_name_is_a_separator():
    """Whatever mark an office types between the parts of a transcribed name (``●``, ``ˑ``,
    ``’``, ``:``, ``~`` ...: every punctuation and symbol character, after NFKC), the name has
    one key, or its cell is refused; it is never read as a stranger."""
    import unicodedata

    base = person_key("阿卜杜拉·艾买提")
    strangers = []
    for ch in _marks():
        v = "阿卜杜拉" + ch + "艾买提"
        try:
            k = person_key(v)
        except ValueError:
            continue
        nf = unicodedata.normalize("NFKC", ch)
        if k != base and not any(b in nf for b in "（(【[〔《<{「『）)】]〕》>}」』"):  # brackets open a remark
            strangers.append((hex(ord(ch)), k))
    assert len(_marks()) > 2500 and not strangers, strangers[:20]


@pytest.mark.parametrize("mark", ["●", "ˑ", "’", "：", "~", "丶", "ㆍ", "★"])
def test_kin_survives_an_odd_mark_in_the_relatives_name(mark):
    frames = county(5, "xinjiang")
    t = H.load_frames(frames)
    names = t.investigators.set_index("investigator_id")["name"]
    inv, case, subject, relative = next(x for x in _kin_conflicts(t) if "·" in names[x[0]])
    frames["relations"] = frames["relations"].replace({names[inv]: names[inv].replace("·", mark)})
    assert (frames["relations"][["a", "b"]] == names[inv].replace("·", mark)).any().any()
    el = zoneplan.build_eligibility(H.load_frames(frames))
    assert "kin" in [r for r, _ in el.explain_pair(inv, case)]


@pytest.mark.parametrize("a,b", [
    ("阿卜杜拉·艾买提", "阿卜杜拉•艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉・艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉･艾买提"),
    ("阿卜杜拉·艾买提", "阿卜杜拉.艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉．艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉艾买提"),
    ("阿卜杜拉·艾买提", "阿卜杜拉‧艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉∙艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉 艾买提"),
    ("阿卜杜拉·艾买提", "阿卜杜拉-艾买提"), ("阿卜杜拉·艾买提", "阿卜杜拉\u200b·艾买提"),
    ("吐尔逊·买买提", "吐尔逊·买买提 村支书"), ("吐尔逊·买买提", "村支书吐尔逊·买买提"),
    ("吐尔逊·买买提", "吐尔逊·买买提（村支书）"), ("张某某", "张某某 会计"), ("刘某某", "刘某某(会计)"),
    ("扎西次仁", "扎西 次仁"), ("王伟", "王　伟"), ("巴特尔", "巴特尔（嘎查长）"), ("買買提·艾力", "买买提·艾力"),
    ("吐尔逊·艾力", "毛拉吐尔逊·艾力"), ("艾力·买买提", "哈吉艾力·买买提"), ("王华成", "王华成大叔"),
])
def test_one_person_one_key(a, b):
    assert person_key(a) == person_key(b)


@pytest.mark.parametrize("a,b,same", [
    ("阿不都·买买提", "阿卜杜·麦麦提", True), ("吐尔逊·买买提", "图尔荪·买买提", True), ("依明·艾力", "伊明·艾力", True),
    ("依明·艾力", "依明·艾丽", False),  # 艾力 (Ali) and 艾丽 (Aili) are two names, not two spellings
    ("次仁多吉", "才让多吉", True), ("王伟", "王玮", False), ("依明", "伊明", False),
    ("阿不都·买买提", "阿不都·买买提（另一人）", False),
])
def test_names_in_another_transcription_are_one_person_when_long(a, b, same):
    """Four characters or more, a spelling of TRANSCRIPTIONS: one person for the rules; shorter
    names (Han names) stay apart."""
    pa, pb = person_name(a), person_name(b)
    assert (bool(pa.sound) and pa.sound == pb.sound) is same


def test_every_transcription_of_a_name_has_one_key():
    """Each group of TRANSCRIPTIONS reads as one name, also inside a longer name and next to
    another group's spelling (阿卜杜拉 holds 阿卜杜, a spelling of 阿不都)."""
    from zoneplan.data.identity import TRANSCRIPTIONS, sound_key

    spellings = [(g, group) for group in TRANSCRIPTIONS for g in group]
    for group in TRANSCRIPTIONS:
        for prefix, suffix in (("", ""), ("努尔", ""), ("", "江"), ("阿依", "古丽")):
            assert len({sound_key(prefix + g + suffix) for g in group}) == 1, group
        # a spelling of another group inside this one, written any of that group's ways
        for g in group:
            for part, other in spellings:
                if part in g and other is not group:
                    mixed = {sound_key(g.replace(part, x, 1)) for x in other}
                    assert mixed == {sound_key(group[0])}, (g, part)


@pytest.mark.parametrize("a,b", [
    ("王伟", "王伟（另一人）"), ("王建国", "王建军"), ("买买提·艾力", "艾买提·艾力"), ("王伟", "王伟会计"),
    ("欧阳文书", "欧阳"), ("热合曼·艾力", "阿不都热合曼·艾力"),
    # a glued title leaves two characters of its part: 哈吉木 is a name, not 哈吉 + 木
    ("哈吉木·吐尔逊", "木·吐尔逊"), ("毛拉提·艾力", "提·艾力"), ("吐尔逊·买哈吉", "吐尔逊·买"),
])
def test_different_keys(a, b):
    assert person_key(a) != person_key(b)


@pytest.mark.parametrize("a,b,why", [
    ("王伟会计", "王伟", "title"), ("吐尔逊", "吐尔逊·买买提", "part"), ("扎西", "扎西次仁", "part"),
    ("阿不都·买买提", "阿卜杜·麦麦提", None), ("买买提·吐尔逊", "吐尔逊", None), ("买买提买买提", "努尔买买提买买提", None),
    ("阿依古丽·买买提·吐尔逊", "阿依古丽·买买提", "part"),
    ("王伟", "王伟明", None), ("王建国", "王建军", None), ("买买提·艾力", "艾买提·艾力", None),
    ("热合曼·艾力", "阿不都热合曼·艾力", None), ("王伟（另一人）", "王伟", None), ("吐尔逊", "吐尔逊（另一人）·买买提", None),
    # the whole of a Han-style name inside a text that is no ordinary name beside it
    ("马萍", "小马萍", "contained"), ("马萍", "老马萍", "contained"), ("马萍", "马萍等", "contained"),
    ("马萍", "马萍之妻", "contained"), ("马萍", "马萍的哥哥", "contained"), ("马萍", "村里的马萍", "contained"),
    ("王建国", "王建国东", "contained"), ("马萍", "马萍东", None), ("马萍", "张马萍", None), ("张伟", "张伟伟", None),
    ("吐尔逊·买买提", "老吐尔逊·买买提", "contained"), ("吐尔逊·买买提", "吐尔逊·买买提之妻", "contained"),
    ("阿不都热合曼·阿布力孜", "阿不都热合曼·阿布力孜阿卡", "contained"), ("吐尔逊·买买提", "阿吉吐尔逊·买买提", "contained"),
    ("吐尔逊·买买提", "吐尔逊·买买提家属", "contained"), ("阿不都热合曼·阿布力孜", "阿不都热合曼·阿布力孜江", None),
])
def test_near_misses(a, b, why):
    assert near_reason(person_name(a), person_name(b)) == why
    assert near_reason(person_name(b), person_name(a)) == why


@pytest.mark.parametrize("a,b", [
    ("英买力村委会", "英买力村"), ("英买力村民委员会", "英买力"), ("解放路社区居委会", "解放路社区"),
    ("解放路社区居民委员会", "解放路"), ("某某嘎查", "某某"), ("英买力村 ", "英买力村（一组）"), ("王莊村", "王庄村"),
])
def test_village_keys(a, b):
    assert village_key(a) == village_key(b)


@pytest.mark.parametrize("a,b,same", [
    ("第1协作区", "第一协作区", True), ("第一片区", "第一协作区", True), ("第十二协作区", "第12协作区", True),
    ("第一协作区", "第二协作区", False), ("城区协作区", "城区", True),
])
def test_zone_keys(a, b, same):
    assert (zone_key(a) == zone_key(b)) is same


# --------------------------------------------------------------------------- each habit alone


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("habit", H.UNDERSTOOD, ids=[h.__name__ for h in H.UNDERSTOOD])
def test_each_habit_alone_loads_the_clean_county(habit, style, clean_counties):
    frames, clean = clean_counties[style]
    t = H.load_frames(H.apply([habit], frames, 11))
    H.same_meaning(t, clean)
    assert H.rule_pairs(t) == H.rule_pairs(clean)


@pytest.mark.parametrize("gesture", H.GESTURES_SAME)
def test_hidden_and_coloured_lines_are_read_and_noted(gesture, clean_counties, tmp_path):
    frames, clean = clean_counties["xinjiang"]
    book = H.write_book(frames, tmp_path / "b.xlsx", {gesture: H.rows(frames, "investigators", 3, 1)})
    t = zoneplan.load(book)
    H.same_meaning(t, clean)
    notes = " ".join(i.render("en") for i in t.quality.notes)
    assert ("hidden lines" if gesture == "hide" else "fill colour") in notes


def test_struck_line_is_refused_with_its_line(clean_counties, tmp_path):
    frames, _ = clean_counties["han"]
    book = H.write_book(frames, tmp_path / "b.xlsx", {"strike": [("investigators", 4)]})
    with pytest.raises(InputError) as info:
        zoneplan.load(book)
    hits = [p for p in info.value.problems if p.line == 6 and "花名册" in p.file]
    assert hits and "struck" in hits[0].render("en") and "删除线" in hits[0].render("zh")


@pytest.mark.parametrize("habit", H.DOUBTFUL, ids=[h.__name__ for h in H.DOUBTFUL])
def test_doubtful_habits_refused_or_same(habit):
    """Each doubtful habit on ten counties: refused with a located problem, or the same rules."""
    outcomes = []
    for seed in range(10):
        style = STYLES[seed % 2]
        frames = county(seed, style)
        clean = H.load_frames(frames)
        try:
            t = H.load_frames(H.apply([habit], frames, seed))
        except InputError as exc:
            assert all(p.file for p in exc.problems)
            outcomes.append("refused")
            continue
        if H.rule_pairs(t) != H.rule_pairs(clean) or H.rule_pairs(t, 4) != H.rule_pairs(clean, 4):
            # the one documented exception: a name in a third transcription of a name that
            # several investigators bear is reported (taken as none of them), not refused
            assert habit is H.sound_variants and H.transcription_gap(t), (habit.__name__, seed)
            outcomes.append("gap")
            continue
        outcomes.append("same")
    # cells that cannot mean one thing are always refused
    if habit in (H.two_in_one_cell, H.village_list, H.skills_unknown_separator, H.zone_typo, H.case_village_typo,
                 H.roster_twice):
        assert set(outcomes) == {"refused"}, outcomes


# --------------------------------------------------------------------------- the property


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), style=st.sampled_from(STYLES),
       habits=st.lists(st.sampled_from(H.UNDERSTOOD + H.DOUBTFUL), min_size=1, max_size=4, unique=True))
def test_any_habits_load_the_same_rules_or_are_refused(seed, style, habits):
    frames = county(seed % 50, style)
    clean = H.load_frames(frames)
    try:
        t = H.load_frames(H.apply(habits, frames, seed))
    except InputError:
        return
    for hops in (2, 4):
        if H.rule_pairs(t, hops) != H.rule_pairs(clean, hops):
            assert H.sound_variants in habits and H.transcription_gap(t), [h.__name__ for h in habits]


# --------------------------------------------------------------------------- conflicts survive spellings


def _kin_conflict(t):
    """A kin exclusion through a relative: (investigator id, case id, subject, relative)."""
    return next(_kin_conflicts(t))


def _kin_conflicts(t):
    """Every two-hop kin exclusion, in a fixed order: (investigator id, case id, subject, relative)."""
    el = zoneplan.build_eligibility(t)
    found = False
    for (i, c), path in sorted(el.kin_paths.items()):
        if "(2 hops)" in path:
            inv, case = el.inv_ids[i], el.case_ids[c]
            subject = t.cases.set_index("case_id").at[case, "subject_id"]
            parts = [p for p in path.split(" ") if p and not p.startswith("-[") and not p.startswith("(")]
            found = True
            yield inv, case, subject, parts[1]
    if not found:
        raise AssertionError("no two-hop kin conflict in this county")


PERSON_HABITS = [
    lambda v, r: v.replace("·", r.choice(H.DOTS[:-2])),
    lambda v, r: f"{v} {r.choice(H.TITLES_AFTER)}",
    lambda v, r: "村支书" + v,
    lambda v, r: v + "（村会计）",
    lambda v, r: v.replace("·", " · ") if "·" in v else v[0] + " " + v[1:],
]


@pytest.mark.parametrize("style,k", [(s, k) for s in STYLES for k in range(len(PERSON_HABITS))
                                     if not (s == "han" and k == 0)])  # Han names carry no dot
@pytest.mark.parametrize("end", ["subject", "relative", "investigator"])
def test_kin_conflict_survives_each_spelling_on_each_end(style, end, k):
    frames = county(5, style)
    t = H.load_frames(frames)
    names = t.investigators.set_index("investigator_id")["name"]
    # the first kin conflict whose person on this end the habit changes (a dot habit needs a dotted name)
    inv, case, subject, relative = next(
        (x for x in _kin_conflicts(t) if (lambda tg: PERSON_HABITS[k](tg, random.Random(0)) != tg)(
            {"subject": x[2], "relative": x[3], "investigator": names[x[0]]}[end])), next(_kin_conflicts(t)))
    target = {"subject": subject, "relative": relative, "investigator": names[inv]}[end]
    rng = random.Random(k)
    new = {x: f.copy() for x, f in frames.items()}
    for tb, c in (("cases", "subject_id"), ("relations", "a"), ("relations", "b")):
        new[tb][c] = [PERSON_HABITS[k](v, rng) if v == target else v for v in new[tb][c]]
    assert PERSON_HABITS[k](target, random.Random(0)) != target
    t2 = H.load_frames(new)
    el = zoneplan.build_eligibility(t2)
    assert ("kin" in [r for r, _ in el.explain_pair(inv, case)]), (end, target)


@pytest.mark.parametrize("spelling", ["{v}委会", "{base}村民委员会", "{base}", "{town}{v}"])
@pytest.mark.parametrize("end", ["case", "home"])
def test_home_village_conflict_survives_each_spelling(spelling, end):
    """An investigator with no home township but a home village = a case's village stays off it."""
    frames = county(7, "han")
    inv = frames["investigators"]
    cs = frames["cases"]
    tw = dict(zip(frames["townships"]["township_id"], frames["townships"]["name"]))
    case_t, village = cs.at[0, "township_id"], cs.at[0, "village"]
    inv.at[0, "home_township"] = ""
    inv.at[0, "home_village"] = village
    base = village[:-1] if village.endswith("村") else village[:-2]
    text = spelling.format(v=village, base=base, town=tw[case_t])
    if end == "case":
        cs.at[0, "village"] = text
    else:
        inv.at[0, "home_village"] = text if "{town}" not in spelling else village
    t = H.load_frames(frames)
    el = zoneplan.build_eligibility(t)
    rules = [r for r, _ in el.explain_pair(inv.at[0, "investigator_id"], cs.at[0, "case_id"])]
    assert "home" in rules


@pytest.mark.parametrize("spelling", ["{base}村委会", "{base}村民委员会", "{town}{base}村委会", "{base}村"])
@pytest.mark.parametrize("seed", [3, 7])
def test_a_village_named_after_its_township_keeps_its_conflict(spelling, seed):
    """铁庄乡's 铁庄村 written 铁庄村委会: the township's name is not stripped when what is left
    is only an ending (村委会), so the case's village is still the investigator's home village."""
    frames = county(seed, "han")
    inv, cs, tw = frames["investigators"], frames["cases"], frames["townships"]
    case_t, old = cs.at[0, "township_id"], cs.at[0, "village"]
    town = tw.loc[tw["township_id"] == case_t, "name"].iat[0]
    base = town[:-1] if town[-1] in "镇乡" else town[:-2]
    new_name = f"{base}村"
    for tb, col in (("cases", "village"), ("investigators", "home_village")):
        frames[tb][col] = [new_name if v == old else v for v in frames[tb][col]]
    if frames.get("villages") is not None:
        vv = frames["villages"]
        vv["name"] = [new_name if (n == old and t == case_t) else n for n, t in zip(vv["name"], vv["township_id"])]
    inv.at[0, "home_township"] = case_t
    inv.at[0, "home_village"] = new_name
    cs.at[0, "village"] = spelling.format(base=base, town=town)
    t = H.load_frames(frames)
    el = zoneplan.build_eligibility(t)
    rules = [r for r, _ in el.explain_pair(inv.at[0, "investigator_id"], cs.at[0, "case_id"])]
    assert "home" in rules or "own" in " ".join(rules), rules


# --------------------------------------------------------------------------- refusals say what to do


@pytest.mark.parametrize("form", ["小{}", "老{}", "{}等", "{}之妻", "{}的哥哥", "{}村长", "{}干事", "{}同志",
                                  "{}社长", "村里的{}"])
def test_an_investigator_named_inside_a_longer_text_is_refused_not_a_stranger(form):
    """A relation end holding the whole of an investigator's name and more (an address, a
    title outside the list, a phrase about the person) is refused with the candidate when
    taking it as a stranger would cut a kin path; never a stranger by accident."""
    frames = county(5, "han")
    t = H.load_frames(frames)
    names = t.investigators.set_index("investigator_id")["name"]
    inv, case, subject, relative = next(x for x in _kin_conflicts(t) if relative_is(x, names))
    frames["relations"] = frames["relations"].replace({names[inv]: form.format(names[inv])})
    assert (frames["relations"][["a", "b"]] == form.format(names[inv])).any().any()
    try:
        t2 = H.load_frames(frames)
    except InputError as exc:
        assert any(inv in p.render("en") for p in exc.problems)
        return
    assert "kin" in [r for r, _ in zoneplan.build_eligibility(t2).explain_pair(inv, case)]


def relative_is(conflict, names) -> bool:
    """The investigator of this kin conflict is written by name in the relations, with a Han-style name."""
    from zoneplan.data.identity import han_style

    return han_style(names[conflict[0]])


def test_near_miss_refusal_names_the_candidate_and_the_way_out():
    frames = county(5, "xinjiang")
    t = H.load_frames(frames)
    names = t.investigators.set_index("investigator_id")["name"]
    inv, case, subject, relative = next(x for x in _kin_conflicts(t) if "·" in names[x[0]])
    name = names[inv]
    short = name.split("·")[0]
    frames["relations"] = frames["relations"].replace({name: short})
    with pytest.raises(InputError) as info:
        H.load_frames(frames)
    text = " ".join(p.render("en") + p.render("zh") for p in info.value.problems)
    assert inv in text and f"{short}（另一人）" in text
    # the way out works: a different person, said so, loads (and the kin path is gone)
    frames["relations"] = frames["relations"].replace({short: f"{short}（另一人）"})
    t2 = H.load_frames(frames)
    assert "kin" not in [r for r, _ in zoneplan.build_eligibility(t2).explain_pair(inv, case)]


def test_a_lone_zone_near_another_is_refused_and_a_lone_zone_is_a_gap():
    frames = county(2, "han")
    tw = frames["townships"]
    tw.at[1, "zone"] = tw.at[1, "zone"].replace("协作", "写作")
    with pytest.raises(InputError) as info:
        H.load_frames(frames)
    assert any("did you mean 第一" in p.render("en").lower() for p in info.value.problems)
    frames = county(2, "han")
    tw = frames["townships"]
    tw.at[1, "zone"] = "独立片区"
    t = H.load_frames(frames)
    assert any(i.kind == "gap" and "zones of one township" in i.what for i in t.quality.items)


def test_strict_passes_on_a_clean_complete_county():
    frames = county(4, "han")
    inv = frames["investigators"]
    # complete: everybody's home known (a place outside the county is fine)
    inv["home_township"] = [h or "外县" for h in inv["home_township"]]
    t = zoneplan.tables_from_frames(**frames, strict=True)
    assert not t.quality.gaps


def test_quality_report_puts_gaps_first():
    frames = county(4, "han")
    frames["investigators"].at[0, "home_township"] = ""
    t = H.load_frames(frames)
    kinds = [i.kind for i in t.quality.items]
    assert kinds == sorted(kinds, key=lambda k: k != "gap") and kinds[0] == "gap"


def _chain_county(links: int):
    """Subject S at ``links`` hops from 艾力 (a part of investigator 艾力·买买提's name)."""
    tw = pd.DataFrame({"township_id": ["A", "B"], "name": ["甲镇", "乙镇"], "lat": [37.0, 37.05], "lon": [117.0, 117.05],
                       "zone": ["一区", "一区"]})
    inv = pd.DataFrame({"investigator_id": ["I1", "I2"], "name": ["艾力·买买提", "王伟"], "township_id": ["B", "B"],
                        "home_township": ["B", "B"], "can_lead": [True, True]})
    cs = pd.DataFrame({"case_id": ["K1"], "township_id": ["A"], "subject_id": ["阿依古丽·吐尔逊"], "team_size": [1]})
    chain = ["阿依古丽·吐尔逊"] + [f"亲属{k}" for k in range(1, links)] + ["艾力"]
    rel = pd.DataFrame({"a": chain[:-1], "b": chain[1:], "relation": ["亲属"] * (len(chain) - 1)})
    return dict(townships=tw, investigators=inv, cases=cs, relations=rel)


def test_near_pairs_are_checked_again_by_a_deeper_kin_rule():
    """艾力 may be I1 艾力·买买提.  Within 4 hops of the subject: refused at load.  At 5 hops it
    loads (no rule up to 4 hops depends on it), and a kin rule of 5 hops refuses it then."""
    with pytest.raises(InputError) as info:
        zoneplan.tables_from_frames(**_chain_county(4))
    assert "4 hop(s)" in info.value.problems[0].render("en")
    t = zoneplan.tables_from_frames(**_chain_county(5))
    assert [(p.me, p.other) for p in t.near_people] == [("艾力", "I1")]
    zoneplan.build_eligibility(t, zoneplan.RuleOptions(max_hops=4))
    with pytest.raises(InputError) as info:
        zoneplan.build_eligibility(t, zoneplan.RuleOptions(max_hops=5))
    assert "5 hop(s)" in info.value.problems[0].render("en") and "艾力（另一人）" in info.value.problems[0].render("en")


def test_a_relations_line_keeps_two_names_of_one_sound_apart():
    """图尔荪·买买提 is 吐尔逊·买买提 in another transcription, but a relations line links the two:
    they are two people (no self-loop refused, the relative is not the investigator)."""
    f = _chain_county(1)
    f["investigators"].loc[0, "name"] = "吐尔逊·买买提"
    f["relations"] = pd.DataFrame({"a": ["吐尔逊·买买提", "图尔荪·买买提", "阿布都·麦麦提"],
                                   "b": ["图尔荪·买买提", "阿依古丽·吐尔逊", "阿依古丽·吐尔逊"],
                                   "relation": ["堂兄弟", "夫妻", "父女"]})
    t = zoneplan.tables_from_frames(**f)
    rel = t.relations
    assert rel.at[0, "a"] == "I1" and rel.at[0, "b"] != "I1"
    assert rel.at[1, "a"] == rel.at[0, "b"]  # the relative is one person in both lines
    # without the linking line the relative is read as the investigator (one name, one person)
    f["relations"] = f["relations"].iloc[1:].reset_index(drop=True)
    t = zoneplan.tables_from_frames(**f)
    assert t.relations.at[0, "a"] == "I1"
    # and two people outside the roster in two transcriptions are one, unless linked
    assert t.relations.at[1, "a"] == "阿布都·麦麦提"
    f["relations"].loc[len(f["relations"])] = ["阿不都·买买提", "阿依古丽·吐尔逊", "父女"]
    t = zoneplan.tables_from_frames(**f)
    assert t.relations.at[1, "a"] == t.relations.at[2, "a"]


@pytest.mark.parametrize("home,group", [("英买力村", "英买力三组"), ("王庄村", "王庄一组"), ("王庄", "王庄村二组"),
                                        ("英买力三组", "英买力村"), ("王庄一组", "王庄")])
def test_home_village_near_a_case_village_without_villages_csv(home, group):
    """No home township, home village 英买力 and a case in 英买力三组: refused (the village rule
    alone protects the case); with a home township the township rule covers it: loaded.  The
    same the other way round (home 英买力三组, case 英买力), and for a village of two
    characters (王庄 / 王庄一组): the shortest name a village has."""
    f = _chain_county(1)
    del f["relations"]
    f["cases"]["village"] = [group]
    f["investigators"]["home_village"] = [home, ""]
    f["investigators"]["home_township"] = ["", "B"]
    with pytest.raises(InputError) as info:
        zoneplan.tables_from_frames(**f)
    assert any(group in p.render("en") and "另一村" in p.render("zh") for p in info.value.problems)
    f["investigators"]["home_township"] = ["A", "B"]
    zoneplan.tables_from_frames(**f)
    f["investigators"]["home_township"] = ["", "B"]
    f["investigators"]["home_village"] = [home.removesuffix("村") + "（另一村）", ""]
    zoneplan.tables_from_frames(**f)


@pytest.mark.parametrize("home,listed,near", [("英买力", "英买力三组", True), ("王庄", "王庄一组", True),
                                             ("王庄一组", "王庄", True), ("王庄", "东王庄", False)])
def test_a_home_village_near_a_listed_village_is_asked(home, listed, near):
    """With villages.csv, a home village that is no listed village but one written shorter or
    longer (英买力 / 英买力三组, also with two characters: 王庄 / 王庄一组) is refused with the
    listed name as the question; one character apart at the front (王庄 / 东王庄) is another
    village (loaded)."""
    f = _chain_county(1)
    del f["relations"]
    f["villages"] = pd.DataFrame({"village_id": ["V1", "V2"], "township_id": ["A", "A"], "name": [listed, "李家村"],
                                  "lat": [37.0, 37.01], "lon": [117.0, 117.01]})
    f["cases"]["village"] = ["李家村"]
    f["investigators"]["home_village"] = [home, ""]
    f["investigators"]["home_township"] = ["A", "B"]
    if not near:
        zoneplan.tables_from_frames(**f)
        return
    with pytest.raises(InputError) as info:
        zoneplan.tables_from_frames(**f)
    assert [f"did you mean {listed}?" in p.render("en").lower() for p in info.value.problems] == [True]


def test_the_kin_effect_named_in_a_refusal_does_not_follow_hash_order():
    """Two investigators equally near a subject once two names are taken as one: the refusal
    names the same one (the least id) in every process, whatever the hash seed (string sets
    iterate in hash order, which changes from run to run)."""
    import os
    import subprocess
    import sys

    code = ("from zoneplan.data.people import _Reach\n"
            "r = _Reach([('X', 'I2'), ('X', 'I1'), ('X', 'I3'), ('Y', 'S1')], {'I1', 'I2', 'I3'}, {'S1'}, 4)\n"
            "print(r.merge_effect('X', 'Y'))")
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        seen.add(out.stdout.strip())
    assert seen == {"(2, 'I1', 'S1')"}
