"""The desk's routes.  Pages (GET) are wrapped by :func:`page`, every state-changing route by
:func:`action` (CSRF); workspace routes resolve their workspace with :meth:`Desk.space`."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import auth
from .app import (DOWNLOAD_WORDS, PLAN_DOWNLOADS, Desk, _cookie_header, action, client_ip, download, job_view, page,
                  read_json, render)
from .db import now_iso

__all__ = ["routes", "ROUTES"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_WORDS = {"staff": "配置办案组", "replan": "重新配置（最少变动）", "zone": "求解协作区划分", "compare": "比较协作区方案"}
STATUS_WORDS = {"queued": "排队中", "running": "运行中", "done": "已完成", "failed": "未成功", "cancelled": "已取消"}
ACTION_WORDS = {"login": "登录", "login_failed": "登录失败", "login_refused": "登录受限", "logout": "退出",
                "upload": "上传数据", "upload_refused": "上传被拒", "run": "运行", "cancel": "取消任务",
                "publish": "发布方案", "download": "下载", "explain": "查询回避原因", "zoning_save": "保存协作区方案",
                "account_create": "创建账号", "space_create": "创建工作区", "data_seed": "载入数据（命令行）",
                "template": "下载模板"}


DETAIL_WORDS = {"dataset": "数据版本", "job": "任务", "kind": "类型", "rules": "规则", "solve": "求解", "zoning": "协作区方案",
                "file": "文件", "sha256": "SHA-256", "bytes": "字节", "ok": "通过", "problems": "问题数",
                "refused": "拒绝原因", "entry": "方案记录", "staffed": "已配置", "inputs": "输入文件哈希",
                "person": "人员", "case": "线索", "name": "名称", "zones": "协作区数", "options": "参数",
                "previous": "原方案", "dropouts": "不在岗人员", "username": "用户名", "space_id": "工作区",
                "is_admin": "管理员", "wait": "需等待（秒）", "parent": "上级", "zonings": "方案"}


def _int(form, name: str, default: int, lo: int, hi: int, label: str) -> int:
    raw = str(form.get(name, "") or "").strip()
    if not raw:
        return default
    try:
        v = int(float(raw))
    except ValueError:
        raise ValueError(f"「{label}」应为整数，填写的是“{raw[:20]}”") from None
    if not lo <= v <= hi:
        raise ValueError(f"「{label}」应在 {lo} 到 {hi} 之间，填写的是 {v}")
    return v


# ---------------------------------------------------------------------------- home, login


@page
async def home(request: Request, desk: Desk):
    spaces = await run_in_threadpool(desk.spaces_for, request.state.account)
    if len(spaces) == 1 and not request.query_params.get("all"):
        return RedirectResponse(f"/s/{spaces[0]['id']}", status_code=303)
    return render(request, "home.html", title="工作区", spaces=spaces)


async def login_form(request: Request):
    desk: Desk = request.app.state.desk
    if not desk.config.accounts:
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", title="登录", error="")


@action(login=False)
async def login(request: Request, desk: Desk, form):
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    ip = client_ip(request)
    try:
        acc = await run_in_threadpool(auth.authenticate, desk.db, username, password, ip)
    except auth.LoginRefused as exc:
        desk.db.audit("login_refused", account=username or None, ip=ip, wait=exc.wait)
        return render(request, "login.html", status_code=429, title="登录",
                      error=f"登录失败次数过多，请 {max(1, exc.wait // 60)} 分钟后再试。")
    if acc is None:
        desk.db.audit("login_failed", account=username or None, ip=ip)
        return render(request, "login.html", status_code=401, title="登录", error="用户名或密码不正确。")
    auth.end_session(desk.db, request.state.session["token"])
    token, _ = auth.new_session(desk.db, acc.id)
    desk.db.audit("login", account=acc.username, ip=ip)
    resp = RedirectResponse("/", status_code=303)
    resp.headers.append("set-cookie", _cookie_header(desk.config, token))
    request.state.set_cookie.clear()
    return resp


@action(login=False)
async def logout(request: Request, desk: Desk, form):
    if request.state.account is not None:
        desk.audit(request, "logout")
    auth.end_session(desk.db, request.state.session["token"])
    resp = RedirectResponse("/login" if desk.config.accounts else "/", status_code=303)
    resp.headers.append("set-cookie", _cookie_header(desk.config, "", clear=True))
    return resp


@page
async def template_xlsx(request: Request, desk: Desk):
    from ..io.template import template_workbook

    data = await run_in_threadpool(template_workbook, "zh")
    desk.audit(request, "template")
    return download(data, "乡镇纪检监察数据填报模板.xlsx", XLSX)


async def healthz(request: Request):
    return Response("ok", media_type="text/plain")


# ---------------------------------------------------------------------------- workspace


def _ctx(desk: Desk, space, **kw: Any) -> dict[str, Any]:
    ds = desk.dataset(space)
    summary = json.loads(ds["summary"]) if ds is not None and ds["summary"] else None
    return {"space": space, "dataset": ds, "summary": summary, "title": space["name"], **kw}


def _jobs(desk: Desk, space, limit: int = 20) -> list[dict[str, Any]]:
    rows = desk.db.all("SELECT * FROM jobs WHERE space = ? ORDER BY created DESC LIMIT ?", space["id"], limit)
    return [job_view(r) for r in rows]


@page
async def overview(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    pub = desk.published(space)
    pub_job = job_view(desk.db.one("SELECT * FROM jobs WHERE id = ?", pub["job"])) if pub else None
    children = desk.db.all("SELECT * FROM spaces WHERE parent = ? ORDER BY name", space["id"])
    return render(request, "overview.html", tab="overview", jobs=_jobs(desk, space, 10), published=pub,
                  pub_job=pub_job, children=children, kind_words=KIND_WORDS, status_words=STATUS_WORDS,
                  **_ctx(desk, space))


@page
async def data_page(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    history = desk.db.all("SELECT * FROM datasets WHERE space = ? ORDER BY created DESC LIMIT 20", space["id"])
    return render(request, "data.html", tab="data", history=history, upload=None, **_ctx(desk, space))


@action
async def upload(request: Request, desk: Desk, form):
    from .datasets import accept_upload

    space = desk.space(request, request.path_params["sid"])
    f = form.get("file")
    if f is None or not hasattr(f, "read") or not getattr(f, "filename", ""):
        raise HTTPException(400, "请选择要上传的文件。")
    original = str(f.filename)[-200:]
    data = await f.read(desk.config.limits.max_bytes + 1)
    acc = request.state.account
    res = await run_in_threadpool(accept_upload, desk, space["id"], data, original,
                                  acc.username if acc else "本机用户")
    desk.audit(request, "upload" if res.ok else "upload_refused", space=space["id"], file=original,
               sha256=res.sha256, bytes=len(data), ok=res.ok, problems=len(res.problems),
               refused=res.refused or "")
    space = desk.space(request, space["id"])
    history = desk.db.all("SELECT * FROM datasets WHERE space = ? ORDER BY created DESC LIMIT 20", space["id"])
    return render(request, "data.html", tab="data", history=history, upload=res, original=original,
                  status_code=200 if res.ok else 422, **_ctx(desk, space))


# ---------------------------------------------------------------------------- staffing


def _zoning_choices(desk: Desk, space) -> list[Any]:
    return desk.db.all("SELECT * FROM zonings WHERE space = ? ORDER BY created DESC", space["id"])


@page
async def staff_form(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    return render(request, "staff.html", tab="staff", zonings=_zoning_choices(desk, space), error="",
                  chosen=request.query_params.get("zoning", ""), values={}, **_ctx(desk, space))


def _staff_spec(desk: Desk, space, form) -> dict[str, Any]:
    ds = desk.dataset(space)
    if ds is None:
        raise ValueError("本工作区还没有数据，请先在“数据”页上传。")
    rules = {"max_hops": _int(form, "max_hops", 2, 0, 6, "亲属回避层数"),
             "max_travel": float(_int(form, "max_travel", 90, 5, 600, "无协作区时的调配半径（分钟）")),
             "team_kin_hops": _int(form, "team_kin_hops", 0, 0, 3, "组内亲属回避层数"),
             "max_per_township": _int(form, "max_per_township", 0, 0, 20, "同一乡镇最多组员数") or None}
    solve = {"time_limit": float(_int(form, "time_limit", int(desk.config.time_limit), 5, 600, "求解时限（秒）"))}
    spec: dict[str, Any] = {"data": ds["path"], "dataset": ds["id"], "rules": rules, "solve": solve}
    z = str(form.get("zoning", "") or "")
    if z == "none":
        spec["rules"]["use_zones"] = False
        spec["zoning_label"] = "不按协作区（按车程就近调配）"
    elif z:
        zr = desk.zoning(space, z)
        spec["zoning"] = zr["path"]
        spec["zoning_id"] = zr["id"]
        spec["zoning_label"] = zr["name"]
    else:
        spec["zoning_label"] = "现行协作区（数据中的“协作区”列）"
    return spec


@action
async def staff_start(request: Request, desk: Desk, form):
    space = desk.space(request, request.path_params["sid"])
    try:
        spec = _staff_spec(desk, space, form)
    except ValueError as exc:
        return render(request, "staff.html", tab="staff", zonings=_zoning_choices(desk, space), error=str(exc),
                      chosen=str(form.get("zoning", "")), values=dict(form), status_code=422, **_ctx(desk, space))
    acc = request.state.account
    jid = desk.jobs.submit(space["id"], "staff", spec, acc.username if acc else "本机用户")
    desk.audit(request, "run", space=space["id"], job=jid, kind="staff", dataset=spec["dataset"],
               zoning=spec.get("zoning_label"), rules=spec["rules"], solve=spec["solve"])
    return RedirectResponse(f"/s/{space['id']}/jobs/{jid}", status_code=303)


@page
async def jobs_page(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    return render(request, "jobs.html", tab="jobs", jobs=_jobs(desk, space, 100), kind_words=KIND_WORDS,
                  status_words=STATUS_WORDS, **_ctx(desk, space))


def _plan_context(job: dict[str, Any]) -> dict[str, Any]:
    jdir = Path(job["spec"]["dir"])
    view = read_json(jdir / "view.json")
    if view is None:
        return {}
    teams: dict[str, list[dict]] = {}
    for m in view["teams"]:
        teams.setdefault(m["case_id"], []).append(m)
    for members in teams.values():
        members.sort(key=lambda m: (not m["is_lead"], m["investigator_id"]))
    from .app import chromium

    files = [n for n in PLAN_DOWNLOADS if (jdir / "plan" / n).is_file()
             or (n == "plan.pdf" and (jdir / "plan" / "plan.html").is_file() and chromium())]
    return {"view": view, "teams": teams, "files": files, "diff": read_json(jdir / "diff.json"),
            "download_words": DOWNLOAD_WORDS}


@page
async def job_page(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    ctx: dict[str, Any] = {}
    if job["status"] == "done" and job["kind"] in ("staff", "replan"):
        ctx = await run_in_threadpool(_plan_context, job)
    elif job["status"] == "done" and job["kind"] == "compare":
        cmp = read_json(Path(job["spec"]["dir"]) / "compare.json")
        ctx = {"compare": cmp, "measure_rows": _measure_rows(cmp["summary"] if cmp else []), "cell": _measure_cell}
    elif job["status"] == "done" and job["kind"] == "zone" and job["result"].get("zoning_id"):
        ctx = {"zone_rows": await run_in_threadpool(_zone_rows, job["spec"]["zoning_file"]),
               "whatif_text": _whatif_text(desk, space, job["spec"])}
    pub = desk.published(space)
    return render(request, "job.html", tab="jobs", job=job, kind_words=KIND_WORDS, status_words=STATUS_WORDS,
                  is_published=bool(pub and pub["job"] == job["id"]), **ctx, **_ctx(desk, space))


def _zone_rows(path: str) -> list[dict[str, Any]]:
    """A solved zoning's zones: members by name, hub, villages (from its zones.csv)."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = []
    for z, g in df[df["zone"] != ""].groupby("zone", sort=False):
        rows.append({"zone": z, "townships": "、".join(n or t for n, t in zip(g["name"], g["township_id"])),
                     "hub": g["hub_name"].iloc[0] or g["hub"].iloc[0], "villages": g["zone_villages"].iloc[0],
                     "staff": g["zone_staff"].iloc[0]})
    left = df.loc[df["zone"] == "", "name"].tolist()
    if left:
        rows.append({"zone": "（不划入）", "townships": "、".join(left), "hub": "", "villages": "", "staff": ""})
    return rows


def _whatif_text(desk: Desk, space, spec: dict[str, Any]) -> list[str]:
    """The what-ifs a zoning job was given, in words."""
    o = spec.get("options", {})
    ds = desk.db.one("SELECT * FROM datasets WHERE id = ? AND space = ?", spec.get("dataset"), space["id"])
    names = {t["id"]: t["name"] for t in desk.map_data(ds)["townships"]} if ds is not None else {}
    n = lambda t: names.get(t, t)  # noqa: E731
    out = [f"每区 {o.get('min_size')}–{o.get('max_size')} 个乡镇" + (f"，每县 {o['target_zones']} 个协作区"
                                                                    if o.get("target_zones") else "")]
    out += [f"{n(a)} 与 {n(b)} 在同一协作区" for a, b in o.get("together", [])]
    out += [f"{n(a)} 与 {n(b)} 不在同一协作区" for a, b in o.get("apart", [])]
    out += [f"{n(t)} 不划入任何协作区" for t in o.get("exclude", [])]
    out += [f"保留协作区「{z}」" for z in o.get("keep", [])]
    return out


@page
async def job_status(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    resp = render(request, "_job_status.html", job=job, space=space, kind_words=KIND_WORDS, status_words=STATUS_WORDS)
    if job["done"]:
        resp.headers["HX-Refresh"] = "true"  # the finished job's page shows its results
    return resp


@action
async def job_cancel(request: Request, desk: Desk, form):
    space = desk.space(request, request.path_params["sid"])
    job = desk.job(space, request.path_params["jid"])
    if job["status"] in ("queued", "running"):
        desk.jobs.cancel(job["id"])
        desk.audit(request, "cancel", space=space["id"], job=job["id"], kind=job["kind"])
    return RedirectResponse(f"/s/{space['id']}/jobs/{job['id']}", status_code=303)


@action
async def job_publish(request: Request, desk: Desk, form):
    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    if job["status"] != "done" or job["kind"] not in ("staff", "replan"):
        raise HTTPException(400, "只有已完成的办案组方案才能发布。")
    entry = Path(job["spec"]["dir"]) / "entry" / job["result"]["entry"]
    history = desk.space_dir(space["id"]) / "history"
    history.mkdir(exist_ok=True)
    target = history / entry.name
    if not target.exists():
        await run_in_threadpool(shutil.copytree, entry, target)
    acc = request.state.account
    desk.db.run("INSERT INTO published(space, job, entry, path, at, account) VALUES (?,?,?,?,?,?)", space["id"],
                job["id"], entry.name, str(target), now_iso(), acc.username if acc else "本机用户")
    report = read_json(target / "report.json") or {}
    desk.audit(request, "publish", space=space["id"], job=job["id"], entry=entry.name,
               staffed=job["result"].get("staffed"), inputs={k: v.get("sha256") for k, v in
                                                             (report.get("inputs") or {}).items()})
    return RedirectResponse(f"/s/{space['id']}/jobs/{job['id']}", status_code=303)


@page
async def job_file(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    name = request.path_params["name"]
    if name not in PLAN_DOWNLOADS or job["status"] != "done":
        raise HTTPException(404)
    path = Path(job["spec"]["dir"]) / "plan" / name
    if name == "plan.pdf":
        from .app import render_pdf

        path = await run_in_threadpool(render_pdf, path.parent) or path
    if not path.is_file():
        raise HTTPException(404)
    data = await run_in_threadpool(path.read_bytes)
    import hashlib

    desk.audit(request, "download", space=space["id"], job=job["id"], file=name,
               sha256=hashlib.sha256(data).hexdigest())
    inline = name in ("plan.html", "plan.pdf") or name.endswith(".png")
    return download(data, f"{space['name']}-{DOWNLOAD_WORDS[name]}", PLAN_DOWNLOADS[name], inline=inline)


@page
async def job_explain(request: Request, desk: Desk):
    """Why this person may or may not work on this case, under the job's data and rules."""
    from ..cli.explain import explain_lines
    from ..options import RuleOptions
    from .worker import mark_unavailable

    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    if job["kind"] not in ("staff", "replan") or job["status"] != "done":
        raise HTTPException(404)
    pid = request.query_params.get("person", "")
    cid = request.query_params.get("case", "")
    spec = job["spec"]

    def work():
        from ..compare import tables_under_zoning

        ds = desk.db.one("SELECT * FROM datasets WHERE id = ? AND space = ?", spec["dataset"], space["id"])
        if ds is None:
            raise HTTPException(404)
        tables = desk.tables(ds)
        if spec.get("zoning"):
            tables = tables_under_zoning(tables, spec["zoning"])
        tables = mark_unavailable(tables, spec.get("dropouts") or [])
        if pid not in set(tables.investigators["investigator_id"]) or cid not in set(tables.cases["case_id"]):
            raise HTTPException(400, "请从列表中选择人员和线索。")
        rules = RuleOptions(**spec.get("rules", {}))
        el = desk.eligibility(job, tables, rules)
        return explain_lines(tables, el, pid, cid, "zh")

    lines = await run_in_threadpool(work)
    desk.audit(request, "explain", space=space["id"], job=job["id"], person=pid, case=cid)
    return render(request, "_explain.html", lines=lines)


#: The measures of ``zoneplan compare``, in its order, with its Chinese labels.
MEASURES = ["zones", "size_histogram", "unzoned", "max_pair_minutes_max", "max_pair_minutes_mean",
            "hub_minutes_total", "villages", "villages_cv", "staff", "staff_cv", "pool_mean", "cases", "cases_cv",
            "cases_staffed", "priority_staffed", "team_travel_mean", "team_travel_max", "max_workload",
            "blocked_by_conflicts", "lost_to_capacity", "staff_status"]
_DECIMALS = {"max_pair_minutes_max": 1, "max_pair_minutes_mean": 1, "hub_minutes_total": 1, "team_travel_mean": 1,
             "team_travel_max": 1, "max_workload": 2, "pool_mean": 1}
_RANGES = {"villages": "村（社区）数每区（最少–最多）", "staff": "乡镇纪检干部每区（最少–最多）",
           "cases": "线索每区（最少–最多）"}


def _measure_rows(summary: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(measure, Chinese label) for the measures the comparison has, in ``compare``'s order."""
    from ..cli.compare_view import MEASURE_TEXT
    from ..i18n import tr

    total = summary[0].get("cases_total", "") if summary else ""
    out = []
    for key in MEASURES:
        probe = f"{key}_min" if key in _RANGES else key
        if key in MEASURE_TEXT and any(r.get(probe) is not None for r in summary):
            out.append((key, tr(MEASURE_TEXT[key]["long"], "zh", total=total).strip()))
    return out


def _measure_cell(row: dict[str, Any], key: str) -> str:
    def num(v, d=0):
        if v is None or v == "":
            return ""
        try:
            f = float(v)
        except (TypeError, ValueError):
            return str(v)
        if d == 0 and f != round(f):
            d = 2
        return f"{f:,.{d}f}"

    if key in _RANGES:
        lo, hi = row.get(f"{key}_min"), row.get(f"{key}_max")
        return "" if lo is None else f"{num(lo)}–{num(hi)}"
    v = row.get(key)
    if key == "size_histogram":
        return "，".join(p.replace(":", " 个乡镇 × ") + " 个区" for p in str(v or "").split(";") if p)
    if key == "staff_status":
        return {"OPTIMAL": "最优", "FEASIBLE": "可行"}.get(str(v), str(v or ""))
    if key.endswith("_cv"):
        return "" if v is None else f"{float(v):.2f}"
    return num(v, _DECIMALS.get(key, 0))


@page
async def compare_json(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    job = job_view(desk.job(space, request.path_params["jid"]))
    data = read_json(Path(job["spec"]["dir"]) / "compare.json") if job["kind"] == "compare" else None
    if data is None:
        raise HTTPException(404)
    return JSONResponse({"labels": data["labels"], "colors": data["colors"], "zones_of": data["zones_of"]})


async def font(request: Request):
    from starlette.responses import FileResponse

    from ..maps.fonts import bundled_font_path

    p = bundled_font_path()
    if p is None or not Path(p).is_file():
        raise HTTPException(404)
    return FileResponse(p, media_type="font/otf", headers={"cache-control": "public, max-age=604800"})


# ---------------------------------------------------------------------------- re-plan, published plan


@page
async def plan_page(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    rows = desk.db.all("SELECT * FROM published WHERE space = ? ORDER BY id DESC", space["id"])
    return render(request, "published.html", tab="plan", rows=rows, **_ctx(desk, space))


def _people(desk: Desk, space) -> list[dict[str, Any]]:
    ds = desk.dataset(space)
    if ds is None:
        return []
    t = desk.tables(ds)
    names = dict(zip(t.townships["township_id"], t.townships["name"]))
    inv = t.investigators
    return [{"id": i, "name": n or i, "posted": names.get(p) or p, "available": bool(a), "level": lv}
            for i, n, p, a, lv in zip(inv["investigator_id"], inv["name"], inv["township_id"], inv["available"],
                                      inv["level"])]


@page
async def replan_form(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    pub = desk.published(space)
    people = await run_in_threadpool(_people, desk, space)
    return render(request, "replan.html", tab="plan", published=pub, people=people, error="", **_ctx(desk, space))


@action
async def replan_start(request: Request, desk: Desk, form):
    space = desk.space(request, request.path_params["sid"])
    pub = desk.published(space)
    people = await run_in_threadpool(_people, desk, space)
    if pub is None:
        return render(request, "replan.html", tab="plan", published=None, people=people, status_code=422,
                      error="还没有发布的方案：请先配置办案组并发布，再在其基础上重新配置。", **_ctx(desk, space))
    ids = {p["id"] for p in people}
    drop = [str(x) for x in form.getlist("dropout")]
    bad = [x for x in drop if x not in ids]
    if bad:
        raise HTTPException(400, "所选人员不在当前数据中，请刷新页面后重选。")
    pub_job = desk.db.one("SELECT * FROM jobs WHERE id = ? AND space = ?", pub["job"], space["id"])
    old = json.loads(pub_job["spec"]) if pub_job is not None else {}
    form2 = {"zoning": old.get("zoning_id", "none" if old.get("rules", {}).get("use_zones") is False else "")}
    for k in ("max_hops", "max_travel", "team_kin_hops", "max_per_township"):
        if k in old.get("rules", {}) and old["rules"][k] is not None:
            form2[k] = str(int(old["rules"][k]))
    try:
        if form2["zoning"] and form2["zoning"] != "none":
            desk.zoning(space, form2["zoning"])
        spec = _staff_spec(desk, space, form2)
    except (ValueError, HTTPException) as exc:
        return render(request, "replan.html", tab="plan", published=pub, people=people, status_code=422,
                      error=str(getattr(exc, "detail", exc)), **_ctx(desk, space))
    spec["previous"] = pub["path"]
    spec["dropouts"] = drop
    names = {p["id"]: p["name"] for p in people}
    spec["dropout_names"] = [names[x] for x in drop]
    acc = request.state.account
    jid = desk.jobs.submit(space["id"], "replan", spec, acc.username if acc else "本机用户")
    desk.audit(request, "run", space=space["id"], job=jid, kind="replan", dataset=spec["dataset"],
               previous=pub["entry"], dropouts=drop, rules=spec["rules"])
    return RedirectResponse(f"/s/{space['id']}/jobs/{jid}", status_code=303)


# ---------------------------------------------------------------------------- zoning


@page
async def zoning_page(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    zonings = _zoning_choices(desk, space)
    return render(request, "zoning.html", tab="zoning", zonings=zonings, **_ctx(desk, space))


@page
async def map_json(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    ds = desk.db.one("SELECT * FROM datasets WHERE id = ? AND space = ?", request.path_params["did"], space["id"])
    if ds is None:
        raise HTTPException(404)
    data = await run_in_threadpool(desk.map_data, ds)
    zonings = [{"id": z["id"], "name": z["name"], "source": z["source"]} for z in _zoning_choices(desk, space)]
    return JSONResponse({**data, "zonings": zonings})


def _read_zoning_map(path: str) -> dict[str, str]:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(df["township_id"], df["zone"]))


@page
async def zoning_json(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    z = desk.zoning(space, request.path_params["zid"])
    zones = await run_in_threadpool(_read_zoning_map, z["path"])
    return JSONResponse({"id": z["id"], "name": z["name"], "zones": zones})


@page
async def zoning_csv(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    z = desk.zoning(space, request.path_params["zid"])
    data = Path(z["path"]).read_bytes()
    desk.audit(request, "download", space=space["id"], zoning=z["id"], file="zones.csv")
    return download(data, f"{space['name']}-{z['name']}-zones.csv", "text/csv; charset=utf-8")


def _draft(desk: Desk, space, body) -> tuple[Any, dict[str, Any], dict[str, str], int, int]:
    ds = desk.dataset(space)
    if ds is None:
        raise HTTPException(400, "本工作区还没有数据。")
    data = desk.map_data(ds)
    known = {t["id"] for t in data["townships"]}
    zones = body.get("zones") or {}
    if not isinstance(zones, dict) or any(not isinstance(k, str) or not isinstance(v, str) or len(v) > 60
                                          for k, v in zones.items()):
        raise HTTPException(400, "协作区方案格式不对。")
    zones = {k: v.strip() for k, v in zones.items() if k in known}
    try:
        lo = int(body.get("min_size", 2))
        hi = int(body.get("max_size", 3))
    except (TypeError, ValueError):
        raise HTTPException(400, "规模上下限应为整数。") from None
    if not 1 <= lo <= hi <= 12:
        raise HTTPException(400, "规模应满足 1 ≤ 下限 ≤ 上限 ≤ 12。")
    return ds, data, zones, lo, hi


@action(json_body=True)
async def zoning_check(request: Request, desk: Desk, body):
    from .zoningview import check_draft

    space = desk.space(request, request.path_params["sid"])
    ds, data, zones, lo, hi = await run_in_threadpool(_draft, desk, space, body)
    problems = check_draft(data, zones, lo, hi)
    return JSONResponse({"ok": not problems, "problems": problems})


@action(json_body=True)
async def zoning_save(request: Request, desk: Desk, body):
    import pandas as pd

    from ..io.write import frame_to_csv_bytes, write_file
    from .zoningview import check_draft

    space = desk.space(request, request.path_params["sid"])
    ds, data, zones, lo, hi = await run_in_threadpool(_draft, desk, space, body)
    name = str(body.get("name") or "").strip()[:40]
    if not name:
        return JSONResponse({"ok": False, "problems": [{"text": "请给方案起个名字。", "townships": []}]}, status_code=422)
    problems = check_draft(data, zones, lo, hi)
    if problems:
        return JSONResponse({"ok": False, "problems": problems}, status_code=422)
    zid = secrets.token_hex(8)
    path = desk.space_dir(space["id"]) / "zonings" / f"{zid}.csv"
    frame = pd.DataFrame({"township_id": [t["id"] for t in data["townships"]],
                          "zone": [zones.get(t["id"], "") for t in data["townships"]]})
    write_file(path, frame_to_csv_bytes(frame))
    acc = request.state.account
    desk.db.run("INSERT INTO zonings(id, space, dataset, name, source, path, created, account) VALUES (?,?,?,?,?,?,?,?)",
                zid, space["id"], ds["id"], name, "edited", str(path), now_iso(), acc.username if acc else "本机用户")
    desk.audit(request, "zoning_save", space=space["id"], zoning=zid, name=name,
               zones=len({z for z in zones.values() if z}))
    return JSONResponse({"ok": True, "id": zid, "name": name})


@action(json_body=True)
async def zoning_run(request: Request, desk: Desk, body):
    space = desk.space(request, request.path_params["sid"])
    ds, data, _, lo, hi = await run_in_threadpool(_draft, desk, space, body)
    known = {t["id"] for t in data["townships"]}
    current = {t["zone"] for t in data["townships"] if t["zone"]}

    def pairs(key: str) -> list[tuple[str, str]]:
        out = []
        for p in body.get(key) or []:
            if not (isinstance(p, list) and len(p) == 2 and all(x in known for x in p)):
                raise HTTPException(400, "假设条件中的乡镇不在数据中。")
            out.append((p[0], p[1]))
        return out

    exclude = [x for x in body.get("exclude") or [] if x in known]
    keep = [x for x in body.get("keep") or [] if x in current]
    target = body.get("target_zones")
    try:
        target = int(target) if target not in (None, "") else None
    except (TypeError, ValueError):
        raise HTTPException(400, "协作区个数应为整数。") from None
    options = {"min_size": lo, "max_size": hi, "target_zones": target, "together": pairs("together"),
               "apart": pairs("apart"), "exclude": exclude, "keep": keep,
               "time_limit": float(desk.config.time_limit), "seed": 0}
    zid = secrets.token_hex(8)
    n = desk.db.one("SELECT COUNT(*) AS n FROM zonings WHERE space = ? AND source = 'solved'", space["id"])["n"]
    spec = {"data": ds["path"], "dataset": ds["id"], "options": options, "zoning_id": zid,
            "zoning_name": str(body.get("name") or "").strip()[:40] or f"求解方案 {n + 1}",
            "zoning_file": str(desk.space_dir(space["id"]) / "zonings" / f"{zid}.csv")}
    acc = request.state.account
    jid = desk.jobs.submit(space["id"], "zone", spec, acc.username if acc else "本机用户")
    desk.audit(request, "run", space=space["id"], job=jid, kind="zone", dataset=ds["id"], options=options)
    return JSONResponse({"ok": True, "job": jid, "url": f"/s/{space['id']}/jobs/{jid}"})


@action
async def compare_start(request: Request, desk: Desk, form):
    space = desk.space(request, request.path_params["sid"])
    ds = desk.dataset(space)
    chosen = [str(x) for x in form.getlist("zoning")][:6]
    if ds is None or len(chosen) < 2:
        raise HTTPException(400, "请至少选择两个协作区方案进行比较。")
    items = []
    for z in chosen:
        if z == "current":
            items.append({"id": "current", "label": "现行协作区", "path": "current"})
        else:
            zr = desk.zoning(space, z)
            label = zr["name"]
            while label in [i["label"] for i in items]:
                label += "′"
            items.append({"id": zr["id"], "label": label, "path": zr["path"]})
    spec = {"data": ds["path"], "dataset": ds["id"], "zonings": items,
            "solve": {"time_limit": float(desk.config.time_limit)}}
    acc = request.state.account
    jid = desk.jobs.submit(space["id"], "compare", spec, acc.username if acc else "本机用户")
    desk.audit(request, "run", space=space["id"], job=jid, kind="compare", zonings=[i["label"] for i in items])
    return RedirectResponse(f"/s/{space['id']}/jobs/{jid}", status_code=303)


# ---------------------------------------------------------------------------- audit, admin


def _audit_rows(rows) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        d = dict(r)
        d["detail"] = json.loads(r["detail"])
        d["action_word"] = ACTION_WORDS.get(r["action"], r["action"])
        out.append(d)
    return out


@page
async def space_audit(request: Request, desk: Desk):
    space = desk.space(request, request.path_params["sid"])
    rows = desk.db.all("SELECT * FROM audit WHERE space = ? ORDER BY id DESC LIMIT 500", space["id"])
    return render(request, "audit.html", tab="audit", rows=_audit_rows(rows), spaces={space["id"]: space["name"]},
                  detail_words=DETAIL_WORDS,
                  **_ctx(desk, space))


def _admin(request: Request, desk: Desk) -> None:
    if desk.config.accounts and (request.state.account is None or not request.state.account.is_admin):
        raise HTTPException(404)


@page
async def admin_page(request: Request, desk: Desk):
    _admin(request, desk)
    return render(request, "admin.html", title="系统管理", error="", **_admin_ctx(desk))


def _admin_ctx(desk: Desk) -> dict[str, Any]:
    spaces = desk.db.all("SELECT * FROM spaces ORDER BY kind DESC, name")
    accounts = desk.db.all("SELECT * FROM accounts ORDER BY username")
    return {"spaces": spaces, "accounts": accounts, "space_names": {s["id"]: s["name"] for s in spaces}}


@action
async def admin_account(request: Request, desk: Desk, form):
    _admin(request, desk)
    space = str(form.get("space", "") or "") or None
    if space and desk.db.one("SELECT 1 FROM spaces WHERE id = ?", space) is None:
        raise HTTPException(400, "工作区不存在。")
    try:
        await run_in_threadpool(auth.create_account, desk.db, str(form.get("username", "")),
                                str(form.get("password", "")), display=str(form.get("display", ""))[:40],
                                is_admin=bool(form.get("is_admin")), space=space)
    except ValueError as exc:
        return render(request, "admin.html", title="系统管理", error=str(exc), status_code=422, **_admin_ctx(desk))
    desk.audit(request, "account_create", username=str(form.get("username", "")), space_id=space,
               is_admin=bool(form.get("is_admin")))
    return RedirectResponse("/admin", status_code=303)


@action
async def admin_space(request: Request, desk: Desk, form):
    _admin(request, desk)
    name = str(form.get("name", "")).strip()[:40]
    kind = "prefecture" if form.get("kind") == "prefecture" else "county"
    parent = str(form.get("parent", "") or "") or None
    if not name:
        return render(request, "admin.html", title="系统管理", error="请填写工作区名称。", status_code=422,
                      **_admin_ctx(desk))
    if parent and desk.db.one("SELECT 1 FROM spaces WHERE id = ? AND kind = 'prefecture'", parent) is None:
        raise HTTPException(400, "上级工作区须为市（州）。")
    if desk.db.one("SELECT 1 FROM spaces WHERE name = ?", name):
        return render(request, "admin.html", title="系统管理", error=f"工作区「{name}」已存在。", status_code=422,
                      **_admin_ctx(desk))
    sid = secrets.token_hex(6)
    desk.db.run("INSERT INTO spaces(id, name, kind, parent, created) VALUES (?,?,?,?,?)", sid, name, kind, parent,
                now_iso())
    desk.audit(request, "space_create", space=sid, name=name, kind=kind, parent=parent)
    return RedirectResponse("/admin", status_code=303)


@page
async def admin_audit(request: Request, desk: Desk):
    _admin(request, desk)
    from .db import verify_audit

    rows = desk.db.all("SELECT * FROM audit ORDER BY id DESC LIMIT 1000")
    ok, n = verify_audit(desk.db.con())
    spaces = {s["id"]: s["name"] for s in desk.db.all("SELECT id, name FROM spaces")}
    return render(request, "audit.html", title="审计日志", rows=_audit_rows(rows), spaces=spaces, chain_ok=ok,
                  detail_words=DETAIL_WORDS,
                  chain_lines=n, admin_view=True)


def routes() -> list[Route]:
    S = "/s/{sid}"
    J = S + "/jobs/{jid}"
    return [
        Route("/", home), Route("/login", login_form, methods=["GET"]), Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]), Route("/template.xlsx", template_xlsx),
        Route("/healthz", healthz),
        Route(S, overview), Route(S + "/data", data_page), Route(S + "/upload", upload, methods=["POST"]),
        Route(S + "/staff", staff_form, methods=["GET"]), Route(S + "/staff", staff_start, methods=["POST"]),
        Route(S + "/jobs", jobs_page), Route(J, job_page), Route(J + "/status", job_status),
        Route(J + "/cancel", job_cancel, methods=["POST"]), Route(J + "/publish", job_publish, methods=["POST"]),
        Route(J + "/files/{name}", job_file), Route(J + "/explain", job_explain),
        Route(J + "/compare.json", compare_json), Route("/static/fonts/NotoSansSC-Regular.otf", font),
        Route(S + "/plan", plan_page), Route(S + "/replan", replan_form, methods=["GET"]),
        Route(S + "/replan", replan_start, methods=["POST"]),
        Route(S + "/zoning", zoning_page), Route(S + "/datasets/{did}/map.json", map_json),
        Route(S + "/zonings/{zid}.json", zoning_json), Route(S + "/zonings/{zid}/zones.csv", zoning_csv),
        Route(S + "/zoning/check", zoning_check, methods=["POST"]),
        Route(S + "/zonings", zoning_save, methods=["POST"]), Route(S + "/zoning/run", zoning_run, methods=["POST"]),
        Route(S + "/compare", compare_start, methods=["POST"]), Route(S + "/audit", space_audit),
        Route("/admin", admin_page), Route("/admin/accounts", admin_account, methods=["POST"]),
        Route("/admin/spaces", admin_space, methods=["POST"]), Route("/admin/audit", admin_audit),
    ]


ROUTES = routes
