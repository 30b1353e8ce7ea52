"""How often does the identity check refuse a *clean* county, and by which rule?

A near-miss rule that refuses ordinary clean workbooks would be switched off by its users.
This runs :func:`zoneplan.synth_county.county` (Uyghur names of two parts, Han names by real
frequency) over a batch of seeds and sizes, loads each clean county, and counts refusals by
rule; it also counts the near pairs found and how many of them no kin distance depends on
(kept as notes), how often ``--strict`` passes once every home is filled in, and the load
time (worst and median).

    python -m benchmarks.identity_refusals [--seeds 200] [--out benchmarks/results/identity.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

import zoneplan
from zoneplan import InputError
from zoneplan.synth_county import county

SIZES = {"county": dict(townships=9, staff=6, cases=18), "large county": dict(townships=20, staff=10, cases=60),
         # sensitivity: 4 % of people written by one name only (informal, not as on the identity card)
         "county, 4% one name": dict(townships=9, staff=6, cases=18, one_name_rate=0.04)}


def _rule(p) -> str:
    text = p.render("en")
    for key, name in (("looks like", "near-miss person"), ("village written as in", "near-miss village"),
                      ("a village of", "village not in villages.csv"), ("zone of two", "lone zone near another"),
                      ("one spelling per person", "roster spelled twice"), ("one value per cell", "list in a cell"),
                      ("is the name of", "ambiguous name")):
        if key in text:
            return name
    return p.expected[:40]


def run(seeds: int) -> dict:
    out = {}
    for style in ("xinjiang", "han"):
        for size, kw in SIZES.items():
            if style == "han" and "one name" in size:
                continue
            refused, rules, near, sound, times, strict_ok = 0, Counter(), 0, 0, [], 0
            for seed in range(seeds):
                frames = county(seed, style, **kw)
                t0 = time.perf_counter()
                try:
                    t = zoneplan.tables_from_frames(**frames)
                    near += len(t.near_people)
                    sound += sum(len(i.who) for i in t.quality.notes if "another transcription" in i.what and i.kind == "note")
                except InputError as exc:
                    refused += 1
                    rules.update({_rule(p) for p in exc.problems})
                times.append(time.perf_counter() - t0)
                # complete (every home known; a place outside the county is fine): --strict passes?
                inv = frames["investigators"]
                inv["home_township"] = [h or "外县" for h in inv["home_township"]]
                try:
                    zoneplan.tables_from_frames(**frames, strict=True)
                    strict_ok += 1
                except InputError:
                    pass
            people = sum(len(v) for k, v in county(0, style, **kw).items() if k in ("investigators", "relations"))
            out[f"{style} {size}"] = {
                "seeds": seeds, "refused": refused, "refused_rate": refused / seeds, "by_rule": dict(rules),
                "near_pairs_kept_as_notes": near, "names_read_as_one_by_sound": sound, "rows_per_county": people,
                "strict_passes_when_complete": strict_ok,
                "load_s_median": round(statistics.median(times), 3), "load_s_worst": round(max(times), 3)}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    res = run(a.seeds)
    for k, v in res.items():
        print(f"{k:22s} refused {v['refused']:3d}/{v['seeds']} ({100 * v['refused_rate']:.1f} %) {v['by_rule']}  "
              f"near pairs kept as notes {v['near_pairs_kept_as_notes']}  read as one by sound "
              f"{v['names_read_as_one_by_sound']}  --strict passes {v['strict_passes_when_complete']}  "
              f"load {v['load_s_median']} s "
              f"(worst {v['load_s_worst']} s)")
    if a.out:
        a.out.write_text(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
