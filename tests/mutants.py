"""Break the code on purpose, one mutant at a time, and check that the tests go red.

``python tests/mutants.py [name ...]`` (from the repository root, in the venv): each
mutant below is applied to its file, the listed tests run, and the file is restored.
Every line must say CAUGHT.  Mutants: those of issue 10 (a min-max level always proven,
a wrong big-M, a wrong bound formula, eligibility ignoring cross_county, workload.csv
without current workload, the zoning checker stubbed), the team rules, locks and the
changes level of re-planning, and a few more of the new code.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
M=[
 ("big-M weights", "src/zoneplan/staffing/search.py", "        weights[k] = 1 + sum(weights[j] * spans[j] for j in range(k + 1, len(levels)))", "        weights[k] = 1", "tests/test_staffing_props.py tests/test_solver_core.py"),
 ("min-max always proven", "src/zoneplan/staffing/lexicographic.py", "    max_proven = value == bound and all(exact_a)", "    max_proven = True", "tests/test_solver_core.py -k honest"),
 ("bound formula", "src/zoneplan/staffing/search.py", "bound = group[0].sense * int(np.floor((best - lowest) / weights[0] + 1e-9))", "bound = group[0].sense * int(np.floor(best / weights[0] + 1e-9))", "tests/test_solver_core.py tests/test_regressions.py"),
 ("cross_county ignored (never)", "src/zoneplan/staffing/eligibility.py", "        if rules.cross_county:\n", "        if False:\n", "tests/test_staffing_rules.py tests/test_staffing_props.py"),
 ("cross_county ignored (always)", "src/zoneplan/staffing/eligibility.py", "        if rules.cross_county:\n", "        if True:\n", "tests/test_staffing_rules.py tests/test_staffing_props.py"),
 ("workload.csv without current", "src/zoneplan/staffing/assemble.py", '"workload": loads(inst, pairs) / WORKLOAD_SCALE', '"workload": (loads(inst, pairs) - inst.current_load) / WORKLOAD_SCALE', "tests/test_solver_core.py -k workload"),
 ("zoning checker stubbed", "src/zoneplan/zoning/metrics.py", "    opt = options or ZoningOptions()\n    out: list[str] = []", "    return []\n    opt = options or ZoningOptions()\n    out: list[str] = []", "tests/test_zoning_checker.py"),
 ("dense LP bound one too low", "src/zoneplan/staffing/dense.py", "    best = int(np.floor(top + EPS * max(1.0, abs(top))))", "    best = int(np.floor(top + EPS * max(1.0, abs(top)))) - 1", "tests/test_staffing_props.py tests/test_solver_core.py"),
 ("diagnosis UNKNOWN says cannot be staffed", "src/zoneplan/staffing/explain.py", "    if st != cp_model.INFEASIBLE:\n        return None", "    if st != cp_model.INFEASIBLE:\n        return ['requirements']", "tests/test_solver_core.py -k diagnosis"),
 ("capacity story when undecided", "src/zoneplan/staffing/explain.py", "        if not decided[c]:", "        if False:", "tests/test_solver_core.py"),
 ("team.kin row allows both kin", "src/zoneplan/staffing/model.py", "        yield [p, q], [1, 1], 0, 1", "        yield [p, q], [1, 1], 0, 2", "tests/test_team_rules.py"),
 ("team.township limit one too high", "src/zoneplan/staffing/model.py", "        yield grp, [1] * len(grp), 0, int(part.per_township)", "        yield grp, [1] * len(grp), 0, int(part.per_township) + 1", "tests/test_team_rules.py"),
 ("locks not kept", "src/zoneplan/staffing/model.py", "        yield [p], [1], 1, 1", "        yield [p], [1], 0, 1", "tests/test_replan.py tests/test_rebalance.py"),
 ("checker ignores team.kin", "src/zoneplan/check.py", "    if rules.team_kin_hops > 0:", "    if False:", "tests/test_team_rules.py"),
 ("changes level constant dropped", "src/zoneplan/staffing/dense.py", "    top = lp.value + signed.constant", "    top = lp.value", "tests/test_replan.py tests/test_team_rules.py"),
 ("rebalance validity check off", "src/zoneplan/staffing/rebalance.py", "    if not plan_is_valid(part, new) or new.max_load(part) > plan.max_load(part):", "    if new.max_load(part) > plan.max_load(part):", "tests/test_rebalance.py"),
 ("sweep drop-outs staff afresh", "src/zoneplan/sweep/run.py", ",\n                 previous=plan.assignments)", ")", "tests/test_sweep.py -k dropout"),
 ("weighted exactness check off", "src/zoneplan/staffing/weighted.py", "    if reach >= EXACT_LIMIT:", "    if False:", "tests/test_solver_core.py -k weights"),
 ("draw cap dropped", "src/zoneplan/staffing/drawcg.py", "            self._row(self.cap_rows, p, caps.member[p]).SetCoefficient(lam, 1.0)", "            pass", "tests/test_draw.py -k 'frequencies or forced or together'"),
 ("draw seed ignored", "src/zoneplan/staffing/draw.py", 'f"zoneplan-draw/{DRAW_VERSION}|{int(seed)}|"', 'f"zoneplan-draw/{DRAW_VERSION}|0|"', "tests/test_draw.py -k 'seeds_draw or seed_from_text_determines'"),
 ("draw marginal misreported", "src/zoneplan/staffing/draw.py", "            for p in np.flatnonzero(col.member).tolist():\n                out[p] += w", "            for p in np.flatnonzero(col.member).tolist():\n                out[p] = w", "tests/test_draw.py -k 'frequencies or every_plan_of_a_draw'"),
]
sel = sys.argv[1:] 
for name, f, old, new, tests in M:
    if sel and not any(s in name for s in sel): continue
    p = ROOT/f; src = p.read_text()
    assert old in src, name
    p.write_text(src.replace(old, new, 1))
    try:
        r = subprocess.run(f"cd {ROOT} && {sys.executable} -m pytest -q -x {tests}", shell=True, capture_output=True, text=True)
        out = r.stdout.strip().splitlines()
        print(f"{'CAUGHT' if r.returncode else 'MISSED'}: {name}  ({tests}) {[l for l in out if 'failed' in l or 'passed' in l][-1:] }", flush=True)
    finally:
        p.write_text(src)
