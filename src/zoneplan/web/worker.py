"""What a job process does: load, solve through zoneplan's public functions, write the files.

A job runs in its own process (started by :class:`zoneplan.web.jobs.JobManager`), reads
its spec from the database, writes its files into its own folder and its outcome back to
the database.  A thread watches the job's cancel flag and stops the solve through
:class:`zoneplan.Cancel`; a cancelled job writes no plan, so nothing it did can replace the
published plan.  Only server-made paths appear in a spec.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import pandas as pd

from .db import connect, now_iso

__all__ = ["run_job", "frame_records", "mark_unavailable"]

logger = logging.getLogger(__name__)


def frame_records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (numpy types and NaN turned into plain values)."""
    if df is None:
        return []
    return json.loads(df.to_json(orient="records", force_ascii=False, double_precision=6))


def mark_unavailable(tables, ids: list[str]):
    """``tables`` with these investigators marked unavailable (people who dropped out)."""
    if not ids:
        return tables
    inv = tables.investigators.copy()
    inv["available"] = inv["available"].to_numpy(dtype=bool) & ~inv["investigator_id"].isin(ids).to_numpy()
    return dataclasses.replace(tables, investigators=inv)


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


class _Job:
    def __init__(self, db_path: str, job_id: str):
        self.db_path = db_path
        self.id = job_id
        self.con = connect(db_path)
        self.lock = threading.Lock()
        row = self.con.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        self.space = row["space"]
        self.kind = row["kind"]
        self.account = row["account"]
        self.spec = json.loads(row["spec"])
        self.dir = Path(self.spec["dir"])
        self.dir.mkdir(parents=True, exist_ok=True)
        from .. import Cancel

        self.cancel = Cancel()
        self._stop = threading.Event()
        self._last = 0.0

    def watch(self) -> None:
        con = connect(self.db_path)
        try:
            while not self._stop.wait(0.2):
                r = con.execute("SELECT cancel FROM jobs WHERE id = ?", (self.id,)).fetchone()
                if r is not None and r["cancel"]:
                    self.cancel.cancel()
                    return
        finally:
            con.close()

    def cancelled(self) -> bool:
        """Whether the job was cancelled (asks the database, not only the watcher)."""
        if not self.cancel.cancelled:
            with self.lock:
                r = self.con.execute("SELECT cancel FROM jobs WHERE id = ?", (self.id,)).fetchone()
            if r is not None and r["cancel"]:
                self.cancel.cancel()
        return self.cancel.cancelled

    def progress(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.3 and done not in (0, total):
            return
        self._last = now
        text = json.dumps({"stage": stage, "done": int(done), "total": int(total)}, ensure_ascii=False)
        with self.lock:
            self.con.execute("UPDATE jobs SET progress = ? WHERE id = ?", (text, self.id))

    def step(self, stage: str) -> None:
        self.progress(stage, 0, 0)

    def finish(self, status: str, message: str = "", result: dict | None = None) -> None:
        with self.lock:
            self.con.execute("UPDATE jobs SET status = ?, message = ?, result = ?, finished = ? WHERE id = ?",
                             (status, message, json.dumps(result or {}, ensure_ascii=False, default=str),
                              time.time(), self.id))


def _tables(job: _Job):
    from .. import load
    from ..compare import tables_under_zoning

    spec = job.spec
    job.step("load")
    require = ("townships",) if job.kind == "zone" else None
    tables = load(spec["data"], **({"require": require} if require else {}))
    if spec.get("zoning"):
        tables = tables_under_zoning(tables, spec["zoning"])
    return mark_unavailable(tables, spec.get("dropouts") or [])


def _levels(result) -> list[dict[str, Any]]:
    return [{"name": lv.name, "value": lv.value, "bound": lv.bound, "gap": lv.gap, "proven": lv.proven}
            for lv in result.levels.values()]


def _staff(job: _Job) -> None:
    from .. import staff
    from ..io.history import save_entry
    from ..io.plan import read_previous, write_plan
    from ..io.planview import plan_view
    from ..options import RuleOptions, SolveOptions

    spec = job.spec
    tables = _tables(job)
    rules = RuleOptions(**spec.get("rules", {}))
    opts = SolveOptions(**spec.get("solve", {}))
    extra: dict[str, Any] = {}
    if spec.get("previous"):
        extra["previous"] = read_previous(spec["previous"], tables)
    if job.cancelled():
        job.finish("cancelled", "已取消：未生成方案，已发布的方案保持不变。")
        return
    result = staff(tables, rules, opts, progress=job.progress, cancel=job.cancel, **extra)
    if job.cancelled() or result.stopped == "cancelled":
        job.finish("cancelled", "已取消：未生成方案，已发布的方案保持不变。")
        return
    job.step("write")
    plan_dir = job.dir / "plan"
    write_plan(result, tables, plan_dir, lang="zh")
    view = plan_view(result, tables, lang="zh")
    _write_json(job.dir / "view.json", {
        "summary": view.summary, "cases": frame_records(view.cases), "teams": frame_records(view.teams),
        "unstaffed": frame_records(view.unstaffed), "workload": frame_records(view.workload),
        "recusals": frame_records(view.recusals), "groups": frame_records(view.groups),
        "quality": frame_records(view.quality), "changes": frame_records(view.changes),
    })
    entry = save_entry(job.dir / "entry", plan_dir, tables, result)
    out: dict[str, Any] = {"status": str(result.status), "staffed": int(result.staffed_cases),
                           "cases": int(len(tables.cases)), "unstaffed": int(len(result.unstaffed)),
                           "levels": _levels(result), "wall_time": round(float(result.wall_time), 2),
                           "entry": entry.name, "change_summary": result.change_summary}
    if spec.get("previous"):
        from ..diff import diff_plans

        d = diff_plans(spec["previous"], result.assignments, tables, rules)
        _write_json(job.dir / "diff.json", {"summary": d.summary(), "teams": frame_records(d.teams),
                                            "people": frame_records(d.people)})
    job.finish("done", "", out)


def _zone(job: _Job) -> None:
    from ..io.side import zoning_table
    from ..io.wording import zoning_text
    from ..io.write import frame_to_csv_bytes, write_file
    from ..zoning import ZoningOptions, solve_zoning
    from ..zoning.adapter import zoning_input

    spec = job.spec
    tables = _tables(job)
    opts = ZoningOptions(**spec["options"])
    job.step("zone")
    inp = zoning_input(tables)
    result = solve_zoning(inp, opts, cancel=job.cancel)
    if job.cancelled():
        job.finish("cancelled", "已取消：未生成划分方案。")
        return
    out: dict[str, Any] = {"status": str(result.status), "objective": result.objective, "bound": result.bound,
                           "gap": result.gap, "wall_time": round(float(result.wall_time), 2),
                           "explanations": [zoning_text(e, "zh") for e in result.explanations]}
    if result.any_zoning:
        table = zoning_table(inp, result.zones)
        path = Path(spec["zoning_file"])
        write_file(path, frame_to_csv_bytes(table))
        zid = spec["zoning_id"]
        with job.lock:
            job.con.execute("INSERT INTO zonings(id, space, dataset, name, source, path, created, account) "
                            "VALUES (?,?,?,?,?,?,?,?)", (zid, job.space, spec["dataset"], spec["zoning_name"],
                                                         "solved", str(path), now_iso(), job.account))
        out["zoning_id"] = zid
        out["zones"] = int(table.loc[table["zone"] != "", "zone"].nunique())
    job.finish("done" if result.any_zoning else "failed",
               "" if result.any_zoning else "没有满足条件的划分方案，原因见下。", out)


def _compare(job: _Job) -> None:
    from ..cli.compare_view import verdict_text
    from ..compare import comparison
    from ..io.side import read_zoning
    from ..maps import zone_colors
    from ..options import RuleOptions, SolveOptions
    from ..zoning.adapter import current_zoning, zoning_input

    spec = job.spec
    tables = _tables(job)
    named: dict[str, pd.DataFrame] = {}
    for item in spec["zonings"]:
        named[item["label"]] = current_zoning(tables) if item["path"] == "current" else read_zoning(item["path"], tables)
    if job.cancelled():
        job.finish("cancelled", "已取消。")
        return
    job.step("compare")
    comp = comparison(tables, named, staffing=True, rules=RuleOptions(**spec.get("rules", {})),
                      options=SolveOptions(**spec.get("solve", {})))
    inp = zoning_input(tables)
    colors = zone_colors(inp, named)
    zones_of = {name: dict(zip(z["township_id"], z["zone"])) for name, z in named.items()}
    _write_json(job.dir / "compare.json", {
        "labels": [i["label"] for i in spec["zonings"]], "ids": [i["id"] for i in spec["zonings"]],
        "summary": frame_records(comp.summary), "zones": frame_records(comp.zones),
        "verdict": verdict_text(comp.summary, "zh") if len(named) > 1 else [],
        "colors": colors, "zones_of": zones_of})
    job.finish("done", "", {"zonings": len(named)})


def run_job(db_path: str, job_id: str) -> None:
    """Run one job to its end (the target of a job process)."""
    job = _Job(db_path, job_id)
    watcher = threading.Thread(target=job.watch, daemon=True)
    watcher.start()
    try:
        {"staff": _staff, "replan": _staff, "zone": _zone, "compare": _compare}[job.kind](job)
    except Exception as exc:  # every failure becomes the job's message
        from ..errors import InputError

        if isinstance(exc, InputError):
            lines = exc.render("zh")
            job.finish("failed", "输入有误：" + "；".join(lines[:3]), {"problems": lines})
        else:
            logger.error("job %s failed:\n%s", job_id, traceback.format_exc())
            job.finish("failed", f"运行出错：{type(exc).__name__}: {exc}"[:500])
    finally:
        job._stop.set()
