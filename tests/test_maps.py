"""Maps: Chinese glyphs, colours shared across compare maps, county maps, Voronoi areas,
boundaries.geojson (reader and shared-border adjacency), the assignment map."""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

import zoneplan
from zoneplan.errors import InputError
from zoneplan.maps import (assignment_map_png, fonts, read_boundaries, shared_border_edges, zone_colors,
                           zoning_map_files, zoning_map_png)
from zoneplan.maps.assignment import COUNTY_COLOR, TOWNSHIP_COLOR
from zoneplan.maps.geometry import county_regions, voronoi_cells
from zoneplan.maps.sheet import Sheet
from zoneplan.maps.zoning import PALETTE, map_file_name
from zoneplan.zoning import ZoningInput, ZoningOptions, solve_zoning
from zoneplan.zoning.adapter import zoning_input

from conftest import EXAMPLES

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sheets(monkeypatch):
    """Every page drawn during the test, kept for inspection after its PNG is made."""
    got: list[Sheet] = []
    original = Sheet.png

    def png(self):
        got.append(self)
        return original(self)

    monkeypatch.setattr(Sheet, "png", png)
    return got


@pytest.fixture
def bundled_only(monkeypatch):
    """A machine without any Chinese font: only the subset shipped in the package is left."""
    def clear():
        for f in (fonts.cjk_font, fonts.font_families, fonts._chain, fonts._char_ok):
            f.cache_clear()

    monkeypatch.setattr(fonts, "SC_FAMILIES", ())
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [])
    monkeypatch.delenv("ZONEPLAN_FONT", raising=False)
    clear()
    yield
    clear()


def zh_input(counties=("昌乐县", "宜兴市", "绥德县"), seed=1, islands=()) -> ZoningInput:
    """Real Chinese township names of some counties, seats scattered around county centres."""
    rows = pd.read_csv(DATA / "townships_zh.csv", dtype=str)
    rows = rows[rows["county"].isin(counties)].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    lat, lon = np.zeros(len(rows)), np.zeros(len(rows))
    for k, c in enumerate(counties):
        idx = np.flatnonzero(rows["county"] == c)
        lat[idx] = 36.0 + 0.15 * np.arange(len(idx)) % 0.6 + rng.uniform(-0.05, 0.05, len(idx))
        lon[idx] = 115.0 + k * 1.2 + 0.13 * (np.arange(len(idx)) // 4) + rng.uniform(-0.04, 0.04, len(idx))
    ids = [f"T{i:03d}" for i in range(len(rows))]
    base = ZoningInput.from_coordinates(ids, list(rows["name"]), list(rows["county"]), lat, lon)
    edges = [(a, b) for a, b in base.edges if a not in islands and b not in islands]
    return ZoningInput.from_coordinates(ids, list(rows["name"]), list(rows["county"]), lat, lon,
                                        np.full(len(rows), 10), edges)


def zoned(inp: ZoningInput, exclude=()) -> pd.DataFrame:
    res = solve_zoning(inp, ZoningOptions(time_limit=20, exclude=[inp.township_ids[i] for i in exclude]))
    assert res.feasible
    return res.zones


def texts_of(sheet: Sheet) -> list[Text]:
    return [t for t in sheet.fig.findobj(Text) if t.get_text().strip()]


def test_test_data_is_large_and_has_rare_characters():
    rows = pd.read_csv(DATA / "townships_zh.csv", dtype=str)
    assert len(rows) >= 300 and rows["county"].nunique() >= 30
    chars = set("".join(rows["name"]))
    assert {"鄌", "郚", "堽", "㳇", "墕", "埗", "滘"} <= chars  # place-name characters outside GB2312


def test_bundled_font_has_every_character_of_real_names(bundled_only):
    """The shipped font covers the test names (698 characters, rare place names included) by its own cmap."""
    choice = fonts.cjk_font()
    assert choice is not None and choice.source == "bundled" and choice.family == "ZonePlan Sans SC"
    font = FT2Font(choice.path)
    text = (DATA / "townships_zh.csv").read_text("utf-8") + (DATA / "words_zh.txt").read_text("utf-8")
    needed = {ch for ch in text if ord(ch) > 0x2E80}
    missing = sorted(ch for ch in needed if font.get_char_index(ord(ch)) == 0)
    assert len(needed) > 600 and missing == []


@pytest.mark.parametrize("machine", ["bundled", "this machine"])
def test_chinese_labels_render_without_warnings_in_a_font_that_has_them(machine, request, sheets, caplog):
    if machine == "bundled":
        request.getfixturevalue("bundled_only")
    inp = zh_input(islands=(2,))  # 鄌郚镇 of 昌乐县 has no neighbour: it stays out of the zones
    zones = zoned(inp, exclude=(2,))
    family_before = list(matplotlib.rcParams["font.family"])
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        files = zoning_map_files(inp, zones, stem="map", subtitle="建议方案", lang="zh")
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert matplotlib.rcParams["font.family"] == family_before  # no global change
    assert set(files) == {"map.png", "map_昌乐县.png", "map_宜兴市.png", "map_绥德县.png"}
    choice = fonts.cjk_font()
    font = FT2Font(choice.path, face_index=choice.index) if choice.index else FT2Font(choice.path)
    drawn = ""
    for sheet in sheets:
        for t in texts_of(sheet):
            s = t.get_text()
            if any(ord(ch) > 0x2E80 for ch in s):
                assert t.get_fontfamily()[0] == choice.family
                assert Path(findfont(FontProperties(family=t.get_fontfamily()))) == Path(choice.path)
                missing = [ch for ch in s if ord(ch) > 0x2E80 and font.get_char_index(ord(ch)) == 0]
                assert missing == [], (s, missing)
                drawn += s
    for name in ("鄌郚镇", "湖㳇镇", "定仙墕镇", "宝城街道"):  # labels are names, not ids
        assert name in drawn
    assert "昌乐县" in [s.title for s in sheets]
    changle = next(s for s in sheets if s.title == "昌乐县")
    legend = [t.get_text() for t in texts_of(changle)]
    assert "无相邻乡镇（飞地/孤岛）" in legend and "未划入协作区" in legend and inp.names[2] in legend


def test_name_no_font_can_draw_falls_back_to_the_id(sheets, caplog):
    inp = ZoningInput.from_coordinates(["A1", "B2"], ["\ue000镇", "东城街道"], ["某县", "某县"], [30, 30], [110, 110.1])
    zones = pd.DataFrame({"township_id": ["A1", "B2"], "zone": ["Z1", "Z1"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert zoning_map_png(inp, zones, lang="zh").startswith(PNG)
    drawn = [t.get_text() for t in texts_of(sheets[0])]
    assert not any("\ue000" in s for s in drawn)
    assert "A1" in drawn and "东城街道" in drawn


def test_same_membership_same_colour_touching_zones_differ():
    """Five townships on a line a-b-c-d-e.  Zoning one: {a,b} {c,d,e}; two: {a,b} {c} {d,e}
    with other ids.  {a,b} keeps its colour; touching zones differ; {c,d,e} (one) avoids the
    colours of {c} and {d,e} (two) that it overlaps."""
    inp = ZoningInput.from_coordinates(list("abcde"), None, ["k"] * 5, [0] * 5, [0, .1, .2, .3, .4])
    one = pd.DataFrame({"township_id": list("abcde"), "zone": ["P", "P", "Q", "Q", "Q"]})
    two = pd.DataFrame({"township_id": list("abcde"), "zone": ["X", "X", "Y", "W", "W"]})
    c = zone_colors(inp, {"one": one, "two": two})
    assert c["one"]["P"] == c["two"]["X"]
    assert c["one"]["P"] != c["one"]["Q"]
    assert len({c["two"]["X"], c["two"]["Y"], c["two"]["W"]}) == 3
    assert c["one"]["Q"] not in {c["two"]["Y"], c["two"]["W"]}
    assert c == zone_colors(inp, {"one": one, "two": two})  # deterministic
    assert set(c["one"].values()) | set(c["two"].values()) <= set(PALETTE)


def test_zones_of_one_county_map_get_distinct_colours_while_the_palette_lasts():
    """A line of 30 townships in pairs: 15 zones for 14 colours.  In county "k" the 14 first
    zones all differ; the 15th repeats one but not its neighbour's.  County "m" (a copy far
    away) reuses the colours: they are different maps."""
    n = 30
    ids = [f"k{i:02d}" for i in range(n)] + [f"m{i:02d}" for i in range(n)]
    inp = ZoningInput.from_coordinates(ids, None, ["k"] * n + ["m"] * n, [0] * 2 * n,
                                       [i * 0.1 for i in range(n)] + [50 + i * 0.1 for i in range(n)])
    zones = pd.DataFrame({"township_id": ids, "zone": [f"{t[0]}Z{int(t[1:]) // 2:02d}" for t in ids]})
    c = zone_colors(inp, {"x": zones})["x"]
    k = [c[f"kZ{j:02d}"] for j in range(15)]
    assert len(set(k[:14])) == 14 and len(set(k)) == 14
    assert all(a != b for a, b in zip(k, k[1:]))
    assert set(c[f"mZ{j:02d}"] for j in range(15)) == set(k)


def test_compare_maps_draw_each_township_in_its_zones_colour(sheets):
    inp = zh_input(counties=("昌乐县",))
    first = zoned(inp)
    second = first.copy()
    second["zone"] = second["zone"].map(lambda z: z.replace("Z", "Q"))  # same zones, new ids
    t0, t1 = first["township_id"].iloc[0], first["township_id"].iloc[1]
    second.loc[second["township_id"].isin([t0, t1]), "zone"] = "新协作区"  # and one changed zone
    colors = zone_colors(inp, {"a": first, "b": second})
    zoning_map_files(inp, first, stem="a", colors=colors["a"], lang="zh")
    zoning_map_files(inp, second, stem="b", colors=colors["b"], lang="zh")
    drawn = []
    for sheet, zones in zip(sheets, (first, second)):
        fills = next(c for c in sheet.ax.collections if isinstance(c, PatchCollection))
        drawn.append([to_hex(f, keep_alpha=False) for f in fills.get_facecolors()])
        want = [colors["a" if zones is first else "b"][z] for z in zones["zone"]]
        assert drawn[-1] == want
    same = ~first["township_id"].isin([t0, t1]) & first["zone"].map(first["zone"].value_counts()).gt(0)
    kept = [i for i in np.flatnonzero(same) if set(first.loc[first["zone"] == first["zone"].iloc[i], "township_id"])
            .isdisjoint({t0, t1})]
    assert kept and all(drawn[0][i] == drawn[1][i] for i in kept)


def test_one_map_per_county_and_an_index(sheets):
    inp = zh_input(counties=("隰县", "黟县", "嵊泗县"))
    files = zoning_map_files(inp, zoned(inp), stem="map_current", title="样例市", lang="zh")
    assert list(files) == ["map_current.png", "map_current_嵊泗县.png", "map_current_隰县.png", "map_current_黟县.png"]
    assert all(v.startswith(PNG) for v in files.values())
    assert [s.title for s in sheets] == ["样例市", "嵊泗县", "隰县", "黟县"]
    one = zh_input(counties=("隰县",))
    assert list(zoning_map_files(one, zoned(one), stem="map")) == ["map.png"]
    assert map_file_name("map", "A/B county: 1") == "map_A_B_county_1.png"


def test_same_input_gives_the_same_png():
    inp = zh_input(counties=("黟县",))
    zones = zoned(inp)
    assert zoning_map_png(inp, zones, lang="en") == zoning_map_png(inp, zones, lang="en")


def test_voronoi_gives_one_polygon_per_township_inside_its_county():
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(0, 40, 25), rng.uniform(60, 90, 12), [200.0]])
    y = np.concatenate([rng.uniform(0, 40, 25), rng.uniform(0, 30, 12), [0.0]])
    county = ["A"] * 25 + ["B"] * 12 + ["island"]
    x[5], y[5] = x[4], y[4]  # two seats at one place still get a cell each
    cells = voronoi_cells(x, y, county)
    regions = county_regions(x, y, county)
    hull_a = shapely.multipoints(np.column_stack([x[:25], y[:25]])).convex_hull
    assert len(cells) == len(x)
    for i, cell in enumerate(cells):
        assert cell.geom_type == "Polygon" and cell.area > 0
        assert cell.covers(shapely.Point(x[i], y[i])) or i == 5
        assert cell.difference(regions[county[i]]).area < 1e-9
    assert shapely.union_all(cells[:25]).covers(hull_a)  # the county's hull is all covered
    total = sum(c.area for c in cells)
    assert total == pytest.approx(shapely.union_all(cells).area, rel=1e-9)  # no overlaps
    radii = np.hypot(*(np.asarray(cells[-1].exterior.coords) - [200.0, 0.0]).T)
    assert radii.min() == pytest.approx(radii.max()) and radii.min() >= 1.0  # a lone seat: a disc around it


def grid_folder(tmp: Path, props=lambda k, tid: {"township_id": tid}) -> tuple[Path, dict]:
    """Townships on a 3 x 3 grid of 0.05 degree squares plus one island square far east."""
    d = 0.05
    feats, rows, cells = [], [], {}
    for r in range(3):
        for c in range(3):
            cells[f"G{r}{c}"] = (110 + c * d, 30 + r * d)
    cells["ISL"] = (110.4, 30.0)
    for k, (tid, (x0, y0)) in enumerate(cells.items()):
        ring = [[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]
        feats.append({"type": "Feature", "properties": props(k, tid), "geometry": {"type": "Polygon", "coordinates": [ring]}})
        rows.append({"township_id": tid, "name": f"{tid}镇", "county": "方格县", "lat": y0 + d / 2, "lon": x0 + d / 2,
                     "villages": 5, "zone": ""})
    tmp.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(tmp / "townships.csv", index=False)
    doc = {"type": "FeatureCollection", "features": feats}
    (tmp / "boundaries.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return tmp, doc


def true_grid_edges() -> set[tuple[str, str]]:
    out = set()
    for r in range(3):
        for c in range(3):
            if c < 2:
                out.add((f"G{r}{c}", f"G{r}{c + 1}"))
            if r < 2:
                out.add((f"G{r}{c}", f"G{r + 1}{c}"))
    return out


def test_geojson_adjacency_is_the_shared_border_graph(tmp_path, sheets):
    folder, _ = grid_folder(tmp_path / "d")
    tables = zoneplan.load(folder, require=("townships",))
    assert tables.boundaries is not None and "boundaries" in tables.sources
    inp = zoning_input(tables, with_roster=False)
    got = {tuple(sorted((inp.township_ids[a], inp.township_ids[b]))) for a, b in inp.edges}
    assert got == true_grid_edges()  # 12 rook pairs; corners (G00-G11) and the island share no border
    zones = pd.DataFrame({"township_id": inp.township_ids, "zone": ["Z1", "Z1", "Z2", "Z3", "Z3", "Z2", "Z4", "Z4",
                                                                   "Z4", ""]})
    png = zoning_map_png(inp, zones, lang="zh", boundaries=tables.boundaries)
    assert png.startswith(PNG)
    sheet = sheets[-1]
    fills = next(c for c in sheet.ax.collections if isinstance(c, PatchCollection))
    assert len(fills.get_paths()) == 10  # the island is drawn too
    assert "boundaries.geojson" in sheet.caption
    assert any("ISL镇" == t.get_text() for t in texts_of(sheet))


def test_shared_border_needs_length_not_a_corner():
    """Squares of 0.01 degree (about 1 km): 0-1 share an edge; 1-2 touch at a corner only;
    3 lies 30 m above 0 (a digitising gap, bridged); 4 lies 170 m below 0 (not bridged)."""
    sq = lambda x, y: shapely.box(x, y, x + 0.01, y + 0.01)  # noqa: E731
    polys = [sq(0, 0), sq(0.01, 0), sq(0.02, 0.01), sq(0, 0.01027), sq(0, -0.0115)]
    assert shared_border_edges(polys) == [(0, 1), (0, 3)]


def bad(tmp_path, mutate, townships=None) -> str:
    folder, doc = grid_folder(tmp_path / "bad")
    mutate(doc)
    (folder / "boundaries.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tw = pd.read_csv(folder / "townships.csv", dtype=str) if townships is None else townships
    tw["lat"] = tw["lat"].astype(float)
    tw["lon"] = tw["lon"].astype(float)
    with pytest.raises(InputError) as err:
        read_boundaries(folder / "boundaries.geojson", tw)
    return str(err.value)


def test_boundaries_problems_name_file_feature_property_and_expectation(tmp_path):
    def no_key(doc):
        doc["features"][2]["properties"] = {"名字": "G02"}

    msg = bad(tmp_path, no_key)
    assert "boundaries.geojson, features[2].properties" in msg and "township_id" in msg
    msg = bad(tmp_path, lambda d: d["features"][4].update(geometry={"type": "Point", "coordinates": [110, 30]}))
    assert "features[4].geometry: got 'Point'; expected a Polygon or MultiPolygon geometry" in msg

    def metres(doc):
        doc["features"][1]["geometry"]["coordinates"][0][0] = [500000.0, 3300000.0]

    msg = bad(tmp_path, metres)
    assert "features[1].geometry.coordinates" in msg and "EPSG:4326" in msg

    def swapped(doc):
        for f in doc["features"]:
            f["geometry"]["coordinates"] = [[[y, x] for x, y in f["geometry"]["coordinates"][0]]]

    msg = bad(tmp_path, swapped)
    assert "features[0].geometry.coordinates: got '[30, 110]'" in msg and "looks swapped" in msg

    def elsewhere(doc):
        for f in doc["features"]:
            f["geometry"]["coordinates"] = [[[x + 3, y] for x, y in f["geometry"]["coordinates"][0]]]

    # 3 degrees east at latitude 30: 288.8 km between seats, 2.4 km less to the square's edge
    assert "the median seat lies 286 km from its polygon" in bad(tmp_path, elsewhere)

    def missing(doc):
        doc["features"][3]["properties"] = {"name": "不存在镇"}

    msg = bad(tmp_path, missing)
    assert "none for G10 (G10镇)" in msg and "name=不存在镇" in msg
    msg = bad(tmp_path, lambda d: d.update(type="Feature"))
    assert "FeatureCollection" in msg

    def ambiguous(doc):
        doc["features"][0]["properties"] = {"name": "同名镇"}

    tw = pd.read_csv(tmp_path / "bad" / "townships.csv", dtype=str)
    tw.loc[[0, 1], "name"] = "同名镇"
    msg = bad(tmp_path, ambiguous, tw)
    assert "features[0].properties.name: got '同名镇'" in msg and "G00, G01" in msg


def test_boundaries_by_name_with_county_and_province_extras(tmp_path):
    """Features found by Chinese name (+ county); an extra feature of another county is ignored."""
    folder, doc = grid_folder(tmp_path / "n", props=lambda k, tid: {"乡镇名称": f"{tid}镇", "县": "方格县"})
    doc["features"].append({"type": "Feature", "properties": {"乡镇名称": "G00镇", "县": "别的县"},
                            "geometry": {"type": "Polygon", "coordinates": [[[100, 20], [100.1, 20], [100.1, 20.1],
                                                                             [100, 20]]]}})
    (folder / "boundaries.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tables = zoneplan.load(folder, require=("townships",))
    assert sorted(tables.boundaries.shapes) == sorted(tables.townships["township_id"])
    assert tables.boundaries.unmatched == ("乡镇名称=G00镇",)  # the other county's feature, ignored
    assert tables.boundaries.shapes["G00"].bounds[0] == pytest.approx(110.0)


def test_bad_boundaries_file_is_an_input_error_from_the_cli(tmp_path):
    from typer.testing import CliRunner

    from zoneplan.cli import app

    folder, _ = grid_folder(tmp_path / "cli")
    (folder / "boundaries.geojson").write_text('{"type": "FeatureCollection",\n "features": [}', encoding="utf-8")
    (folder / "investigators.csv").write_text("investigator_id,township_id\n", encoding="utf-8")
    (folder / "cases.csv").write_text("case_id,township_id\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", str(folder), str(tmp_path / "no-zoning"), "--no-staffing"])
    assert res.exit_code == 2, res.output
    assert "boundaries.geojson" in res.output and "valid JSON (line 2, column 15" in res.output


def test_assignment_map_of_the_example_plan(sheets):
    tables = zoneplan.load(EXAMPLES / "county")
    result = zoneplan.staff(tables)
    plan = result.assignments
    png = assignment_map_png(tables, plan, lang="zh")
    assert png.startswith(PNG)
    sheet = sheets[-1]
    posted = dict(zip(tables.investigators["investigator_id"], tables.investigators["township_id"]))
    level = dict(zip(tables.investigators["investigator_id"], tables.investigators["level"]))
    where = dict(zip(tables.cases["case_id"], tables.cases["township_id"]))
    flows = pd.Series([(posted[p], where[c], level[p]) for c, p in zip(plan["case_id"], plan["investigator_id"])
                       if posted[p] != where[c]]).value_counts()
    arrows = [a for a in sheet.ax.patches if isinstance(a, FancyArrowPatch)]
    assert len(arrows) == len(flows)
    county = [a for a in arrows if to_hex(a.get_edgecolor(), keep_alpha=False) == COUNTY_COLOR]
    assert len(county) == sum(1 for k in flows.index if k[2] == "county") > 0
    assert all(a.get_linestyle() != "solid" for a in county)
    assert len(arrows) - len(county) == sum(1 for a in arrows if to_hex(a.get_edgecolor(), keep_alpha=False)
                                            == TOWNSHIP_COLOR)
    widths = sorted(a.get_linewidth() for a in arrows)
    assert widths[-1] > widths[0]  # wider for more people
    legend = " ".join(t.get_text() for t in texts_of(sheet))
    assert all(c in legend for c in tables.cases["case_id"])  # every case listed with its team's origins
    with pytest.raises(ValueError, match="unknown investigator"):
        assignment_map_png(tables, pd.DataFrame({"case_id": ["K01"], "investigator_id": ["nobody"]}))


def test_cli_zone_and_compare_write_county_maps_and_an_index(tmp_path):
    from typer.testing import CliRunner

    from zoneplan.cli import app
    from zoneplan.synth import generate, write

    data = tmp_path / "data"
    write(generate({"base": "county", "counties": 2, "townships": 22, "cases": 10}, seed=2), data)
    runner = CliRunner()
    res = runner.invoke(app, ["zone", str(data), "--out", str(tmp_path / "Z"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    maps = {"map.png", "map_Changqing_County.png", "map_Linyi_County.png"}
    assert {p.name for p in (tmp_path / "Z").iterdir()} == {"zones.csv", "report.json"} | maps
    res = runner.invoke(app, ["compare", str(data), str(tmp_path / "Z"), "--no-staffing", "--out", str(tmp_path / "C"),
                              "--lang", "en"])
    assert res.exit_code == 0, res.output
    names = {p.name for p in (tmp_path / "C").iterdir()}
    assert {"map_current.png", "map_current_Linyi_County.png", "map_Z.png", "map_Z_Linyi_County.png"} <= names
    assert all((tmp_path / "C" / n).read_bytes().startswith(PNG) for n in names if n.endswith(".png"))
    res = runner.invoke(app, ["zone", str(data), "--out", str(tmp_path / "X"), "--lang", "fr"])
    assert res.exit_code == 2 and "zh or en" in res.output
