"""Everything a Chinese reader is given is Chinese: every command's console output and every
file for people, on the example county and on a generated prefecture written in Chinese.

The commands run with ``--lang zh`` (and ``template``, ``history``, ``diff`` too); the files for
people are ``*.xlsx`` (sheet names, cells, comments, drop-down prompts), ``*.html`` (the text
a reader sees), ``*.txt`` and the texts of every map and plot drawn (titles, labels, legends,
tick labels, caught as matplotlib saves the figure).  Machine files (CSV, JSON) are for
programs and keep their English columns.  A Latin word outside the allow-list of
:mod:`nolatin` (ids, units, file and folder names, command-line flags, Excel/WPS/CSV ...)
fails the test, with the line it stands in.  Refusals are in the run too: a workbook with
problems, ``lead`` without leaders, a bad option value, a what-if naming nobody.
"""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from zoneplan.cli import app

from conftest import EXAMPLES
from nolatin import figure_texts, input_words, latin_words, people_files

runner = CliRunner()


# --------------------------------------------------------------------------- a prefecture in Chinese

_SUFFIX = {"Subdistrict": "街道", "Town": "镇", "Township": "乡", "County": "县", "Street": "街道", "District": "区",
           "City": "市"}
_POOL = "安宝北昌长城川大德东丰福富高广河和红华吉嘉金锦康乐利林龙茂明南宁平庆仁荣瑞山尚胜石顺泰桃天田通万旺文西祥新兴阳永玉元源云泽正中"
_SKILLS = {"finance": "财务", "law": "法律", "land": "国土", "audit": "审计", "engineering": "工程",
           "construction": "建设", "procurement": "采购", "agriculture": "农业", "it": "信息", "accounting": "会计",
           "forestry": "林业", "water": "水利", "education": "教育", "health": "卫生", "poverty": "扶贫"}
_SURNAME = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"


class _Sinicize:
    """Deterministic, one-to-one Chinese for the Latin words of a generated instance."""

    def __init__(self):
        self.words: dict[str, str] = {}

    def word(self, w: str) -> str:
        if w not in self.words:
            k = len(self.words)
            self.words[w] = _POOL[k % len(_POOL)] + _POOL[(k // len(_POOL) * 7 + k) % len(_POOL)]
        return self.words[w]

    def place(self, name: str) -> str:
        parts = str(name).split()
        if not parts:
            return name
        suffix = _SUFFIX.get(parts[-1])
        core = parts[:-1] if suffix else parts
        return "".join(self.word(p) for p in core) + (suffix or "")

    def person(self, name: str) -> str:
        parts = str(name).split()
        if len(parts) < 2:
            return self.word(name)
        return _SURNAME[sum(map(ord, parts[0])) % len(_SURNAME)] + self.word(" ".join(parts[1:]))[: 1 + len(parts[1]) % 2]

    def skills(self, text: str) -> str:
        return ";".join(_SKILLS.get(s, self.word(s)) for s in str(text).split(";") if s)


def chinese_prefecture(folder: Path) -> Path:
    """A generated prefecture (11 counties, 134 townships, 100 cases, with leaders, offices and
    villages) with its places, people and skills written in Chinese."""
    from zoneplan.synth import generate, write

    tables = generate({"base": "prefecture", "living": True}, seed=0)
    z = _Sinicize()
    tw = tables["townships"]
    tw["name"] = tw["name"].map(z.place)
    tw["county"] = tw["county"].map(z.place)
    county_map = dict(zip(generate("prefecture", seed=0)["townships"]["county"], tw["county"]))
    for name in ("investigators", "leaders"):
        if name in tables:
            tables[name]["name"] = tables[name]["name"].map(z.person)
    tables["investigators"]["skills"] = tables["investigators"]["skills"].map(z.skills)
    tables["cases"]["required_skills"] = tables["cases"]["required_skills"].map(z.skills)
    for name in ("leaders", "offices"):
        if name in tables and "county" in tables[name]:
            tables[name]["county"] = tables[name]["county"].map(lambda c: county_map.get(c, z.place(c)))
    if "offices" in tables:
        tables["offices"]["name"] = [f"第{k + 1}纪检监察室" for k in range(len(tables["offices"]))]
    if "leaders" in tables and "title" in tables["leaders"]:
        tables["leaders"]["title"] = "县纪委副书记"
    if "villages" in tables and "liaison_name" in tables["villages"]:  # villages keep their id-like names
        v = tables["villages"]
        v["liaison_name"] = v["liaison_name"].map(lambda n: z.person(n) if str(n).strip() else n)
    write(tables, folder)
    return folder


# --------------------------------------------------------------------------- running everything

def _broken_workbook(path: Path) -> Path:
    """A county workbook with Chinese headers and three problems (merged county cell left
    blank, a misspelt header, a team size in words)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(["乡镇编号", "乡镇名称", "所属县区", "纬度", "经度"])
    ws.append(["T1", "城关镇", "青山县", 30.0, 120.0])
    ws.append(["T2", "柳河镇", "", 30.1, 120.1])
    inv = wb.create_sheet("干部花名册")
    inv.append(["人员编号", "姓名", "工作乡镇", "籍贯村庄"])
    inv.append(["I1", "张伟", "T1", "东风村"])
    cases = wb.create_sheet("问题线索")
    cases.append(["线索编号", "所在乡镇", "组人数"])
    cases.append(["K1", "T2", "两到三人"])
    wb.save(path)
    return path


def run_everything(data: Path, work: Path, *, case: str, person: str, other: str, county_scale: bool):
    """Run every command in Chinese on ``data``; the console texts and the figure texts."""
    outputs: list[tuple[str, str]] = []
    typed: set[str] = set()  # what the user typed on the command line (a bad option value is quoted back)

    def run(name: str, *args, code: set[int] | None = None):
        typed.update(w for a in args for w in str(a).replace(",", " ").replace("=", " ").split())
        with figure_texts() as figs:
            r = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        outputs.append((f"{name} (console)", r.output))
        for text in figs:
            outputs.append((f"{name} (map or plot)", text))
        assert r.exit_code in (code or {0, 3}), (name, r.exit_code, r.output[-3000:])
        return r

    D = data
    run("validate", "validate", D, "--lang", "zh", "--out", work / "V")
    run("staff", "staff", D, "--out", work / "P", "--lang", "zh", "--history", work / "H")
    run("check", "check", D, work / "P", "--lang", "zh")
    run("explain", "explain", D, person, case, "--lang", "zh")
    run("explain (not found)", "explain", D, "无此人", case, "--lang", "zh", code={2})
    run("zone", "zone", D, "--out", work / "Z", "--lang", "zh")
    run("zone (impossible what-if)", "zone", D, "--out", work / "Zx", "--lang", "zh", "--target-zones", "1",
        code={3})
    run("compare", "compare", D, work / "Z", "--out", work / "C", "--lang", "zh")
    run("staff under a zoning", "staff", D, "--zones", work / "Z", "--out", work / "PZ", "--lang", "zh",
        "--history", work / "H")
    run("re-plan", "staff", D, "--previous", work / "P", "--out", work / "RP", "--lang", "zh",
        "--forbid", f"{case}:{other}")
    run("review", "review", D, work / "P", "--out", work / "R", "--lang", "zh")
    run("check-review", "check-review", D, work / "P", work / "R", "--lang", "zh")
    run("lead", "lead", D, "--out", work / "L", "--lang", "zh")
    run("history", "history", work / "H", "--lang", "zh")
    run("diff", "diff", work / "P", work / "PZ", "--data", D, "--lang", "zh")
    run("bad option", "staff", D, "--out", work / "X", "--lang", "zh", "--weights", "staffed", code={2})
    run("unknown what-if township", "zone", D, "--out", work / "X", "--lang", "zh", "--exclude", "无此乡镇", code={2})
    if county_scale:
        run("areas", "areas", D, "--out", work / "A", "--lang", "zh", "--time-limit", "60")
        run("demo", "demo", "--lang", "zh")
        run("template", "template", work / "tpl.xlsx", "--lang", "zh")
        run("validate (problems)", "validate", _broken_workbook(work / "青山县.xlsx"), "--lang", "zh", code={2})
        nolead = work.parent / f"{work.name}-noleaders"  # an input: not among the files for people
        shutil.copytree(D, nolead)
        (nolead / "leaders.csv").unlink()
        (nolead / "offices.csv").unlink()
        run("lead without leaders", "lead", nolead, "--out", work / "X", "--lang", "zh", code={2})
        run("sweep", "sweep", D, "--out", work / "S", "--sizes", "2-3,3-3", "--dropouts", "1", "--draws", "2",
            "--lang", "zh", "--workers", "1")
        seed_text = "2026年12月15日 县纪委常委会 抽签号 4172"
        run("seed", "seed", seed_text, "--data", D, "--lang", "zh")
        run("draw", "staff", D, "--out", work / "DR", "--lang", "zh", "--draw", "--cap", "0.5", "--seed-from",
            seed_text)
        run("replay", "replay", work / "DR", D, "--lang", "zh")
        run("draw, strict caps refused", "staff", D, "--out", work / "X", "--lang", "zh", "--draw", "--cap", "0.5",
            "--strict-cap", code={2})
    else:
        run("staff by county", "staff", D, "--out", work / "PC", "--lang", "zh", "--reports", "county")
    for path, text in people_files(work):
        outputs.append((f"file {path.relative_to(work)}", text))
    return outputs, typed


#: The template's instructions sheet documents each column's machine name (the CSV header a
#: user may type, like a file name): those names are ids there.
def template_ids() -> set[str]:
    from zoneplan.data.contract import TABLES

    return {c.name for spec in TABLES.values() for c in spec.columns}


def english_lines(outputs, allowed) -> list[str]:
    bad = collections.OrderedDict()
    columns = template_ids()
    for where, text in outputs:
        ok = allowed | columns if where.endswith("tpl.xlsx") else allowed
        for line in text.splitlines():
            words = latin_words(line, ok)
            if words:
                bad.setdefault((where, line.strip()[:200]), words)
    return [f"{where}: {line}   <- {' '.join(words)}" for (where, line), words in bad.items()]


@pytest.fixture(scope="module")
def county_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("zh-county")
    data = tmp_path_factory.mktemp("zh-county-input") / "data"  # inputs apart from the files for people
    shutil.copytree(EXAMPLES / "county", data)
    outputs, typed = run_everything(data, work, case="K04", person="I046", other="I023", county_scale=True)
    return outputs, input_words(data) | typed


@pytest.fixture(scope="module")
def prefecture_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("zh-prefecture")
    data = chinese_prefecture(tmp_path_factory.mktemp("zh-prefecture-input") / "data")
    cases = pd.read_csv(data / "cases.csv", dtype=str)
    case = cases["case_id"].iat[0]
    outputs, typed = run_everything(data, work, case=case, person="I000001", other="I000002", county_scale=False)
    return outputs, input_words(data) | typed


def test_the_example_county_in_chinese_has_no_english_word(county_run):
    outputs, allowed = county_run
    bad = english_lines(outputs, allowed)
    assert not bad, f"{len(bad)} lines with English words:\n" + "\n".join(bad[:80])
    sources = {w.split(" (")[0] for w, _ in outputs}
    assert len(sources) >= 25  # every command ran and wrote its files


def test_a_generated_prefecture_in_chinese_has_no_english_word(prefecture_run):
    outputs, allowed = prefecture_run
    bad = english_lines(outputs, allowed)
    assert not bad, f"{len(bad)} lines with English words:\n" + "\n".join(bad[:80])


def test_the_check_finds_english():
    """The check can fail: an English word in a Chinese line is found, ids and files are not."""
    assert latin_words("状态 OPTIMAL：已配置 20 件") == ["OPTIMAL"]
    assert latin_words("written to /tmp/x/ (zones.csv, report.json)") == ["written", "to"]
    assert latin_words("K04 与 C01T05V03、I000517 见 plan.xlsx、counties/ 与 --strict；Excel/WPS") == []
    assert latin_words("由 zoneplan 0.1.0 生成；zoneplan staff 写出") == []
