"""The living plan's optional tables read like the others: Chinese headers, names for ids,
located refusals; and the same input gives the same files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app
from zoneplan.errors import InputError
from zoneplan.synth import generate

from conftest import EXAMPLES

COUNTY = EXAMPLES / "county"


def copy(tmp_path):
    d = tmp_path / "d"
    shutil.copytree(COUNTY, d)
    return d


def test_chinese_headers_and_names_are_read(tmp_path):
    d = copy(tmp_path)
    (d / "leaders.csv").unlink()
    (d / "牵头领导.csv").write_text("领导编号,姓名,职务,籍贯\nL01,周建国,副书记,城关街道\nL02,刘玉梅,常委,黄家集\n",
                                encoding="utf-8")
    (d / "offices.csv").write_text("科室编号,科室名称,成员籍贯乡镇\nO1,第一纪检监察室,东城街道、肖营镇\n", encoding="utf-8")
    t = zoneplan.load(d)
    assert dict(zip(t.leaders["leader_id"], t.leaders["home_township"])) == {"L01": "T01", "L02": "T05"}
    assert t.leaders["county"].tolist() == ["恒平县", "恒平县"]  # blank: the only county
    assert t.offices["home_townships"].tolist() == [("T02", "T03")]
    v = t.villages.set_index("village_id")
    assert v.at["T01V02", "liaison"] and v.at["T01V02", "liaison_name"] == "何娜"


def test_bad_references_are_located(tmp_path):
    d = copy(tmp_path)
    (d / "leaders.csv").write_text("leader_id,name,county,home_township\nL01,甲,青山县,T01\n", encoding="utf-8")
    (d / "village_adjacency.csv").write_text("a,b\nT01V01,T01V99\nT01V02,T01V02\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        zoneplan.load(d)
    text = "\n".join(e.value.render("en"))
    assert "leaders.csv, line 2" in text and "青山县" in text and "a county of townships.csv" in text
    assert "village_adjacency.csv, line 2" in text and "T01V99" in text
    assert "village_adjacency.csv, line 3" in text and "no self-loops" in text


def test_a_name_in_the_liaison_flag_is_refused_with_the_column(tmp_path):
    d = copy(tmp_path)
    v = pd.read_csv(d / "villages.csv", dtype=str, keep_default_na=False)
    v.loc[0, "liaison"] = "张三"
    v.to_csv(d / "villages.csv", index=False)
    with pytest.raises(InputError) as e:
        zoneplan.load(d)
    assert "villages.csv, line 2, column H" in "\n".join(e.value.render("en"))


def test_synth_living_tables_leave_the_six_tables_as_they_were():
    plain = generate("county", seed=3)
    living = generate({"base": "county", "living": True}, seed=3)
    for name, frame in plain.items():
        pd.testing.assert_frame_equal(frame, living[name])
    assert {"leaders", "offices", "villages"} <= set(living)
    t = zoneplan.tables_from_frames(living["townships"], living["investigators"], living["cases"],
                                    leaders=living["leaders"], offices=living["offices"], villages=living["villages"])
    assert len(t.villages) == int(living["townships"]["villages"].sum())


def test_same_input_same_files(tmp_path):
    run = CliRunner().invoke
    assert run(app, ["staff", str(COUNTY), "--out", str(tmp_path / "P")]).exit_code == 0
    for k in (1, 2):
        assert run(app, ["lead", str(COUNTY), "--out", str(tmp_path / f"L{k}")]).exit_code == 0
        assert run(app, ["review", str(COUNTY), str(tmp_path / "P"), "--out", str(tmp_path / f"R{k}")]).exit_code == 0
    for name in ("L/zones.csv", "L/leadership.csv", "L/map.png", "R/reviews.csv", "R/unreviewed.csv",
                 "R/review_load.csv", "R/review.xlsx", "R/summary.txt"):
        folder, f = name.split("/")
        assert (tmp_path / f"{folder}1" / f).read_bytes() == (tmp_path / f"{folder}2" / f).read_bytes(), name
