"""The web desk end to end in a real headless Chromium, against ``zoneplan serve`` on 127.0.0.1.

1. The planner's round trip: upload a workbook with a mistake, read the located message, fix
   it, upload again, staff, read a team by name, download plan.xlsx and check it.
2. Zoning on the map: move a township into a full zone (the rule refusal shows on the map),
   move it back, add a what-if, run the zoning, compare it with the current zones, staff
   under it.

Needs Debian's ``chromium`` and ``chromium-driver``; skipped without them, except in CI
(``CI`` set), where a missing browser fails the run.  ``ZONEPLAN_SCREENSHOTS=DIR`` keeps a
screenshot of every page visited.
"""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

import zoneplan

from webdesk import COUNTY, chrome, county_workbook, need_browser, quit_chrome, server, shot, wait_until


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    need_browser()
    root = tmp_path_factory.mktemp("desk")
    with server(root / "state") as url:
        yield url, root


@pytest.fixture
def browser(desk):
    d = chrome(download_dir=desk[1] / "downloads")
    yield d
    quit_chrome(d)


def _by(css):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def _job_done(d):
    st = d.find_elements(*_by("#job-status"))
    return st and st[0].get_attribute("data-status") in ("done", "failed", "cancelled") and st[0]


def _no_alert(d) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # noqa: B018


def test_round_trip_upload_fix_staff_read_download(desk, browser, tmp_path):
    url, root = desk
    d = browser
    d.get(url + "/")
    wait_until(lambda: "/s/" in d.current_url)
    space = d.current_url.rstrip("/")
    shot(d, "01-overview")

    def evil(frames):  # a name that must stay text, and a typing mistake on line 4 of the cases sheet
        inv = frames["investigators"]
        inv.loc[inv["investigator_id"] == "I002", "name"] = "<script>alert(1)</script>{{ 7*7 }}"
        frames["cases"].loc[2, "team_size"] = "两到三人"

    bad = county_workbook(tmp_path / "恒平县-有误.xlsx", evil)
    d.get(space + "/data")
    d.find_element(*_by("input[type=file]")).send_keys(str(bad))
    d.find_element(*_by("form.upload button")).click()
    box = wait_until(lambda: d.find_elements(*_by("#upload-result")))[0]
    text = box.text
    shot(d, "02-upload-mistake")
    assert "未通过检查" in text and "未保存" in text
    assert "[cases]" in text and "第 4 行" in text and "E 列" in text and "两到三人" in text, text

    def fixed(frames):
        inv = frames["investigators"]
        inv.loc[inv["investigator_id"] == "I002", "name"] = "<script>alert(1)</script>{{ 7*7 }}"

    good = county_workbook(tmp_path / "恒平县.xlsx", fixed)
    d.find_element(*_by("input[type=file]")).send_keys(str(good))
    d.find_element(*_by("form.upload button")).click()
    box = wait_until(lambda: [b for b in d.find_elements(*_by("#upload-result")) if "已通过检查" in b.text])[0]
    shot(d, "03-upload-ok")
    assert "20" in box.text  # cases

    d.get(space + "/staff")
    shot(d, "04-staff-form")
    d.find_element(*_by("#staff-run")).click()
    wait_until(lambda: "/jobs/" in d.current_url)
    job_url = d.current_url
    d.get(space + "/data")  # leave the page while the job runs, then come back: the job is still there
    d.get(job_url)
    wait_until(lambda: _job_done(d) and d.find_elements(*_by("#teams")), timeout=180)
    assert _job_done(d).get_attribute("data-status") == "done"
    shot(d, "05-plan")

    # the team of every case, by name, as the CLI's plan has it for the same data
    tables = zoneplan.load(good)
    result = zoneplan.staff(tables)
    names = dict(zip(tables.investigators["investigator_id"], tables.investigators["name"]))
    a = result.assignments
    case = "K01"
    want = {names[i] for i in a.loc[a["case_id"] == case, "investigator_id"]}
    row = d.find_element(*_by(f"#teams tr[data-case='{case}']"))
    shown = {p.text for p in row.find_elements(*_by(".person .pname"))}
    assert shown == want, (shown, want)
    lead = names[a.loc[(a["case_id"] == case) & (a["role"] == "lead"), "investigator_id"].iloc[0]]
    assert row.find_element(*_by(".person.lead .pname")).text == lead
    assert d.find_element(*_by("#staffed-count")).text == f"{result.staffed_cases} / 20"
    # the <script> name is text on the page, nothing ran
    assert "<script>alert(1)</script>{{ 7*7 }}" in d.find_element(*_by("#workload")).get_attribute("textContent")
    _no_alert(d)

    # explain by picking names
    from selenium.webdriver.support.ui import Select

    Select(d.find_element(*_by("#explain-person"))).select_by_value("I003")
    Select(d.find_element(*_by("#explain-case"))).select_by_value("K01")
    d.find_element(*_by("#explain-form button")).click()
    res = wait_until(lambda: [e for e in d.find_elements(*_by("#explain-result")) if e.text.strip()])[0]
    assert "结论" in res.text and "K01" in res.text

    # download plan.xlsx through the browser and read it
    d.find_element(*_by("#dl-plan-xlsx")).click()
    dl = root / "downloads"
    got = wait_until(lambda: [p for p in dl.glob("*.xlsx") if not p.name.endswith(".crdownload")] if dl.exists()
                     else None, timeout=60)[0]
    wait_until(lambda: zipfile.is_zipfile(got))
    book = pd.read_excel(got, sheet_name=None)
    teams = next(df for name, df in book.items() if "办案组" in name)
    assert set(teams.astype(str).stack()) >= want
    shot(d, "06-after-download")
    import httpx  # the printable plan as PDF, printed on the server by its Chromium

    pdf = httpx.get(d.find_element(*_by("#dl-plan-pdf")).get_attribute("href"), timeout=180)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 20_000

    # publish, then re-plan with one person dropped out: the diff names who moved and why
    d.find_element(*_by("#publish")).click()
    d.switch_to.alert.accept()
    wait_until(lambda: d.find_elements(*_by(".badge.pub")))
    gone = a.loc[a["case_id"] == case, "investigator_id"].iloc[0]
    d.get(space + "/replan")
    d.find_element(*_by(f"input[name=dropout][value='{gone}']")).click()
    shot(d, "07-replan-form")
    d.find_element(*_by("#replan-run")).click()
    wait_until(lambda: "/jobs/" in d.current_url)
    wait_until(lambda: _job_done(d) and d.find_elements(*_by("#changes")), timeout=180)
    changes = d.find_element(*_by("#changes")).text
    assert names[gone] in changes and "移出" in changes
    shot(d, "08-replan-diff")
    _no_alert(d)


def test_zoning_on_the_map_refuse_run_compare_staff(desk, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    url, _ = desk
    d = browser
    d.get(url + "/")
    wait_until(lambda: "/s/" in d.current_url)
    space = d.current_url.rstrip("/")
    d.get(space + "/zoning")
    wait_until(lambda: len(d.find_elements(*_by("path[data-tid]"))) == 16)
    shot(d, "10-zoning-map")

    def click_town(tid):
        el = d.find_element(*_by(f"path[data-tid='{tid}']"))
        ActionChains(d).move_to_element(el).click().perform()
        wait_until(lambda: tid in d.find_element(*_by("#selected")).text)

    tw = pd.read_csv(COUNTY / "townships.csv", dtype=str)
    zone_of = dict(zip(tw["township_id"], tw["zone"]))
    adj = pd.read_csv(COUNTY / "adjacency.csv", dtype=str)
    size = tw["zone"].value_counts()
    # a township next to a zone that already has 3 townships: moving it there breaks the size rule
    a, full = next((r.a, zone_of[r.b]) for r in adj.itertuples() if zone_of[r.a] != zone_of[r.b]
                   and size[zone_of[r.b]] == 3)
    click_town(a)
    Select(d.find_element(*_by("#move-to"))).select_by_value(full)
    d.find_element(*_by("#move")).click()
    problems = wait_until(lambda: [p for p in d.find_elements(*_by("#problems li.bad")) if "多于上限" in p.text])
    assert full in problems[0].text
    assert not d.find_element(*_by("#save")).is_enabled()  # refused: the draft breaks a rule
    assert d.find_elements(*_by(".tlabel.bad"))  # the reason is on the map
    shot(d, "11-zoning-refused")
    Select(d.find_element(*_by("#move-to"))).select_by_value(zone_of[a])
    d.find_element(*_by("#move")).click()
    wait_until(lambda: d.find_elements(*_by("#problems li.ok")))

    # a what-if: two neighbours of different zones together; then run the exact zoning
    b = next(r.b for r in adj.itertuples() if r.a == a and zone_of[r.b] != zone_of[a])
    click_town(a)
    d.find_element(*_by("#together")).click()
    click_town(b)
    assert "在同一协作区" in d.find_element(*_by("#whatifs")).text
    d.find_element(*_by("#name")).send_keys("试算方案")
    d.find_element(*_by("#run")).click()
    wait_until(lambda: "/jobs/" in d.current_url)
    wait_until(lambda: _job_done(d) and d.find_elements(*_by("#open-proposal")), timeout=180)
    shot(d, "12-zoning-solved")
    d.find_element(*_by("#open-proposal")).click()
    wait_until(lambda: len(d.find_elements(*_by("path[data-tid]"))) == 16)
    # the solved zoning keeps the what-if
    click_town(a)
    za = d.find_element(*_by("#selected")).text
    click_town(b)
    zb = d.find_element(*_by("#selected")).text
    assert za.split("所在协作区：")[1].split("；")[0] == zb.split("所在协作区：")[1].split("；")[0]

    # compare the current zoning with the solved one, then staff under the solved one
    d.find_element(*_by("#compare-run")).click()
    wait_until(lambda: "/jobs/" in d.current_url)
    wait_until(lambda: _job_done(d) and d.find_elements(*_by("#measures")), timeout=240)
    wait_until(lambda: len(d.find_elements(*_by(".minimap path"))) >= 32)
    measures = d.find_element(*_by("#measures")).text
    assert "试算方案" in measures and "现行协作区" in measures and "已组队线索" in measures
    shot(d, "13-compare")
    d.find_element(*_by("button.staff-under:not([data-zoning='current'])")).click()
    wait_until(lambda: d.find_elements(*_by("#staff-run")))
    assert "试算方案" in Select(d.find_element(*_by("#zoning-select"))).first_selected_option.text
    d.find_element(*_by("#staff-run")).click()
    wait_until(lambda: "/jobs/" in d.current_url)
    wait_until(lambda: _job_done(d) and d.find_elements(*_by("#teams")), timeout=180)
    assert "试算方案" in d.find_element(*_by("main")).text
    shot(d, "14-staffed-under-proposal")
    _no_alert(d)
