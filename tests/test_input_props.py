"""Property: random clean workbooks, random planner mistakes; the run means the same or refuses.

Every run must either load *exactly* the clean tables (and so give the clean plan) or raise
InputError (exit 2) -- never load something different.  The mistakes are the Excel/WPS
habits of :mod:`planner_book` applied to random instances of :mod:`zoneplan.synth`.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import zoneplan
from zoneplan import InputError
from zoneplan.data.contract import TABLES
from zoneplan.synth import generate

FRAMES = ("townships", "investigators", "cases", "relations", "conflicts", "adjacency")
SMALL = {"base": "county", "townships": 10, "cases": 10}


@dataclass
class Book:
    frames: dict[str, pd.DataFrame]  # text cells, English column names until renamed
    headers: dict[str, list[str]] = field(default_factory=dict)  # header as typed, per table
    sheet: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    footer: dict[str, str] = field(default_factory=dict)
    merges: dict[str, list[str]] = field(default_factory=dict)


def clean_book(seed: int) -> Book:
    frames = {t: f.astype(str) for t, f in generate(SMALL, seed).items() if t in FRAMES}
    return Book(frames, {t: list(f.columns) for t, f in frames.items()}, {t: t for t in frames})


def _names(b: Book, table: str) -> dict[str, str]:
    f = b.frames[table]
    idc = "township_id" if table == "townships" else "investigator_id"
    return dict(zip(f[idc], f["name"]))


# --------------------------------------------------------------------------- the mistakes


def people_by_name(b: Book, rng: random.Random) -> None:
    names = _names(b, "investigators")
    for t, cols in (("relations", ["a", "b"]), ("conflicts", ["investigator_id"])):
        f = b.frames[t]
        for c in cols:
            f[c] = [names.get(v, v) if rng.random() < 0.7 else v for v in f[c]]


def townships_by_name(b: Book, rng: random.Random) -> None:
    names = _names(b, "townships")
    for t, cols in (("investigators", ["township_id", "home_township"]), ("cases", ["township_id"]),
                    ("adjacency", ["a", "b"])):
        f = b.frames[t]
        for c in cols:
            f[c] = [names.get(v, v) if v and rng.random() < 0.7 else v for v in f[c]]


def list_separators(b: Book, rng: random.Random) -> None:
    for t, c in (("investigators", "skills"), ("cases", "required_skills")):
        f = b.frames[t]
        f[c] = [v.replace(";", rng.choice([",", "，", "、", "；", " ; "])) for v in f[c]]


def header_variants(b: Book, rng: random.Random) -> None:
    for t, f in b.frames.items():
        spec = TABLES[t]
        out = []
        for h in b.headers[t]:
            col = next(c for c in spec.columns if c.name == h)
            choice = rng.choice([col.name, col.zh or col.name, *col.aliases])
            if col.kind == "bool" and rng.random() < 0.5:
                choice = "是否" + choice
            if rng.random() < 0.3:
                choice = f" {choice.upper()}（ ）" if choice.isascii() else f"{choice}（单位）"
            out.append(choice)
        b.headers[t] = out


def yes_no_marks(b: Book, rng: random.Random) -> None:
    marks = {"true": ["是", "√", "有", "TRUE", "1", "Y"], "false": ["否", "×", "无", "FALSE", "0", "N"]}
    for t in ("investigators", "cases"):
        f = b.frames[t]
        for c in f.columns:
            if set(f[c]) <= {"true", "false"} and len(f):
                f[c] = [rng.choice(marks[v]) for v in f[c]]


def numbers_with_units(b: Book, rng: random.Random) -> None:
    words = {"1": "一", "2": "两", "3": "三", "4": "四", "5": "五"}
    f = b.frames["cases"]
    f["team_size"] = [rng.choice([f"{v}人", words.get(v, v), v.translate(str.maketrans("0123456789", "０１２３４５６７８９"))])
                      for v in f["team_size"]]
    g = b.frames["investigators"]
    g["max_cases"] = [f"{v}件" if rng.random() < 0.5 else v for v in g["max_cases"]]


def title_and_footer(b: Book, rng: random.Random) -> None:
    t = rng.choice(list(b.frames))
    b.title[t] = "某某县纪检监察工作台账"
    b.footer[t] = "制表人：张三"


def id_variants(b: Book, rng: random.Random) -> None:
    f = b.frames["conflicts"]
    f["case_id"] = [v.lower() if rng.random() < 0.5 else f" {v} " for v in f["case_id"]]
    g = b.frames["adjacency"]
    g["a"] = [v.lower() for v in g["a"]]


def chinese_sheet_names(b: Book, rng: random.Random) -> None:
    options = {"townships": ["乡镇", "乡镇表"], "investigators": ["干部花名册", "花名册", "人员名单"],
               "cases": ["问题线索", "线索清单"], "relations": ["关系", "社会关系"], "conflicts": ["回避", "回避情况"],
               "adjacency": ["相邻乡镇", "邻接关系"]}
    for t in b.sheet:
        b.sheet[t] = rng.choice(options[t])


def blank_county(b: Book, rng: random.Random) -> None:
    """A county cell left blank (a merged cell saved as plain data): must be refused."""
    f = b.frames["townships"]
    if len(f) > 2:
        f.loc[rng.randrange(1, len(f)), "county"] = ""


def merged_county(b: Book, rng: random.Random) -> None:
    """Consecutive townships of one county merged (xlsx keeps the merged range)."""
    f = b.frames["townships"]
    counties = f["county"].tolist()
    start = 0
    b.merges.setdefault("townships", [])
    col = chr(65 + b.headers["townships"].index("county")) if "county" in b.headers["townships"] else None
    if col is None:
        return
    first_line = 2 + (1 if "townships" in b.title else 0)
    for k in range(1, len(counties) + 1):
        if k == len(counties) or counties[k] != counties[start]:
            if k - start > 1:
                for j in range(start + 1, k):
                    f.iat[j, f.columns.get_loc("county")] = ""
                b.merges["townships"].append(f"{col}{first_line + start}:{col}{first_line + k - 1}")
            start = k


CATALOG = [people_by_name, townships_by_name, list_separators, header_variants, yes_no_marks, numbers_with_units,
           title_and_footer, id_variants, chinese_sheet_names, blank_county, merged_county]


# --------------------------------------------------------------------------- writing


def write(b: Book, folder, fmt: str):
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for t, f in b.frames.items():
            ws = wb.create_sheet(b.sheet[t])
            if t in b.title:
                ws.append([b.title[t]])
            ws.append(b.headers[t])
            for row in f.itertuples(index=False):
                ws.append([v if v != "" else None for v in row])
            if t in b.footer:
                ws.append([b.footer[t]])
            for m in b.merges.get(t, []):
                ws.merge_cells(m)
        wb.save(folder / "book.xlsx")
        return folder / "book.xlsx"
    for t, f in b.frames.items():
        with open(folder / f"{b.sheet[t]}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            if t in b.title:
                w.writerow([b.title[t]])
            w.writerow(b.headers[t])
            w.writerows(f.itertuples(index=False))
            if t in b.footer:
                w.writerow([b.footer[t]])
    return folder


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 5000), mistakes=st.lists(st.sampled_from(CATALOG), min_size=1, max_size=4, unique=True),
       fmt=st.sampled_from(["xlsx", "csv"]), noise=st.integers(0, 10**6))
def test_mistakes_mean_the_same_or_are_refused(tmp_path_factory, seed, mistakes, fmt, noise):
    clean = zoneplan.load(write(clean_book(seed), tmp_path_factory.mktemp("clean"), "csv"))
    book = clean_book(seed)
    rng = random.Random(noise)
    if fmt == "csv" and merged_county in mistakes:  # a CSV has no merged ranges: that is blank_county
        mistakes = [m for m in mistakes if m is not merged_county] + [blank_county]
    for m in sorted(set(mistakes), key=CATALOG.index):
        m(book, rng)
    path = write(book, tmp_path_factory.mktemp("book"), fmt)
    try:
        t = zoneplan.load(path)
    except InputError:
        return  # refusing (exit 2) is always allowed; a different reading never is
    assert blank_county not in mistakes, "a blank county among filled ones was accepted"
    for name in FRAMES:
        got, want = getattr(t, name), getattr(clean, name)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=f"{name} after {[m.__name__ for m in mistakes]}")


UNDERSTOOD = [m for m in CATALOG if m is not blank_county]


@pytest.mark.parametrize("mistake", UNDERSTOOD, ids=[m.__name__ for m in UNDERSTOOD])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_each_understood_mistake_alone_loads_the_clean_tables(tmp_path, mistake, fmt):
    """Not refusing everything: each habit on its own is understood (names here are unique)."""
    if fmt == "csv" and mistake is merged_county:
        pytest.skip("a CSV has no merged ranges")
    clean = zoneplan.load(write(clean_book(7), tmp_path / "clean", "csv"))
    book = clean_book(7)
    mistake(book, random.Random(1))
    t = zoneplan.load(write(book, tmp_path / "book", fmt))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(t, name), getattr(clean, name), check_dtype=False, obj=name)


def test_damaged_csv_files_are_read_or_refused_never_a_crash(tmp_path):
    """Random byte damage (flipped bytes, stray quotes, NULs, CR-only lines, truncation, BOMs) in
    any table: the loader returns tables or raises InputError, never another exception."""
    import shutil

    from conftest import EXAMPLES

    rng = random.Random(2026)
    names = ["cases.csv", "investigators.csv", "townships.csv", "relations.csv", "conflicts.csv", "adjacency.csv"]
    for k in range(60):
        d = tmp_path / f"c{k}"
        shutil.copytree(EXAMPLES / "county", d)
        name = rng.choice(names)
        raw = bytearray((d / name).read_bytes())
        op = rng.choice(["flip", "insert", "delete", "dup", "cr", "nul", "truncate", "bom"])
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(max(1, len(raw)))
            if op == "flip" and raw:
                raw[i] = rng.randrange(256)
            elif op == "insert":
                raw[i:i] = bytes([rng.choice(b',;"\n\r\t ')])
            elif op == "delete" and raw:
                del raw[i]
            elif op == "dup":
                raw[i:i] = raw[i:i + rng.randint(1, 30)]
            elif op == "cr":
                raw = bytearray(raw.replace(b"\n", b"\r"))
            elif op == "nul":
                raw[i:i] = b"\x00"
            elif op == "truncate":
                raw = raw[:i]
            elif op == "bom":
                raw = bytearray(b"\xef\xbb\xbf") + raw
        (d / name).write_bytes(bytes(raw))
        try:
            zoneplan.load(d)
        except InputError as exc:
            assert exc.problems and all(p.file for p in exc.problems)


_CELL_CHARS = st.sampled_from(["a", "B", "7", "-", " ", "  ", "\t", "\u3000", "\u00a0", "\u200b", "王", "伟", "Ａ", "\x1f"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL_CHARS, max_size=6).map("".join), min_size=1, max_size=8))
@example(["I01", " I01", "I01 "])  # all ASCII: the column's fast path
@example(["a  b", "王"])  # a run of spaces inside, beside a cell that is not ASCII
@example(["a  b", "a b", "c\td"])
def test_a_column_is_cleaned_as_each_cell_alone(values):
    """A column's cells (``clean_array``, with its fast path for plain ASCII columns) are
    cleaned exactly as each cell alone (``clean``): no cell keeps a space at its ends or a
    run of spaces, whatever the other cells of the column -- so `` I01`` in one table and
    ``I01`` in another are one id."""
    import numpy as np

    from zoneplan.data.cells import clean, clean_array

    got = clean_array(np.array(values, dtype=object)).tolist()
    assert got == [clean(v) for v in values]
    for v in got:
        assert v == v.strip() and "  " not in v, repr(v)
        assert clean(v) == v  # cleaning twice changes nothing
