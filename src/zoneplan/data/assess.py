"""The data-quality assessment: gaps (a named rule that cannot protect a named person or case)
and notes, and ``--strict`` (the last stage of the loader, :mod:`.load`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem
from .collect import Collector, Parsed
from .contract import TableSpec
from .quality import QualityItem

__all__ = ["assess", "strict_problems"]


def assess(parsed: dict[str, Parsed], col: Collector) -> None:
    """Gaps: a named rule that cannot protect a named person or case.  Notes: what is ordinary
    but worth knowing (people from outside the data, subjects with no known relations)."""
    inv_t, cs_t = parsed.get("investigators"), parsed.get("cases")
    tw_t = parsed.get("townships")
    if inv_t is None or not inv_t.ok or tw_t is None or not tw_t.ok:
        return
    inv = inv_t.frame
    ids = inv["investigator_id"].tolist()
    who = [f"{i} {n}".strip() for i, n in zip(ids, inv["name"].tolist())]
    known_t = set(tw_t.frame["township_id"])
    if len(inv):
        if "home_township" not in inv_t.typed:
            col.note(QualityItem("home", "gap", inv_t.name,
                                 "no home township column: the home rule cannot keep anyone off cases in their "
                                 "home township", "没有“籍贯乡镇”列：回避规则无法阻止任何人办理其籍贯乡镇的案件"))
        else:
            home_v = inv["home_village"].tolist()
            blank = [w for w, t, v in zip(who, inv["home_township"].tolist(), home_v) if t == ""]
            if blank:
                col.note(QualityItem("home", "gap", inv_t.name,
                                     f"{inv_t.typed['home_township']} blank: the home rule cannot keep them off cases in "
                                     "their home township (only a home village, where given, is compared)",
                                     f"“{_typed_zh(inv_t, 'home_township')}”为空：回避规则无法阻止他们办理籍贯乡镇的案件"
                                     "（仅比较已填写的籍贯村）", tuple(blank)))
        outside = [f"{w} ({v})" for w, v in zip(who, inv["home_township"].tolist()) if v != "" and v not in known_t]
        if outside:
            col.note(QualityItem("home", "note", inv_t.name,
                                 "home township outside the data (no case is in it)",
                                 "籍贯乡镇不在本次数据范围内（没有线索在该地）", tuple(outside)))
        if "level" not in inv_t.typed:
            col.note(QualityItem("level", "gap", inv_t.name,
                                 "no level column: everybody is treated as township-level staff (escalated cases "
                                 "find no county-level lead)",
                                 "没有“层级”列：所有人都按乡镇级干部处理（提级直查的案件找不到县级组长）", tuple(who)))
    if cs_t is None or not cs_t.ok:
        return
    cs = cs_t.frame
    rel_t = parsed.get("relations")
    inv_set = set(ids)
    if "subject_id" not in cs_t.typed:
        col.note(QualityItem("kin", "gap", cs_t.name, "no subject column: the kin rule protects no case",
                             "没有“被调查人”列：亲属回避规则对所有线索都无法起作用"))
    else:
        no_subject = [c for c, s in zip(cs["case_id"].tolist(), cs["subject_id"].tolist()) if s == ""]
        if no_subject:
            col.note(QualityItem("kin", "gap", cs_t.name, "no subject given: the kin rule cannot protect these cases",
                                 "未填被调查人：亲属回避规则无法保护这些线索", tuple(no_subject)))
        nodes: set[str] = set()
        if rel_t is not None and rel_t.ok:
            nodes = set(rel_t.frame["a"]) | set(rel_t.frame["b"])
        absent = [f"{c} ({s})" for c, s in zip(cs["case_id"].tolist(), cs["subject_id"].tolist())
                  if s != "" and s not in nodes and s not in inv_set]
        if absent and len(cs):
            if rel_t is None:
                col.note(QualityItem("kin", "gap", cs_t.name, "no relations table: the kin rule cannot protect these "
                                     "cases (only the subject, when an investigator, is kept off)",
                                     "没有关系表：亲属回避规则无法保护这些线索（仅被调查人本人为干部时回避）", tuple(absent)))
            else:
                col.note(QualityItem("kin", "note", cs_t.name, "subjects with no relations listed (the kin rule finds "
                                     "nobody to keep off their cases)", "关系表中没有其社会关系的被调查人（亲属回避规则找不到需回避的人）",
                                     tuple(absent)))
    if rel_t is not None and rel_t.ok and len(rel_t.frame):
        f = rel_t.frame
        anchors = inv_set | set(cs["subject_id"])
        loose = _unanchored(f["a"].to_numpy(dtype=object), f["b"].to_numpy(dtype=object), anchors)
        if loose:
            col.note(QualityItem("kin", "gap", rel_t.name,
                                 "people in the relations table linked to no investigator and no subject, even "
                                 "through others: they can be on no kin path (a misspelt name?)",
                                 "关系表中与任何干部、被调查人都不相连（经他人也不相连）的人员：不会出现在任何亲属关系链上（姓名是否写错？）",
                                 tuple(loose)))
    held = {s for sk in inv["skills"].tolist() for s in sk}
    missing = sorted({s for sk in cs["required_skills"].tolist() for s in sk} - held)
    if missing:
        col.note(QualityItem("skills", "gap", cs_t.name,
                             "required skills that no investigator has (cases needing them cannot be staffed)",
                             "没有任何干部具备的所需专长（需要这些专长的线索无法组队）", tuple(missing)))


def _unanchored(a: np.ndarray, b: np.ndarray, anchors: set[str]) -> list[str]:
    """The people of the relations rows (both ends given) whose connected component holds no
    anchor, sorted."""
    keep = a.astype(bool) & b.astype(bool)
    m = int(keep.sum())
    if m == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    codes, people = pd.factorize(np.concatenate([a[keep], b[keep]]), use_na_sentinel=False)
    n = len(people)
    graph = coo_matrix((np.ones(m, dtype=np.int8), (codes[:m], codes[m:])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    anchored = np.zeros(label.max() + 1, dtype=bool)
    anchored[label[np.fromiter((p in anchors for p in people.tolist()), dtype=bool, count=n)]] = True
    return sorted(people[~anchored[label]].tolist())


def _typed_zh(t: Parsed, column: str) -> str:
    """The header as typed when it is Chinese, else the contract's Chinese label (for zh text)."""
    typed = t.typed.get(column, column)
    return typed if not typed.isascii() else _zh(t.spec, column)


def _zh(spec: TableSpec, column: str) -> str:
    return next(c.zh for c in spec.columns if c.name == column) or column


def strict_problems(col: Collector) -> None:
    for item in col.quality:
        if item.kind == "gap":
            col.add(Problem(item.table or "input", None, None, None, "no data-quality gap (--strict)",
                            expected_zh="没有数据质量缺口（--strict）", hint=item.render("en"), hint_zh=item.render("zh")))
