"""The desk's security promises, route by route (in-process, accounts mode, real job processes).

* county scoping: an account of county 甲县 reaches none of county 乙县's workspace, data,
  datasets, zonings, jobs, plan files, explanations or audit lines, by any route of the
  application (the routes are enumerated from the app itself), and a prefecture account
  sees its own counties only;
* CSRF: every state-changing route refuses a request without the session's token (or with
  a wrong one, or from another site);
* names such as ``<script>`` and ``{{ }}`` render as inert text;
* uploads: oversized, zip bombs, a 1,000,000-row sheet, malformed files and path tricks are
  refused with nothing kept;
* logins are rate-limited; the audit log records each action and is append-only.
"""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import time
import warnings
import zipfile
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)

from starlette.testclient import TestClient  # noqa: E402

from zoneplan.web.app import create_app  # noqa: E402
from zoneplan.web.auth import create_account  # noqa: E402
from zoneplan.web.config import DeskConfig  # noqa: E402
from zoneplan.web.db import verify_audit  # noqa: E402
from zoneplan.web.uploads import Limits  # noqa: E402

from webdesk import COUNTY, county_workbook, wait_until  # noqa: E402

PASSWORD = "correct horse battery"
BASE = "http://127.0.0.1:8000"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


class User:
    """A logged-in browser session of one account."""

    def __init__(self, app, username: str, password: str = PASSWORD):
        self.client = TestClient(app, base_url=BASE)  # no lifespan: the fixture's client runs the job manager
        r = self.client.get("/login")
        r = self.client.post("/login", data={"csrf": _csrf(r.text), "username": username, "password": password},
                             follow_redirects=False)
        assert r.status_code == 303, r.text
        self.csrf = _csrf(self.client.get("/?all=1").text)

    def get(self, url, **kw):
        return self.client.get(url, follow_redirects=False, **kw)

    def post(self, url, data=None, files=None, token=True, **kw):
        data = dict(data or {})
        if token:
            data["csrf"] = self.csrf
        return self.client.post(url, data=data, files=files, follow_redirects=False, **kw)

    def post_json(self, url, body, token=True):
        headers = {"X-CSRF-Token": self.csrf} if token else {}
        return self.client.post(url, json=body, headers=headers, follow_redirects=False)

    def close(self):
        self.client.close()


def _wait_job(user: User, url: str) -> str:
    def done():
        r = user.get(url + "/status")
        m = re.search(r'data-status="(\w+)"', r.text)
        return m and m.group(1) in ("done", "failed", "cancelled") and m.group(1)

    return wait_until(done, timeout=180)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-security")
    cfg = DeskConfig(state=root / "state", db_path=root / "state" / "desk.sqlite", accounts=True, slots=2,
                     limits=Limits(max_bytes=4 * 1024 * 1024, max_unpacked=64 * 1024 * 1024))
    app = create_app(cfg)
    desk = app.state.desk
    a = desk.seed(COUNTY, "甲县")
    b = desk.seed(COUNTY, "乙县")
    desk.db.run("INSERT INTO spaces(id, name, kind, parent, created) VALUES ('pref01', '青山市', 'prefecture', NULL, '')")
    desk.db.run("UPDATE spaces SET parent = 'pref01' WHERE id = ?", a)
    create_account(desk.db, "alice", PASSWORD, space=a)
    create_account(desk.db, "bob", PASSWORD, space=b)
    create_account(desk.db, "carol", PASSWORD, space="pref01")
    create_account(desk.db, "admin", PASSWORD, is_admin=True)
    create_account(desk.db, "dave", PASSWORD, space=a)  # for the rate limit
    with TestClient(app, base_url=BASE):  # the lifespan: job manager running
        bob = User(app, "bob")
        # county B's artefacts: an upload, a job with its plan, a publication, a zoning, a download
        book = county_workbook(root / "乙县.xlsx")
        r = bob.post(f"/s/{b}/upload", files={"file": ("乙县.xlsx", book.read_bytes())})
        assert r.status_code == 200 and "已通过检查" in r.text
        r = bob.post(f"/s/{b}/staff")
        job = r.headers["location"]
        assert _wait_job(bob, job) == "done"
        assert bob.post(job + "/publish").status_code == 303
        assert bob.get(job + "/files/plan.xlsx").status_code == 200
        ds = desk.db.one("SELECT dataset FROM spaces WHERE id = ?", b)["dataset"]
        tw = COUNTY / "townships.csv"
        import pandas as pd

        zones = dict(pd.read_csv(tw, dtype=str)[["township_id", "zone"]].values)
        r = bob.post_json(f"/s/{b}/zonings", {"name": "乙县方案", "zones": zones, "min_size": 2, "max_size": 3})
        assert r.status_code == 200, r.text
        world = {"app": app, "desk": desk, "a": a, "b": b, "root": root, "bob": bob, "job_b": job.rsplit("/", 1)[1],
                 "zoning_b": r.json()["id"], "dataset_b": ds, "book": book}
        yield world
        bob.close()


def _fill(path: str, w: dict, sid: str) -> str:
    return (path.replace("{sid}", sid).replace("{jid}", w["job_b"]).replace("{zid}", w["zoning_b"])
            .replace("{did}", w["dataset_b"]).replace("{name}", "plan.xlsx"))


def _routes(app):
    out = []
    for r in app.routes:
        methods = getattr(r, "methods", None)
        if methods is None:
            continue
        for m in sorted(methods - {"HEAD"}):
            out.append((m, r.path))
    return out


def test_every_route_refuses_another_county(world):
    app, b = world["app"], world["b"]
    alice = User(app, "alice")
    try:
        checked = 0
        for method, path in _routes(app):
            if "{sid}" not in path and not path.startswith("/admin"):
                continue
            url = _fill(path, world, b)
            if method == "GET":
                r = alice.get(url)
            elif path.endswith(("/check", "/zonings", "/run")):
                r = alice.post_json(url, {"zones": {}, "min_size": 2, "max_size": 3})
            else:
                r = alice.post(url, {"zoning": ["current", world["zoning_b"]], "dropout": ["I001"]})
            assert r.status_code == 404, (method, url, r.status_code)
            assert "乙县" not in r.text and world["job_b"] not in r.text, (method, url)
            checked += 1
        assert checked >= 25
        # and her own county opens
        assert alice.get(f"/s/{world['a']}").status_code == 200
        assert "乙县" not in alice.get("/?all=1").text
    finally:
        alice.close()


def test_prefecture_sees_its_counties_only(world):
    carol = User(world["app"], "carol")
    try:
        assert carol.get(f"/s/{world['a']}").status_code == 200
        assert carol.get(f"/s/{world['b']}").status_code == 404
        assert carol.get(f"/s/{world['b']}/jobs/{world['job_b']}/files/plan.xlsx").status_code == 404
        home = carol.get("/?all=1").text
        assert "甲县" in home and "乙县" not in home
    finally:
        carol.close()


def test_not_logged_in_reaches_nothing(world):
    c = TestClient(world["app"], base_url=BASE)
    if True:
        for method, path in _routes(world["app"]):
            if method != "GET" or path in ("/login", "/healthz") or path.startswith("/static"):
                continue
            r = c.get(_fill(path, world, world["b"]), follow_redirects=False)
            assert r.status_code in (303, 404), (path, r.status_code)
            assert "乙县" not in r.text


def test_every_state_changing_route_needs_the_csrf_token(world):
    app, b = world["app"], world["b"]
    bob = world["bob"]
    posts = [(m, p) for m, p in _routes(app) if m != "GET"]
    assert len(posts) >= 12
    for method, path in posts:
        url = _fill(path, world, b)
        for headers, data in (({}, {}), ({"X-CSRF-Token": "forged"}, {"csrf": "forged"})):
            r = bob.client.request(method, url, data=data, headers=headers, follow_redirects=False)
            assert r.status_code == 403, (url, r.status_code)
        r = bob.client.post(url, json={}, follow_redirects=False)
        assert r.status_code == 403, (url, "json without token")
    # a cross-site form post is refused even with a token
    r = bob.client.post(f"/s/{b}/staff", data={"csrf": bob.csrf}, headers={"Origin": "http://evil.example"},
                        follow_redirects=False)
    assert r.status_code == 403
    assert world["desk"].db.one("SELECT COUNT(*) AS n FROM jobs WHERE space = ?", b)["n"] == 1


def test_script_names_render_as_text(world):
    bob, b = world["bob"], world["b"]

    def evil(frames):
        inv = frames["investigators"]
        inv.loc[inv["investigator_id"] == "I001", "name"] = "<script>alert(1)</script>"
        inv.loc[inv["investigator_id"] == "I002", "name"] = "{{ 7*7 }}{% if 1 %}x{% endif %}"
        tw = frames["townships"]
        tw.loc[tw["township_id"] == "T02", "name"] = "<img src=x onerror=alert(2)>镇"

    book = county_workbook(world["root"] / "evil.xlsx", evil)
    r = bob.post(f"/s/{b}/upload", files={"file": ("<b>乙县</b>.xlsx", book.read_bytes())})
    assert r.status_code == 200 and "已通过检查" in r.text
    job = bob.post(f"/s/{b}/staff").headers["location"]
    assert _wait_job(bob, job) == "done"
    pages = [bob.get(job).text, bob.get(f"/s/{b}/data").text, bob.get(f"/s/{b}/replan").text,
             bob.get(job + "/explain", params={"person": "I001", "case": "K01"}).text,
             bob.get(f"/s/{b}/audit").text, bob.get(f"/s/{b}").text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>乙县" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "{{ 7*7 }}{% if 1 %}x{% endif %}" in pages[0]  # not evaluated: data are never templates
    assert "&lt;img src=x onerror=alert(2)&gt;镇" in pages[0]
    m = bob.get(f"/s/{b}/datasets/{world['desk'].db.one('SELECT dataset FROM spaces WHERE id = ?', b)['dataset']}"
                "/map.json")
    assert m.headers["content-type"].startswith("application/json")
    assert "<img src=x onerror=alert(2)>镇" in {t["name"] for t in m.json()["townships"]}  # JSON; the map sets text
    csp = bob.get(job).headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    # back to the plain data for the other tests
    assert bob.post(f"/s/{b}/upload", files={"file": ("乙县.xlsx", world["book"].read_bytes())}).status_code == 200


def _datasets(world) -> list[str]:
    d = world["root"] / "state" / "spaces" / world["b"] / "datasets"
    return sorted(p.name for p in d.iterdir())


def _zip(entries: dict[str, bytes], level=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as z:
        for n, data in entries.items():
            z.writestr(n, data)
    return buf.getvalue()


def _million_row_xlsx() -> bytes:
    rows = b"".join(b'<row r="%d"/>' % i for i in range(1, 1_000_001))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    wb = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          + '<sheet name="干部花名册" sheetId="1" r:id="rId1"/>'.encode() + b"</sheets></workbook>")
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels,
                 "xl/worksheets/sheet1.xml": sheet})


@pytest.mark.parametrize("name, make, status, words", [
    ("big.xlsx", lambda: b"PK" + b"0" * (5 * 1024 * 1024), 413, "超过上限"),
    ("bomb.zip", lambda: _zip({"townships.csv": b"0" * (100 * 1024 * 1024)}), 422, "超过上限"),
    ("ratio.zip", lambda: _zip({"cases.csv": b"0" * (30 * 1024 * 1024)}), 422, "压缩比异常"),
    ("rows.xlsx", _million_row_xlsx, 422, "超过 200,000 行"),
    ("garbage.xlsx", lambda: b"this is not a workbook" * 100, 422, "不是有效的"),
    ("notes.docx", lambda: b"PK\x03\x04whatever", 422, "类型不受支持"),
    ("empty.zip", lambda: _zip({"readme.md": b"hello"}), 422, "没有 CSV"),
    ("traversal.zip", lambda: _zip({"../../../../../tmp/zp-evil/townships.csv": b"township_id,name\nT1,a\n"}), 422,
     "未通过检查"),
    ("wps.et", lambda: b"\xd0\xcf\x11\xe0 wps", 422, "另存为"),
])
def test_bad_uploads_are_refused_and_nothing_is_kept(world, name, make, status, words):
    bob, b = world["bob"], world["b"]
    before = _datasets(world)
    current = world["desk"].db.one("SELECT dataset FROM spaces WHERE id = ?", b)["dataset"]
    data = make()
    r = bob.post(f"/s/{b}/upload", files={"file": (name, data)})
    assert r.status_code == status, (name, r.status_code, r.text[-500:])
    assert words in r.text, (name, r.text[-800:])
    assert _datasets(world) == before
    assert world["desk"].db.one("SELECT dataset FROM spaces WHERE id = ?", b)["dataset"] == current
    assert not Path("/tmp/zp-evil").exists()
    if status != 413:
        line = world["desk"].db.one("SELECT * FROM audit WHERE action = 'upload_refused' ORDER BY id DESC LIMIT 1")
        assert hashlib.sha256(data).hexdigest() in line["detail"]


def test_a_chunked_upload_without_length_is_cut_off(world):
    bob, b = world["bob"], world["b"]
    before = _datasets(world)
    boundary = "zpboundary"

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{bob.csrf}\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n"
               "Content-Type: application/octet-stream\r\n\r\n").encode()
        for _ in range(6):
            yield b"0" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = bob.client.post(f"/s/{b}/upload", content=body(), follow_redirects=False,
                        headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "超过上限" in r.text
    assert _datasets(world) == before


def test_zoning_that_breaks_a_rule_is_refused_by_the_server(world):
    bob, b = world["bob"], world["b"]
    r = bob.post_json(f"/s/{b}/zonings", {"name": "坏方案", "zones": {"T01": "Z", "T16": "Z"}, "min_size": 2,
                                         "max_size": 3})
    assert r.status_code == 422
    assert any("不连通" in p["text"] for p in r.json()["problems"])
    assert world["desk"].db.one("SELECT COUNT(*) AS n FROM zonings WHERE name = '坏方案'")["n"] == 0


def test_logins_are_rate_limited(world):
    app = world["app"]
    c = TestClient(app, base_url=BASE)
    if True:
        def attempt(pw):
            r = c.get("/login")
            return c.post("/login", data={"csrf": _csrf(r.text), "username": "dave", "password": pw},
                          follow_redirects=False)

        for _ in range(5):
            assert attempt("wrong password!").status_code == 401
        r = attempt(PASSWORD)  # even the right password waits now
        assert r.status_code == 429 and "登录失败次数过多" in r.text
    db = world["desk"].db
    assert db.one("SELECT COUNT(*) AS n FROM audit WHERE action = 'login_failed' AND account = 'dave'")["n"] == 5
    assert db.one("SELECT COUNT(*) AS n FROM audit WHERE action = 'login_refused' AND account = 'dave'")["n"] == 1


def test_audit_log_records_each_action_and_is_append_only(world):
    desk, b = world["desk"], world["b"]
    rows = desk.db.all("SELECT * FROM audit WHERE space = ? ORDER BY id", b)
    actions = [r["action"] for r in rows]
    for a in ("upload", "run", "publish", "download", "zoning_save"):
        assert a in actions, (a, actions)
    up = next(r for r in rows if r["action"] == "upload")
    assert hashlib.sha256(world["book"].read_bytes()).hexdigest() in up["detail"] and up["account"] == "bob"
    run = next(r for r in rows if r["action"] == "run")
    assert '"max_hops": 2' in run["detail"] and "time_limit" in run["detail"]
    assert desk.db.one("SELECT 1 FROM audit WHERE action = 'login' AND account = 'bob'")
    con = sqlite3.connect(desk.config.db_path)
    for sql in ("UPDATE audit SET account = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(sql)
    con.close()
    assert verify_audit(desk.db.con())[0]
    # county A's planner sees her county's lines only; the admin sees every line
    alice = User(world["app"], "alice")
    admin = User(world["app"], "admin")
    try:
        assert world["job_b"] not in alice.get(f"/s/{world['a']}/audit").text
        page = admin.get("/admin/audit").text
        assert world["job_b"] in page and "日志完整" in page
        assert alice.get("/admin/audit").status_code == 404
    finally:
        alice.close()
        admin.close()


def test_a_cancelled_job_leaves_the_published_plan(world):
    desk, b, bob = world["desk"], world["b"], world["bob"]
    pub = desk.db.one("SELECT * FROM published WHERE space = ? ORDER BY id DESC LIMIT 1", b)
    from zoneplan.web.worker import run_job

    jid = desk.jobs.submit(b, "replan", {"data": str(world["book"]), "dataset": "x", "previous": pub["path"],
                                         "rules": {}, "solve": {}}, "bob")
    desk.db.run("UPDATE jobs SET status = 'running', cancel = 1 WHERE id = ?", jid)  # the manager must not take it
    run_job(str(desk.config.db_path), jid)
    row = desk.db.one("SELECT * FROM jobs WHERE id = ?", jid)
    assert row["status"] == "cancelled"
    assert not (Path(desk.state) / "jobs" / jid / "plan").exists()
    r = bob.post(f"/s/{b}/jobs/{jid}/publish")
    assert r.status_code == 400
    assert desk.db.one("SELECT * FROM published WHERE space = ? ORDER BY id DESC LIMIT 1", b)["id"] == pub["id"]
    # a queued job is cancelled before it runs
    jid2 = desk.jobs.submit(b, "staff", {"data": str(world["book"]), "dataset": "x"}, "bob")
    desk.jobs.cancel(jid2)
    time.sleep(0.5)
    assert desk.db.one("SELECT status FROM jobs WHERE id = ?", jid2)["status"] == "cancelled"


def test_local_desk_answers_loopback_names_only(tmp_path):
    cfg = DeskConfig(state=tmp_path / "s", db_path=tmp_path / "s" / "d.sqlite")
    app = create_app(cfg)
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/healthz").status_code == 400  # DNS rebinding: another name pointing at 127.0.0.1
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        r = c.get("/")
        assert c.get("/healthz").status_code == 200
        assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
        assert r.headers["x-frame-options"] == "DENY"


def test_secure_cookies_off_loopback(tmp_path):
    from zoneplan.web.cli import build_config

    cfg = build_config(None, "10.1.2.3", 8000, tmp_path / "s", None, 1, 20, 200_000, None, [], None)
    assert cfg.accounts and cfg.secure_cookies and cfg.seed_data is None
    app = create_app(cfg)
    with TestClient(app, base_url="https://desk.example") as c:  # never started on that address: in-process only
        r = c.get("/login")
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-zp_session=") and "Secure" in cookie


def test_serve_off_loopback_requires_an_admin(tmp_path):
    from typer.testing import CliRunner

    from zoneplan.cli import app

    r = CliRunner().invoke(app, ["serve", "--host", "10.1.2.3", "--state", str(tmp_path)])
    assert r.exit_code == 2 and "--create-admin" in r.output
    r = CliRunner().invoke(app, ["serve", "--proxy", "127.0.0.1", "--state", str(tmp_path)])  # a proxy: the network
    assert r.exit_code == 2 and "--create-admin" in r.output
    r = CliRunner().invoke(app, ["serve", "--create-admin", "root", "--password-stdin", "--state", str(tmp_path)],
                           input="short\n")
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["serve", "--create-admin", "root", "--password-stdin", "--state", str(tmp_path)],
                           input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(tmp_path / "desk.sqlite")
    h = con.execute("SELECT pw_hash, is_admin FROM accounts WHERE username = 'root'").fetchone()
    assert h[0].startswith("$argon2id$") and h[1] == 1


def test_serve_without_arguments_is_the_local_example_desk(tmp_path):
    from zoneplan.web.cli import build_config

    cfg = build_config(None, "127.0.0.1", 8000, tmp_path / "s", None, 1, 20, 200_000, None, [], None)
    assert not cfg.accounts and not cfg.secure_cookies and cfg.seed_data.name == "county"
    app = create_app(cfg)
    c = TestClient(app, base_url="http://127.0.0.1:8000")
    r = c.get("/")
    assert r.status_code == 200 and "恒平县" in r.text and "本机单用户模式" in r.text
