"""Counties written the way their offices write them: real name patterns, villages, relations.

:func:`county` builds one county's tables (contract columns, all text, as a planner's workbook
holds them) with names drawn by real frequency patterns:

* ``style="xinjiang"``: Uyghur names of two parts joined by ``·`` (a given name and the father's
  given name, so a subject's children carry the subject's name as their second part), with a
  minority of Han staff;
* ``style="han"``: Han names, surnames by their national frequency (王, 李, 张 ... the top 40
  cover about 70 % of people), given names of one or two characters from a skewed pool, so
  namesakes and names one character apart occur as often as in a real county.

Some names are written in another transcription (买买提 / 麦麦提, 吐尔逊 / 图尔荪), as clerks
write them, so names that sound alike belong to different people as often as in a real county;
``one_name_rate`` also writes some people by one name only.  Villages carry their administrative ending (村, 社区 in streets), some village names recur in
several townships (团结村, 幸福村), a zone is named 第一协作区 ...; every subject has relatives,
some of whom are linked to investigators (kin within one or two hops), and a few investigators
are posted near their home.  Used by the identity tests (habits applied to a clean county must
load the same or be refused) and by ``benchmarks/identity_refusals.py`` (how often a clean
county is refused).  Deterministic in ``seed``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .data.contract import TABLES

__all__ = ["county", "UYGHUR_GIVEN", "HAN_SURNAMES"]

#: Common Uyghur given names in their usual Chinese transcription, most common first.
UYGHUR_GIVEN = (
    "买买提", "阿不都热合曼", "艾买提", "吐尔逊", "热合曼", "阿依古丽", "古丽努尔", "阿布力孜", "努尔买买提", "艾力",
    "阿力木", "伊力哈木", "依明", "吾斯曼", "肉孜", "玉素甫", "亚森", "卡德尔", "艾山", "买合木提", "阿卜杜拉",
    "热依拉", "帕提古丽", "阿米娜", "再努尔", "祖力胡马尔", "迪丽努尔", "米热古丽", "阿娜尔古丽", "托合提", "喀斯木",
    "吾买尔", "阿西木", "色买提", "库尔班", "沙吾提", "阿依努尔", "古丽巴哈尔", "布威", "巴拉提", "尼亚孜",
    "赛买提", "阿迪力", "阿卜来提", "居来提", "买吾兰", "吐拉克", "阿瓦古丽", "海热古丽", "努尔古丽",
    "阿孜古丽", "买尔旦", "塔依尔", "开赛尔", "依沙克", "斯拉木", "约麦尔",
)
#: Han surnames with their share of the population (per mille, national figures).
HAN_SURNAMES = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 46), ("杨", 31), ("黄", 24), ("赵", 23), ("吴", 20),
    ("周", 19), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12), ("何", 12), ("高", 11),
    ("林", 11), ("罗", 11), ("郑", 10), ("梁", 10), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7),
    ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5),
    ("于", 5), ("蒋", 5), ("蔡", 5),
)
#: Other transcriptions offices use for some names (different clerks, different people), the
#: loader's table (zoneplan.data.identity.TRANSCRIPTIONS): different people whose names are one
#: name in other characters, as in a real county.
def _transcriptions() -> dict[str, tuple[str, ...]]:
    from .data.identity import TRANSCRIPTIONS

    return {g[0]: g[1:] for g in TRANSCRIPTIONS}
_HAN_GIVEN1 = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩凯俊峰海波宁慧"
_HAN_GIVEN2 = "华明英兰平国芳强军红文林生成荣东丽玲霞峰杰云飞龙宇鹏斌涛辉梅春燕琴"
_PLACE_FIRST = ("阿克", "托万", "英买", "喀拉", "克孜", "塔里", "阿瓦", "依干", "乌什", "温宿", "拜城", "库车", "沙雅",
                "新和", "柯坪", "阿热", "古勒", "巴格", "亚克", "吐格", "恰尔", "色力", "排孜", "博孜", "吾宗")
_PLACE_SECOND = ("力", "克", "提", "巴格", "苏", "布拉克", "墩", "铁热克", "艾日克", "库勒", "吐尔", "阔坦")
_HAN_PLACE = ("王庄", "李集", "张楼", "刘洼", "陈店", "杨屯", "赵桥", "黄岗", "周营", "吴寨", "前进", "红星", "东风",
              "胜利", "光明", "和平", "新华", "向阳", "永安", "太平")
_TOWN_END = re.compile(r"(街道|镇|乡)$")
_COMMON_VILLAGES = ("团结", "幸福", "友谊", "光明", "胜利")
_RELATION = ("夫妻", "父子", "母子", "兄弟", "兄妹", "姐妹", "同学", "同事", "连襟", "叔侄")
_SKILLS = ("财务", "审计", "法律", "谈话", "国土", "工程")
_ZONE_NAMES = ("第一协作区", "第二协作区", "第三协作区", "第四协作区", "第五协作区", "第六协作区", "第七协作区")


def sound(name: str) -> str:
    """A name's key by transcription (two people of one family do not share a name)."""
    from .data.identity import person_name

    return person_name(name).sound or person_name(name).key


def _zipf(rng: np.random.Generator, n: int, s: float = 1.0) -> int:
    w = 1.0 / np.arange(1, n + 1) ** s
    return int(rng.choice(n, p=w / w.sum()))


class _Names:
    """Draws person names of one style; ``used`` keeps roster names unique when asked."""

    def __init__(self, rng: np.random.Generator, style: str, one_name_rate: float = 0.0):
        self.rng, self.style, self.one_name_rate = rng, style, one_name_rate
        self.transcriptions = _transcriptions()
        sw = np.array([w for _, w in HAN_SURNAMES], dtype=float)
        self._sp = sw / sw.sum()

    def given(self) -> str:
        g = UYGHUR_GIVEN[_zipf(self.rng, len(UYGHUR_GIVEN), 0.8)]
        variants = [v for k, vs in self.transcriptions.items() if k in g for v in vs if len(v) <= len(g) + 1]
        if variants and self.rng.random() < 0.15:
            for k, vs in self.transcriptions.items():
                if k in g:
                    return g.replace(k, vs[int(self.rng.integers(len(vs)))], 1)
        return g

    def han(self, surname: str | None = None) -> str:
        s = surname or HAN_SURNAMES[int(self.rng.choice(len(HAN_SURNAMES), p=self._sp))][0]
        g = _HAN_GIVEN1[_zipf(self.rng, len(_HAN_GIVEN1), 0.7)]
        if self.rng.random() < 0.7:
            g += _HAN_GIVEN2[_zipf(self.rng, len(_HAN_GIVEN2), 0.7)]
        return s + g

    def person(self, father: str | None = None, surname: str | None = None) -> str:
        if self.style == "xinjiang" and (self.rng.random() < 0.85 or father):
            if not father and self.rng.random() < self.one_name_rate:  # some people go by one name only
                return self.given()
            return f"{self.given()}·{father or self.given()}"
        return self.han(surname)


def _place(rng: np.random.Generator, style: str) -> str:
    if style == "xinjiang" and rng.random() < 0.8:
        return _PLACE_FIRST[int(rng.integers(len(_PLACE_FIRST)))] + _PLACE_SECOND[int(rng.integers(len(_PLACE_SECOND)))]
    return _HAN_PLACE[int(rng.integers(len(_HAN_PLACE)))]


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    cols = [c.name for c in TABLES[table].columns]
    return pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols).astype(str)


def county(seed: int = 0, style: str = "xinjiang", townships: int = 9, staff: int = 6, cases: int = 18,
           county_staff: int = 8, one_name_rate: float = 0.0) -> dict[str, pd.DataFrame]:
    """One county's tables as text (see the module doc): townships, villages, investigators,
    cases, relations, conflicts.  ``staff`` township-level investigators per township;
    ``one_name_rate`` the share of Uyghur people written with one name only (0: every name as
    on the identity card, given name and father's name)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 20261207, {"xinjiang": 1, "han": 2}[style]]))
    names = _Names(rng, style, one_name_rate)
    cname = "温宿县" if style == "xinjiang" else "恒山县"
    # townships: 2-3 per zone, a street as the county seat
    tw, used_t = [], set()
    lat0, lon0 = (41.27, 80.24) if style == "xinjiang" else (37.7, 117.2)
    for k in range(townships):
        while True:
            base = _place(rng, style)
            if base not in used_t:
                used_t.add(base)
                break
        ending = "街道" if k == 0 else ("乡" if rng.random() < 0.4 else "镇")
        a = 2 * math.pi * k / townships
        r = 0.0 if k == 0 else 0.25 + 0.1 * rng.random()
        tw.append({"township_id": f"T{k + 1:02d}", "name": base + ending, "county": cname,
                   "lat": f"{lat0 + r * math.sin(a):.5f}", "lon": f"{lon0 + r * math.cos(a):.5f}"})
    zones, z = [], 0
    while len(zones) < townships:
        left = townships - len(zones)
        size = left if left <= 3 else 2 if left == 4 else 3 if left == 5 else (3 if rng.random() < 0.4 else 2)
        zones += [_ZONE_NAMES[z % len(_ZONE_NAMES)]] * min(size, left)
        z += 1
    for t, zn in zip(tw, zones):
        t["zone"] = zn
    # villages: 4-7 per township, endings 村 (社区 in the street), some names in several townships,
    # and in every third township the seat village named after the township
    villages, vil_of = [], {}
    for k_t, t in enumerate(tw):
        n = int(rng.integers(4, 8))
        got: list[str] = []
        while len(got) < n:
            base = _COMMON_VILLAGES[int(rng.integers(len(_COMMON_VILLAGES)))] if rng.random() < 0.15 else _place(rng, style)
            nm = base + ("社区" if t["name"].endswith("街道") else "村")
            if nm not in got and base not in t["name"]:
                got.append(nm)
        if k_t % 3 == 0:  # the seat village, named after its township (铁庄乡 铁庄村): no draw taken
            seat = _TOWN_END.sub("", t["name"]) + ("社区" if t["name"].endswith("街道") else "村")
            if seat not in got and len(seat) >= 3:
                got.append(seat)
                n = len(got)
        vil_of[t["township_id"]] = got
        t["villages"] = str(n)
        for j, nm in enumerate(got):
            villages.append({"village_id": f"{t['township_id']}V{j + 1:02d}", "township_id": t["township_id"],
                             "name": nm, "lat": t["lat"], "lon": t["lon"], "households": str(int(rng.integers(80, 900)))})
    tids = [t["township_id"] for t in tw]
    # investigators: unique names in the roster (namesakes are refused when referenced by name)
    inv, roster_names = [], set()

    def fresh(surname: str | None = None) -> str:
        while True:
            nm = names.person(surname=surname)
            if nm not in roster_names:
                roster_names.add(nm)
                return nm

    def home_of(posted: str | None) -> tuple[str, str]:
        r = rng.random()
        if r < 0.08:
            return "", ""
        if r < 0.15:
            return "外县", ""
        ht = posted if posted is not None and rng.random() < 0.5 else tids[int(rng.integers(len(tids)))]
        return ht, vil_of[ht][int(rng.integers(len(vil_of[ht])))]

    for t in tids:
        for _ in range(staff):
            ht, hv = home_of(t)
            inv.append({"investigator_id": f"I{len(inv) + 1:03d}", "name": fresh(), "township_id": t, "level": "乡镇级",
                        "home_township": ht, "home_village": hv,
                        "skills": "、".join(sorted(set(rng.choice(_SKILLS, size=int(rng.integers(0, 3)), replace=True)))),
                        "can_lead": "是" if rng.random() < 0.4 else "否", "max_cases": str(int(rng.integers(1, 4))),
                        "available": "是" if rng.random() < 0.92 else "否"})
    for _ in range(county_staff):
        ht, hv = home_of(None)
        inv.append({"investigator_id": f"I{len(inv) + 1:03d}", "name": fresh(), "township_id": tids[0], "level": "县级",
                    "home_township": ht, "home_village": hv, "skills": _SKILLS[int(rng.integers(len(_SKILLS)))],
                    "can_lead": "是", "max_cases": "3", "available": "是"})
    # cases and subjects (people outside the roster), relatives, kin links to investigators
    cs, rel, subjects = [], [], []
    for k in range(cases):
        t = tids[int(rng.integers(1, len(tids)))] if len(tids) > 1 else tids[0]
        while True:
            s = names.person()
            if s not in roster_names and s not in subjects:
                break
        subjects.append(s)
        cs.append({"case_id": f"K{k + 1:02d}", "township_id": t, "village": vil_of[t][int(rng.integers(len(vil_of[t])))],
                   "subject_id": s, "team_size": str(int(rng.integers(2, 4))),
                   "required_skills": _SKILLS[int(rng.integers(len(_SKILLS)))] if rng.random() < 0.3 else "",
                   "needs_lead": "是", "escalated": "是" if rng.random() < 0.1 else "否", "priority": str(int(rng.integers(1, 4))),
                   "workload": f"{rng.uniform(0.5, 2.5):.1f}"})
        given = s.split("·")[0] if "·" in s else None
        surname = None if given else s[0]
        family = []
        for _ in range(int(rng.integers(1, 4))):
            if given:
                kin = names.person(father=given) if rng.random() < 0.6 else names.person()
            else:
                kin = names.han(surname if rng.random() < 0.6 else None)
            same = {sound(x) for x in [s, *family]}
            if kin != s and kin not in roster_names and kin not in family and sound(kin) not in same:
                family.append(kin)
                rel.append({"a": s, "b": kin, "relation": _RELATION[int(rng.integers(0, 6))]})
        # an investigator in the case's zone linked to the family (1 or 2 hops)
        if rng.random() < 0.6:
            zone = zones[tids.index(t)]
            near = [i for i in inv if i["level"] == "乡镇级" and zones[tids.index(i["township_id"])] == zone
                    and i["township_id"] != t]
            if near:
                who = near[int(rng.integers(len(near)))]
                via = family[int(rng.integers(len(family)))] if family and rng.random() < 0.6 else s
                rel.append({"a": via, "b": who["name"], "relation": _RELATION[int(rng.integers(len(_RELATION)))]})
    # investigators' own relatives and colleagues
    for i in inv:
        if rng.random() < 0.3:
            kin = names.person()
            if kin not in roster_names:
                rel.append({"a": i["name"], "b": kin, "relation": _RELATION[int(rng.integers(len(_RELATION)))]})
    conflicts = []
    for c in cs[: max(1, cases // 6)]:
        who = inv[int(rng.integers(len(inv)))]
        conflicts.append({"investigator_id": who["name"], "case_id": c["case_id"], "reason": "曾在该村工作"})
    return {"townships": _frame("townships", tw), "villages": _frame("villages", villages),
            "investigators": _frame("investigators", inv), "cases": _frame("cases", cs),
            "relations": _frame("relations", rel), "conflicts": _frame("conflicts", conflicts)}
