"""Break the code on purpose, one mutant at a time, and check that the tests go red.

``python tests/mutants.py [name ...]`` (from the repository root, in the venv): each
mutant below is applied to its file, the listed tests run, and the file is restored.
Every line must say CAUGHT, and the last line reports the share caught.  A mutant is one
replacement, or several applied together: ``old`` and ``new`` are then tuples.

Mutants: those of issue 10 (a min-max level always proven, a wrong big-M, a wrong bound
formula, eligibility ignoring cross_county, workload.csv without current workload, the
zoning checker stubbed), the team rules, locks and the changes level of re-planning; those
of issue 17 -- each makes the tool claim something false (a proof, a bound, a lock kept, a
number or a name read) or makes the plan depend on the layout of the tables -- and more of
the same families.  The proof audit (``tests/test_proof_audit.py``) catches the claims,
``tests/test_canonical.py`` the layout, ``tests/test_parsing_tables.py`` the reading.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
M = [
 ("big-M weights", "src/zoneplan/staffing/search.py", "        weights[k] = 1 + sum(weights[j] * spans[j] for j in range(k + 1, len(levels)))", "        weights[k] = 1", "tests/test_staffing_props.py tests/test_solver_core.py"),
 ("min-max always proven", "src/zoneplan/staffing/lex_parts.py", "    max_proven = value == bound and all(exact_a)", "    max_proven = True", "tests/test_solver_core.py -k honest"),
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
 ("checker ignores team.kin", "src/zoneplan/staffing/check.py", "    if rules.team_kin_hops > 0:", "    if False:", "tests/test_team_rules.py"),
 ("changes level constant dropped", "src/zoneplan/staffing/dense.py", "    top = lp.value + signed.constant", "    top = lp.value", "tests/test_replan.py tests/test_team_rules.py"),
 ("rebalance validity check off", "src/zoneplan/staffing/rebalance.py", "    if not plan_is_valid(part, new) or new.max_load(part) > plan.max_load(part):", "    if new.max_load(part) > plan.max_load(part):", "tests/test_rebalance.py"),
 ("sweep drop-outs staff afresh", "src/zoneplan/sweep/run.py", ",\n                 previous=plan.assignments)", ")", "tests/test_sweep.py -k dropout"),
 ("weighted exactness check off", "src/zoneplan/staffing/weighted.py", "    if reach >= EXACT_LIMIT:", "    if False:", "tests/test_solver_core.py -k weights"),
 ("identity: • not folded", "src/zoneplan/data/identity.py", ('NAME_SEPARATORS = "·•・', 'cat[0] in "PSZCM"'), ('NAME_SEPARATORS = "·・', 'cat[0] in "SZCM"'), "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: title list emptied", "src/zoneplan/data/identity.py", 'TITLE_WORDS = (\n', 'TITLE_WORDS = () and (\n', "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: near-miss refusal off", "src/zoneplan/data/people.py", "        if effect is None:\n", "        if True:\n", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: village endings emptied", "src/zoneplan/data/identity.py", 'VILLAGE_ENDINGS = ("社区居民委员会"', 'VILLAGE_ENDINGS = () and ("社区居民委员会"', "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: remarks kept in the key", "src/zoneplan/data/identity.py", '    bare = fold_traditional(_REMARK.sub(" ", text))', '    bare = fold_traditional(text)', "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: transcription rule off", "src/zoneplan/data/identity.py", '        return sound_key(b) if len(b) >= 4', '        return "" if len(b) >= 4', "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: linked pairs merged", "src/zoneplan/data/people.py", "        hit = [i for i in hit if frozenset((pn.key, i)) not in apart]", "        pass", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: roster entered twice accepted", "src/zoneplan/data/people.py", "        if not spelled and not dup[k]:", "        if True:", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: village near-miss off", "src/zoneplan/data/places.py", "        for ck in sorted(near):", "        for ck in []:", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: case village not in villages.csv accepted", "src/zoneplan/data/places.py", "                    if is_case or close:", "                    if False:", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: lone near zone accepted", "src/zoneplan/data/places.py", "        if close:\n", "        if False:\n", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: struck lines read", "src/zoneplan/data/parse.py", "        if k is None or not hit:\n            continue", "        if True:\n            continue", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: one-value cells accept lists", "src/zoneplan/data/parse.py", "        if seps and n and present:", "        if False:", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: list items with marks accepted", "src/zoneplan/data/parse.py", "        if bad_u.any():", "        if False:", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: distinct remark ignored", "src/zoneplan/data/identity.py", "    distinct = any(w in low for w in DISTINCT_WORDS)", "    distinct = False", "tests/test_identity.py tests/test_input_trust.py"),
 ("identity: township stripped to a bare ending", "src/zoneplan/data/places.py", "and not _only_ending(v[len(b):])", "", "tests/test_identity.py -k named_after"),
 ("identity: odd marks in names not separators", "src/zoneplan/data/identity.py", "    return ch in _EXTRA_MARKS or cat[0] in \"PSZCM\" or cat == \"Lm\"", "    return False", "tests/test_identity.py -k 'odd_mark or any_mark'"),
 ("identity: containment rule off", "src/zoneplan/data/identity.py", "    if len(short.parts) <= 1 and _contained(short.base, long_.base):", "    if False:", "tests/test_identity.py -k 'near_misses or longer_text'"),
 ("identity: glued titles cut into a name part", "src/zoneplan/data/identity.py", " and (edge is None or edge[start] - len(t) >= 2):", ":", "tests/test_identity.py -k different_keys"),
 ("identity: address words not near", "src/zoneplan/data/identity.py", "\n                                                                              or suf in ADDRESS_SUFFIXES))", "))", "tests/test_identity.py -k near_misses"),
 ("identity: first-part rule off", "src/zoneplan/data/identity.py", '            return "part"\n    elif', '            return None\n    elif', "tests/test_identity.py tests/test_input_trust.py"),

 # issue 17: false proofs and bounds, caught by the proof audit
 ("dense sum level proven on give-up", "src/zoneplan/staffing/dense.py", "    return LevelOutcome(level.value(part, state.plan), bound, False)", "    return LevelOutcome(level.value(part, state.plan), bound, True)", "tests/test_proof_audit.py"),
 ("dense max bound = own value", "src/zoneplan/staffing/dense.py", "    bound = max(lower, min(bound, value))", "    bound = max(lower, value)", "tests/test_proof_audit.py"),
 ("LP stopped early used as bound", "src/zoneplan/staffing/lp.py", "    converged = not enter.any()", "    converged = True", "tests/test_proof_audit.py"),
 ("level proven while an earlier is not", "src/zoneplan/staffing/lex_parts.py", "    proven = all(o.proven for o in outcomes) and all(valid)", "    proven = all(o.proven for o in outcomes)", "tests/test_proof_audit.py"),
 ("lock on the first pair ignored", "src/zoneplan/staffing/previous.py", "        locked[p[p >= 0]] = True", "        locked[p[p > 0]] = True", "tests/test_proof_audit.py -k replans"),
 ("staffed span 0 in the combined objective", "src/zoneplan/staffing/search.py", "    spans = [lv.coefficients(part).span(part) for lv in levels]", "    spans = [0 if lv.name == 'staffed' else lv.coefficients(part).span(part) for lv in levels]", "tests/test_proof_audit.py"),
 ("FEASIBLE combined solve reported proven", "src/zoneplan/staffing/search.py", "        if status == cp_model.OPTIMAL:\n            outcome", "        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):\n            outcome", "tests/test_proof_audit.py"),
 ("max level proven when earlier levels are not", "src/zoneplan/staffing/lex_parts.py", "    max_proven = value == bound and all(exact_a)", "    max_proven = value == bound", "tests/test_proof_audit.py"),
 ("max level bound one unit too high", "src/zoneplan/staffing/search.py", "max(lower, int(np.ceil(-best - 1e-9)))", "max(lower, int(np.ceil(-best - 1e-9)) + 1)", "tests/test_proof_audit.py"),
 ("weighted FEASIBLE reported proven", "src/zoneplan/staffing/weighted.py", "    proven = status == cp_model.OPTIMAL", "    proven = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)", "tests/test_proof_audit.py -k weighted"),
 ("dense level bound from an LP not converged", "src/zoneplan/staffing/dense.py", "    if lp.value is None or not lp.converged:", "    if lp.value is None:", "tests/test_proof_audit.py"),
 ("levels reported as kept, not as the plan has them", "src/zoneplan/staffing/lex_parts.py", "    return _recount(totals, states, floor), decided\n\n\ndef _recount", "    return totals, decided\n\n\ndef _recount", "tests/test_proof_audit.py"),
 ("checker ignores locks", "src/zoneplan/staffing/check.py", "sorted(set(map(tuple, locks)) - have)", "[]", "tests/test_proof_audit.py -k checker_reports"),
 # issue 17: reading numbers and names, caught by the table-driven tests
 ("十二 read as 2", "src/zoneplan/data/cells.py", '            forms[(d[h] + "百" if h else "") + x] = n', '            forms[(d[h] + "百" if h else "") + x] = n % 10 if n < 20 else n', "tests/test_parsing_tables.py"),
 ("八 and 九 swapped", "src/zoneplan/data/cells.py", '_CN_DIGITS = "零一二三四五六七八九"', '_CN_DIGITS = "零一二三四五六七九八"', "tests/test_parsing_tables.py -k 'every_number'"),
 ("陸 read as 7", "src/zoneplan/data/cells.py", '"零二一二二三三四五六六七八九十百"', '"零二一二二三三四五六七七八九十百"', "tests/test_parsing_tables.py -k 'every_number'"),
 ("一百二 read as 102", "src/zoneplan/data/cells.py", "                tail.append(d[t])  # 一百二: 120", "                forms[d[h] + '百' + d[t]] = 100 * h + t", "tests/test_parsing_tables.py"),
 ("柳河乡 resolved to 柳河镇", "src/zoneplan/data/resolve.py", ("_strip_ending(k) == k:", "self._ending.get(k, set())"), ("True:", "self._ending.get(_strip_ending(k), set())"), "tests/test_parsing_tables.py"),
 # found by the generated sweep (tests/mutsweep.py): what a pair's explanation says, ids typed as numbers
 ("explain: a pair at the pool's edge said outside", "src/zoneplan/staffing/eligibility.py", "    if m > rules.max_travel:", "    if m >= rules.max_travel:", "tests/test_staffing_props.py -k explain_pair"),
 ("explain: zones not used for the pool reason", "src/zoneplan/staffing/eligibility.py", '    if rules.use_zones and zone[ct] != "":', '    if rules.use_zones or zone[ct] != "":', "tests/test_staffing_props.py -k explain_pair"),
 ("explain: kin not looked up outside the pool", "src/zoneplan/staffing/eligibility.py", "    if kin is None:\n        kin = _kin_pairs(t, rules, np.unique(pc))", "    if kin is not None:\n        kin = _kin_pairs(t, rules, np.unique(pc))", "tests/test_staffing_props.py -k explain_pair"),
 ("clean: a column's ASCII fast path skips cleaning", "src/zoneplan/data/cells.py", "            and _NOT_PLAIN.search(joined) is None)", "            and _NOT_PLAIN.search(joined) is not None)", "tests/test_input_props.py -k cleaned"),
 ("clean: a run of spaces kept in a mixed column", "src/zoneplan/data/cells.py", 'v.isprintable() and "  " not in v and v == v.strip()', 'v.isprintable() and "  " in v and v == v.strip()', "tests/test_input_props.py -k cleaned"),
 ("villages: a two-character village not near its longer name", "src/zoneplan/data/places.py", "    return len(short) >= 2 and long_.startswith(short)", "    return len(short) >= 3 and long_.startswith(short)", "tests/test_identity.py -k near_a_listed"),
 ("villages: a longer home village not near the case's", "src/zoneplan/data/places.py", "{hk[:k] for k in range(2, len(hk)) if hk[:k] in by_key}", "{hk[:k] for k in range(3, len(hk)) if hk[:k] in by_key}", "tests/test_identity.py -k near_a_case_village"),
 ("checker: number ids left as numbers", "src/zoneplan/staffing/check.py", 'infer_dtype(arr, skipna=False) != "string"', 'infer_dtype(arr, skipna=False) == "string"', "tests/test_check.py -k number_ids"),
 ("console command ends without its code", "src/zoneplan/cli/__init__.py", "    except SystemExit as exc:\n        leave(exc.code)", "    except SystemExit as exc:\n        leave(0)", "tests/test_cli.py -k leave"),
 # issue 17: canonical plans, caught by the shuffled and padded inputs
 ("tie-break level dropped", "src/zoneplan/staffing/solve.py", "order + (TIE_BREAK,)", "order", "tests/test_canonical.py"),
 ("tables not put in id order", "src/zoneplan/staffing/solve.py", "    tables = canonical_tables(tables)", "    tables = tables", "tests/test_canonical.py"),
 ("dense cutoff asked ahead taken for another question", "src/zoneplan/staffing/dense.py", "            if v == best - 1 and np.array_equal(spec_core, core):", "            if True:", "tests/test_proof_audit.py -k ahead"),
 ("early second process left running", "src/zoneplan/cli/staffing.py", "            side.stop()\n", "            pass\n", "tests/test_second_process.py"),
 ("maps not asked of the second process", "src/zoneplan/io/plan.py", "    if not split and maps is None and side is not None and side.ready():", "    if False:", "tests/test_second_process.py"),
 ("solve asked ahead taken for any question", "src/zoneplan/staffing/dense.py", "    job = state.ahead.pop(key, None)\n", "    job = state.ahead.pop(key, None) or next(iter(state.ahead.values()), None)\n", "tests/test_proof_audit.py -k ahead"),
 ("max LP in turn from another start", "src/zoneplan/staffing/dense.py", "    start = state.lp_start if state.lp_start is not None else np.flatnonzero(state.plan.member)", "    start = np.flatnonzero(state.plan.member)", "tests/test_proof_audit.py -k ahead"),
 ("recusal list not worded by the second process", "src/zoneplan/io/plan.py", "wording=_wording_by(side) if split and side is not None else None", "wording=None", "tests/test_outputs_by_county.py -k words_the_recusal"),
 ("checker's kin search one hop short", "src/zoneplan/staffing/check.py", "    for _ in range(hops):\n        nxt = []", "    for _ in range(hops - 1):\n        nxt = []", "tests/test_check.py tests/test_staffing_props.py"),
 ("dense tie-break skipped", "src/zoneplan/staffing/dense.py", "if face is None or face.sum() > TIE_FACE_PAIRS:", "if True:", "tests/test_canonical.py -k dense_strategy"),
 ("weighted tie-break skipped", "src/zoneplan/staffing/weighted.py", "    if proven:\n        state.exact = _tie_break(", "    if False:\n        state.exact = _tie_break(", "tests/test_proof_audit.py -k weighted"),
 ("tie weights from row positions", "src/zoneplan/staffing/canonical.py", "_mix(hi[pair_inv])", "_mix(pair_inv.astype(np.uint64))", "tests/test_canonical.py"),
 # issue 17: the prefecture-hard part closes only with the second CP-SAT stage
 ("second CP-SAT stage off", "src/zoneplan/staffing/search.py", "((SPARSE_PARAMETERS, LEAN_DT), (FULL_PARAMETERS, None))", "((SPARSE_PARAMETERS, None),)", "tests/test_prefecture_hard.py"),
 # issue 20: the draw
 ("draw cap dropped", "src/zoneplan/staffing/drawcg.py", "            self._row(self.cap_rows, p, caps.member[p]).SetCoefficient(lam, 1.0)", "            pass", "tests/test_draw.py -k 'frequencies or forced or together'"),
 ("draw seed ignored", "src/zoneplan/staffing/draw.py", 'f"zoneplan-draw/{DRAW_VERSION}|{int(seed)}|"', 'f"zoneplan-draw/{DRAW_VERSION}|0|"', "tests/test_draw.py -k 'seeds_draw or seed_from_text_determines'"),
 ("draw marginal misreported", "src/zoneplan/staffing/draw.py", "            for p in np.flatnonzero(col.member).tolist():\n                out[p] += w", "            for p in np.flatnonzero(col.member).tolist():\n                out[p] = w", "tests/test_draw.py -k 'frequencies or every_plan_of_a_draw'"),
]
sel = sys.argv[1:]
caught = total = 0
for name, f, old, new, tests in M:
    if sel and not any(s in name for s in sel):
        continue
    olds, news = (old, new) if isinstance(old, tuple) else ((old,), (new,))
    p = ROOT / f
    src = p.read_text(encoding="utf-8")
    mutated = src
    for o, n in zip(olds, news):
        assert o in mutated, f"{name}: {o!r} not in {f}"
        mutated = mutated.replace(o, n, 1)
    p.write_text(mutated, encoding="utf-8")
    try:
        r = subprocess.run(f"cd {ROOT} && {sys.executable} -m pytest -x -p no:cacheprovider {tests}", shell=True,
                           capture_output=True, text=True)
        out = r.stdout.strip().splitlines()
        total += 1
        caught += r.returncode != 0
        print(f"{'CAUGHT' if r.returncode else 'MISSED'}: {name}  ({tests}) "
              f"{[line for line in out if 'failed' in line or 'passed' in line][-1:]}", flush=True)
    finally:
        p.write_text(src, encoding="utf-8")
print(f"{caught}/{total} caught ({100 * caught / max(1, total):.0f} %)")
