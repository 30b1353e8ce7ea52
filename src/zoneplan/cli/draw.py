"""Draw commands and options: ``staff --draw --cap Q [--lead-cap Q] [--seed N | --seed-from TEXT]``,
``replay PLAN DATA`` and ``seed TEXT``.

``replay`` re-derives a drawn plan from what its ``report.json`` recorded -- the options,
the caps and the seed -- and the data folder given, then says ``identical`` (exit 0) or
shows the difference (exit 1): every input file whose hash changed, by name, and every
team drawn differently.  Bad input exits 2 as everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from ..i18n import pick
from .common import EXIT_VIOLATIONS, Lang, _guard, _lang_of, app

__all__ = ["DrawFlag", "Cap", "LeadCap", "SeedFrom", "StrictCap", "draw_options", "print_draw", "record_previous"]

DrawFlag = typer.Option(False, "--draw", help="Draw the plan at random under probability caps (--cap), replayable "
                        "from the seed (--seed N or --seed-from TEXT).")
Cap = typer.Option(None, "--cap", help="With --draw: the largest probability that a person is on a given case "
                   "(0 < Q <= 1).")
LeadCap = typer.Option(None, "--lead-cap", help="With --draw: the largest probability that a person leads a given "
                       "case (default: not capped).")
SeedFrom = typer.Option(None, "--seed-from", help="With --draw: the seed is the SHA-256 of this published text "
                        "(e.g. a date and a number announced before the draw).")
StrictCap = typer.Option(False, "--strict-cap", help="With --draw: refuse a cap some case cannot keep, instead of "
                         "raising that case's cap to the smallest it allows.")

TEXT = {
    "head": {"en": "draw: seed {seed}{src}; cap {cap}{lead}; {plans} possible plan(s) in {parts} part(s)",
             "zh": "抽签：种子 {seed}{src}；概率上限 {cap}{lead}；{parts} 组共 {plans} 个备选方案"},
    "src": {"en": " (from the text \"{text}\")", "zh": "（由文字“{text}”得出）"},
    "lead": {"en": ", lead cap {lead}", "zh": "，组长上限 {lead}"},
    "quality": {"en": "  every possible plan keeps the largest workload within {bound:g} (optimum {opt:g}); travel "
                      "expected {etr:g}, drawn {rtr:g} (optimum {otr:g}, ratio {ratio})",
                "zh": "  任一可能方案的最大工作量不超过 {bound:g}（最优 {opt:g}）；总车程期望 {etr:g}，抽中 {rtr:g}"
                      "（最优 {otr:g}，比值 {ratio}）"},
    "raised": {"en": "  {n} cap(s) raised where the rules leave no choice (draw.csv, plan.xlsx):",
               "zh": "  {n} 处因规则别无选择而提高上限（见 draw.csv、plan.xlsx）："},
    "written": {"en": "  audit: draw.csv, draw_plans.csv, report.json (draw), plan.xlsx (sheets 抽签审计...)",
                "zh": "  审计材料：draw.csv、draw_plans.csv、report.json（抽签一节）、plan.xlsx（抽签审计等表）"},
    "identical": {"en": "identical: the drawn plan re-derives from the recorded inputs, options and seed {seed}",
                  "zh": "一致：由记录的输入、参数和种子 {seed} 重新得出的方案与原方案完全相同"},
    "different": {"en": "different: replaying the draw does not give the recorded plan",
                  "zh": "不一致：重新抽签得出的方案与记录的方案不同"},
    "changed_file": {"en": "  input file changed: {name} ({file}): sha256 {old}... recorded, {new}... now",
                     "zh": "  输入文件已改动：{name}（{file}）：记录的 sha256 {old}…，现为 {new}…"},
    "missing_file": {"en": "  input file missing now: {name} ({file})", "zh": "  输入文件现已缺失：{name}（{file}）"},
    "new_file": {"en": "  input file not in the record: {name} ({file})", "zh": "  记录中没有的输入文件：{name}（{file}）"},
    "same_inputs": {"en": "  the input files are as recorded", "zh": "  输入文件与记录一致"},
    "team": {"en": "  {case}: recorded {a}; replayed {b}", "zh": "  {case}：记录为 {a}；重新抽签为 {b}"},
    "more": {"en": "  ... and {n} more team(s)", "zh": "  ……另有 {n} 个办案组"},
    "odds": {"en": "  draw.csv differs for {n} pair(s) (probabilities, caps, notes or the draw)",
             "zh": "  draw.csv 中有 {n} 对人员与案件的记录不同（概率、上限、说明或抽中与否）"},
    "no_odds": {"en": "  the plan folder has no draw.csv ({file}): the odds cannot be compared",
                "zh": "  方案文件夹中没有 draw.csv（{file}）：无法核对概率"},
    "teams_same": {"en": "  the teams are the same", "zh": "  办案组相同"},
    "refused": {"en": "  the recorded caps cannot be kept on these inputs: {why}",
                "zh": "  在现有输入下无法满足记录的上限：{why}"},
    "inputs": {"en": "{digest}  all inputs together (zoneplan replay checks each file against the plan's record)",
               "zh": "{digest}  全部输入合计（zoneplan replay 会逐个文件与方案的记录核对）"},
    "status": {"en": "  (a drawn plan: the levels above are its own; OPTIMAL means the optimum was proven and these odds "
                     "are the best the caps allow)",
               "zh": "  （抽签方案：以上各项为抽中方案本身的数值；“最优”指最优方案已证明、且在上限约束下各人概率的安排最优）"},
    "seed": {"en": "seed {seed}\nsha256 {sha}\n(the seed is the first 16 hex digits of the SHA-256 of the text, UTF-8)",
             "zh": "种子 {seed}\nsha256 {sha}\n（种子取文字 UTF-8 编码的 SHA-256 值前 16 位十六进制数）"},
}


def draw_options(draw: bool, cap: Optional[float], lead_cap: Optional[float], seed: int, seed_from: Optional[str],
                 strict: bool):
    """The :class:`~zoneplan.staffing.draw.DrawOptions` of the command line, or None
    without ``--draw``.

    Raises
    ------
    ValueError
        A draw option without ``--draw``, ``--draw`` without ``--cap``, or both ``--seed``
        and ``--seed-from``.
    """
    from ..staffing.draw import DrawOptions

    if not draw:
        if cap is not None or lead_cap is not None or seed_from is not None or strict:
            raise ValueError("--cap, --lead-cap, --seed-from and --strict-cap only apply to a draw: add --draw")
        return None
    if cap is None:
        raise ValueError("--draw needs --cap Q: the largest probability that a person is on a given case, e.g. "
                         "--cap 0.5")
    if seed_from is not None and seed != 0:
        raise ValueError("give the seed as a number (--seed) or as a published text (--seed-from), not both")
    kw: dict[str, Any] = {"cap": cap, "lead_cap": lead_cap, "strict": strict}
    if seed_from is not None:
        kw["seed_text"] = seed_from
    else:
        kw["seed"] = seed
    return DrawOptions(**kw)


def record_previous(result, previous: Optional[Path]) -> None:
    """Note the previous plan's path in the draw's audit (``replay`` reads it there)."""
    if getattr(result, "draw", None) is not None and previous is not None:
        result.draw.replan["previous"] = str(previous)


def print_draw(result, lang: str) -> None:
    """The draw in a few lines: seed, caps, the quality against the optimum, raised caps."""
    from ..io.drawbook import note_text

    d = getattr(result, "draw", None)
    if d is None:
        return
    o = d.options
    src = pick(TEXT["src"], lang, text=o.seed_text) if o.seed_text is not None else ""
    lead = pick(TEXT["lead"], lang, lead=f"{o.lead_cap:g}") if o.lead_cap is not None else ""
    typer.echo(pick(TEXT["status"], lang))
    typer.echo(pick(TEXT["head"], lang, seed=o.seed, src=src, cap=f"{o.cap:g}", lead=lead,
                    plans=sum(len(p["plans"]) for p in d.parts), parts=len(d.parts)))
    q = d.quality
    r = q["ratio"]["expected_travel"]
    typer.echo(pick(TEXT["quality"], lang, bound=q["workload_bound"], opt=q["optimum"]["max_workload"],
                    etr=q["expected"]["travel"], rtr=q["realised"]["travel"], otr=q["optimum"]["travel"],
                    ratio="-" if r is None else f"{r:.4f}"))
    if d.raised:
        typer.echo(pick(TEXT["raised"], lang, n=len(d.raised)))
        for item in d.raised[:5]:
            typer.echo(f"    {item['case_id']} {item['investigator_id']}: {note_text(item['reason'], lang)}")
    typer.echo(pick(TEXT["written"], lang))


@app.command()
@_guard
def seed(text: str = typer.Argument(..., help="The published text (e.g. a date and a number announced before the "
                                               "draw)."),
         data: Optional[Path] = typer.Option(None, "--data", help="Also print the hashes of this data folder's input "
                                             "files, to publish with the text before the draw."),
         lang: Optional[str] = Lang) -> None:
    """The seed that --seed-from TEXT gives (and, with --data, the input hashes), to publish before the draw."""
    import hashlib
    import unicodedata

    from ..staffing.draw import seed_from_text

    lg = _lang_of({"lang": lang})
    sha = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    typer.echo(pick(TEXT["seed"], lg, seed=seed_from_text(text), sha=sha))
    if data is not None:
        from .. import load
        from ..io.wording import table_label
        from ..staffing.drawplan import inputs_digest

        tables = load(data)
        for name, s in sorted(tables.sources.items()):
            typer.echo(f"{s.sha256}  {table_label(name, lg)} ({s.path})")
        typer.echo(pick(TEXT["inputs"], lg, digest=inputs_digest(tables.sources)))


def _odds_rows_differing(old: bytes, new: bytes) -> int:
    """Pairs of ``draw.csv`` present in one file only or differing in any column (a line that
    cannot be read counts as differing)."""
    import io

    import pandas as pd

    keys = ["case_id", "investigator_id"]
    try:
        o1 = pd.read_csv(io.BytesIO(old), dtype=str, keep_default_na=False) if old else pd.DataFrame(columns=keys)
    except (ValueError, pd.errors.ParserError):
        o1 = pd.DataFrame(columns=keys)
    o2 = pd.read_csv(io.BytesIO(new), dtype=str, keep_default_na=False)
    if not set(keys) <= set(o1.columns):
        return len(o2)
    cols = [c for c in o2.columns if c not in keys]
    m = o1.merge(o2, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    differ = m["_merge"] != "both"
    for c in cols:
        if f"{c}_a" not in m:  # the old file lacks the column: every pair differs in it
            differ |= True
            continue
        differ |= m[f"{c}_a"].fillna("\x00") != m[f"{c}_b"].fillna("\x00")
    return int(differ.sum())


def _record(plan: Path) -> dict[str, Any]:
    """``report.json`` of a drawn plan, with its draw block."""
    from ..errors import InputError, Problem

    f = plan / "report.json" if plan.is_dir() else plan
    if not f.is_file():
        raise InputError([Problem(str(f), None, None, None,
                                  expected="the folder of a plan written by zoneplan staff --draw (no report.json here)",
                                  expected_zh="zoneplan staff --draw 写出的方案文件夹（此处没有 report.json）")])
    try:
        rep = json.loads(f.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(f), None, None, None, expected=f"a readable report.json ({exc})",
                                  expected_zh=f"可读取的 report.json（{exc}）")]) from None
    if not isinstance(rep, dict) or not isinstance(rep.get("draw"), dict):
        raise InputError([Problem(str(f), None, None, None,
                                  expected="a drawn plan (this report.json has no draw: only a plan of zoneplan staff "
                                           "--draw can be replayed)",
                                  expected_zh="抽签产生的方案（该 report.json 中没有 draw：只能复核 zoneplan staff --draw "
                                              "的方案）")])
    return rep


def _teams(frame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for c, i, r in zip(frame["case_id"].astype(str), frame["investigator_id"].astype(str), frame["role"].astype(str)):
        out.setdefault(c, []).append(f"{i}{'*' if r == 'lead' else ''}")
    return {c: ", ".join(v) for c, v in out.items()}


@app.command()
@_guard
def replay(
    plan_dir: Path = typer.Argument(..., help="The folder of a drawn plan (zoneplan staff --draw --out ...)."),
    data_dir: Path = typer.Argument(..., help="The data folder (or workbook) the plan was drawn from."),
    previous: Optional[Path] = typer.Option(None, "--previous", help="The previous plan of a drawn re-plan (default: "
                                            "the path recorded)."),
    zones: Optional[Path] = typer.Option(None, "--zones", help="The zoning the plan was drawn under (default: the "
                                         "path recorded)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Threads (the draw does not depend on them)."),
    lang: Optional[str] = Lang,
) -> None:
    """Re-derive a drawn plan from its recorded options and seed; say identical, or show the difference (exit 1)."""
    import pandas as pd

    from .. import load, staff
    from ..io.history import resolve_plan
    from ..io.plan import PLAN_COLUMNS, read_previous
    from ..io.write import frame_to_csv_bytes
    from ..options import RuleOptions, SolveOptions
    from ..staffing.draw import DrawError, DrawOptions
    from .staffing import _zoned

    lg = _lang_of({"lang": lang})
    rep = _record(plan_dir)
    rec = rep["draw"]
    tables = load(data_dir)
    rec_inputs = rec.get("inputs", {})
    if "zones" in rec_inputs or zones is not None:
        tables = _zoned(tables, zones if zones is not None else Path(rec_inputs["zones"]["file"]), False)
    notes = []
    now = {n: s for n, s in tables.sources.items()}
    for name in sorted(set(rec_inputs) | set(now)):
        if name not in now:
            notes.append(pick(TEXT["missing_file"], lg, name=name, file=rec_inputs[name]["file"]))
        elif name not in rec_inputs:
            notes.append(pick(TEXT["new_file"], lg, name=name, file=now[name].path))
        elif now[name].sha256 != rec_inputs[name]["sha256"]:
            notes.append(pick(TEXT["changed_file"], lg, name=name, file=now[name].path,
                              old=rec_inputs[name]["sha256"][:12], new=now[name].sha256[:12]))
    opts = rep.get("options", {})
    rules = RuleOptions(**opts.get("rules", {}))
    solve = dict(opts.get("solve", {}))
    if workers is not None:
        solve["workers"] = workers
    draw = DrawOptions(**{**rec["options"], "seed": int(rec["options"]["seed"])})
    replan = rec.get("replan", {}) or {}
    kw: dict[str, Any] = {"locks": replan.get("locks", []), "forbid": replan.get("forbid", [])}
    if "previous_sha256" in replan:
        src = previous if previous is not None else replan.get("previous")
        if src is None:
            raise ValueError("this draw re-planned from a previous plan; give it with --previous")
        kw["previous"] = read_previous(resolve_plan(src), tables)
    try:
        result = staff(tables, rules, SolveOptions(**solve), draw=draw, **kw)
    except DrawError as exc:
        typer.echo(pick(TEXT["different"], lg))
        for line in notes or [pick(TEXT["same_inputs"], lg)]:
            typer.echo(line)
        typer.echo(pick(TEXT["refused"], lg, why=exc.render(lg)))
        raise typer.Exit(EXIT_VIOLATIONS)
    new_plan = frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f")
    old_file = (plan_dir if plan_dir.is_dir() else plan_dir.parent) / "assignments.csv"
    old_plan = old_file.read_bytes() if old_file.is_file() else b""
    from ..io.drawbook import draw_files

    new_odds = draw_files(result).get("draw.csv", b"")
    odds_file = old_file.parent / "draw.csv"
    old_odds = odds_file.read_bytes() if odds_file.is_file() else b""  # a missing record is no agreement
    if not odds_file.is_file():
        notes.append(pick(TEXT["no_odds"], lg, file=odds_file))
    if new_plan == old_plan and new_odds == old_odds and not notes:
        typer.echo(pick(TEXT["identical"], lg, seed=draw.seed))
        return
    typer.echo(pick(TEXT["different"], lg))
    for line in notes or [pick(TEXT["same_inputs"], lg)]:
        typer.echo(line)
    import io

    old = pd.read_csv(io.BytesIO(old_plan), dtype=str) if old_plan else pd.DataFrame(columns=list(PLAN_COLUMNS))
    a, b = _teams(old), _teams(result.assignments)
    diff = [c for c in sorted(set(a) | set(b)) if a.get(c) != b.get(c)]
    for c in diff[:20]:
        typer.echo(pick(TEXT["team"], lg, case=c, a=a.get(c, "-"), b=b.get(c, "-")))
    if len(diff) > 20:
        typer.echo(pick(TEXT["more"], lg, n=len(diff) - 20))
    if not diff:
        typer.echo(pick(TEXT["teams_same"], lg))
    if new_odds != old_odds:
        typer.echo(pick(TEXT["odds"], lg, n=_odds_rows_differing(old_odds, new_odds)))
    raise typer.Exit(EXIT_VIOLATIONS)
